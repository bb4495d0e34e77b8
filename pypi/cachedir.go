package pypi

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The cache directory as a whole (SPEC §2 --cache-dir) holds more than
// this package's entries: index/ is a Client's CacheDir, tuf/ the Sigstore
// trusted root's TUF metadata, and other top-level directories belong to
// other parts of pyverify (a verification cache). The functions below
// serve `pyverify cache info | prune | clean` (issue #13) over all of it.
// None follows a symbolic link: a link found inside is counted and removed
// as itself, never its target, and a cache directory that is itself a
// link is refused, so nothing outside the directory is ever read or
// removed. prune and clean only touch a directory that looks like a
// pyverify cache (see checkCacheRoot), so a mistyped --cache-dir $HOME
// removes nothing.

// CacheTagName is the file that marks a cache directory (the Cache
// Directory Tagging Specification, bford.info/cachedir): backup tools
// skip the directory, and prune and clean know it is ours.
const CacheTagName = "CACHEDIR.TAG"

const cacheTag = "Signature: 8a477f597d28d172789f06886806bc55\n" +
	"# This file is a cache directory tag created by pyverify.\n" +
	"# For information about cache directory tags, see https://bford.info/cachedir/\n"

// ErrNotCacheDir reports a directory prune or clean refuses to touch.
var ErrNotCacheDir = errors.New("not a pyverify cache directory")

// TagCacheDir creates dir if need be and tags it (CacheTagName) unless it
// already is. A directory holding anything but what a pyverify cache
// holds is not tagged (ErrNotCacheDir): a run given --cache-dir $HOME by
// mistake must not make the next `cache clean` empty it.
func TagCacheDir(dir string) error {
	p := filepath.Join(dir, CacheTagName)
	if _, err := os.Lstat(p); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := ownedCache(dir); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(cacheTag), 0o644)
}

// CacheKind is what the cache holds of one kind of entry.
type CacheKind struct {
	// Name is "metadata" (index/http), "artifacts" (index/files),
	// "trust-root" (tuf), "temporary" (files of unfinished writes),
	// "not-regular" (links and other non-regular files, never followed),
	// or the name of another top-level directory.
	Name    string
	Entries int
	Bytes   int64
	// Oldest and Newest are the entries' modification times: when each
	// was written or last used (a Client touches the entries it uses).
	Oldest, Newest time.Time
}

func (k *CacheKind) add(fi fs.FileInfo) {
	k.Entries++
	k.Bytes += fi.Size()
	if t := fi.ModTime(); k.Entries == 1 {
		k.Oldest, k.Newest = t, t
	} else {
		k.Oldest, k.Newest = minTime(k.Oldest, t), maxTime(k.Newest, t)
	}
}

func (k *CacheKind) merge(o CacheKind) {
	if o.Entries == 0 {
		return
	}
	if k.Entries == 0 {
		k.Oldest, k.Newest = o.Oldest, o.Newest
	} else {
		k.Oldest, k.Newest = minTime(k.Oldest, o.Oldest), maxTime(k.Newest, o.Newest)
	}
	k.Entries += o.Entries
	k.Bytes += o.Bytes
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// CacheUsage is what ReadCacheUsage found.
type CacheUsage struct {
	Dir    string
	Exists bool        // false: nothing was ever cached there
	Tagged bool        // it holds CacheTagName
	Kinds  []CacheKind // in the order of cacheKinds, then other names sorted
}

// Total sums the kinds.
func (u *CacheUsage) Total() CacheKind {
	t := CacheKind{Name: "total"}
	for _, k := range u.Kinds {
		t.merge(k)
	}
	return t
}

// cacheKinds names the known subtrees, in display order.
var cacheKinds = []struct{ prefix, name string }{
	{"index/http/", "metadata"},
	{"index/files/", "artifacts"},
	{"tuf/", "trust-root"},
}

// kindOf names the kind of the entry at rel (slash-separated, relative to
// the cache directory).
func kindOf(rel string, fi fs.FileInfo) string {
	switch {
	case !fi.Mode().IsRegular():
		return "not-regular"
	case strings.HasPrefix(filepath.Base(rel), ".tmp-"):
		return "temporary"
	}
	for _, k := range cacheKinds {
		if strings.HasPrefix(rel, k.prefix) {
			return k.name
		}
	}
	if top, _, ok := strings.Cut(rel, "/"); ok {
		return top
	}
	return "other"
}

// checkCacheRoot refuses a cache directory that is a symbolic link or not
// a directory; exists is false when there is nothing at dir.
func checkCacheRoot(dir string) (exists bool, err error) {
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, err
	case fi.Mode()&fs.ModeSymlink != 0:
		return false, fmt.Errorf("%s is a symbolic link: pass the directory it points to with --cache-dir", dir)
	case !fi.IsDir():
		return false, fmt.Errorf("%s is not a directory", dir)
	}
	return true, nil
}

// walkCache calls fn for every file under dir but the tag, in lexical
// order, without following links. A file that vanishes meanwhile (a
// concurrent run renamed or removed it) is skipped.
func walkCache(dir string, fn func(rel string, fi fs.FileInfo) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == CacheTagName {
			return nil
		}
		fi, err := d.Info() // Lstat: a link is itself
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(rel, fi)
	})
}

// ReadCacheUsage counts what dir holds, by kind.
func ReadCacheUsage(dir string) (*CacheUsage, error) {
	u := &CacheUsage{Dir: dir}
	exists, err := checkCacheRoot(dir)
	if err != nil || !exists {
		return u, err
	}
	u.Exists = true
	if _, err := os.Lstat(filepath.Join(dir, CacheTagName)); err == nil {
		u.Tagged = true
	}
	kinds := map[string]*CacheKind{}
	err = walkCache(dir, func(rel string, fi fs.FileInfo) error {
		n := kindOf(rel, fi)
		if kinds[n] == nil {
			kinds[n] = &CacheKind{Name: n}
		}
		kinds[n].add(fi)
		return nil
	})
	if err != nil {
		return u, fmt.Errorf("cache %s: %w", dir, err)
	}
	for _, k := range cacheKinds {
		if kinds[k.name] != nil {
			u.Kinds = append(u.Kinds, *kinds[k.name])
			delete(kinds, k.name)
		}
	}
	var rest []CacheKind
	for _, k := range kinds {
		rest = append(rest, *k)
	}
	slices.SortFunc(rest, func(a, b CacheKind) int { return strings.Compare(a.Name, b.Name) })
	u.Kinds = append(u.Kinds, rest...)
	return u, nil
}

// ownedCache refuses to remove anything from a directory that is neither
// tagged nor a cache of pyverify 0.1, which held index/ and tuf/ only.
func ownedCache(dir string) (exists bool, err error) {
	if exists, err = checkCacheRoot(dir); err != nil || !exists {
		return exists, err
	}
	if _, err := os.Lstat(filepath.Join(dir, CacheTagName)); err == nil {
		return true, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return true, err
	}
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() || n != "index" && n != "tuf" {
			return true, fmt.Errorf("%s: %w: it holds %q and no %s; refusing to remove anything", dir, ErrNotCacheDir, n, CacheTagName)
		}
	}
	return true, nil
}

// PruneCache removes the entries of dir not written nor used for longer
// than olderThan at now, and returns what it removed. Age is the
// modification time, which a Client renews on every use of an entry:
// access times are unreliable (noatime, relatime) and reading them would
// make info and prune disagree. The trust root (tuf/) goes as a whole or
// not at all, by its newest file, since TUF metadata is only consistent
// as a set. Temporary files go once older than both olderThan and
// StaleTempAge, so a concurrent run's are kept; links and other
// non-regular files are damage and go, as themselves.
func PruneCache(dir string, olderThan time.Duration, now time.Time) (CacheKind, error) {
	removed := CacheKind{Name: "removed"}
	exists, err := ownedCache(dir)
	if err != nil || !exists {
		return removed, err
	}
	cutoff := now.Add(-olderThan)
	tempCutoff := now.Add(-max(olderThan, StaleTempAge))
	var tuf CacheKind
	var victims []string
	err = walkCache(dir, func(rel string, fi fs.FileInfo) error {
		kind := kindOf(rel, fi)
		switch {
		case kind == "trust-root":
			tuf.add(fi)
			return nil
		case kind == "temporary" && !fi.ModTime().Before(tempCutoff),
			kind != "not-regular" && kind != "temporary" && !fi.ModTime().Before(cutoff):
			return nil
		}
		victims = append(victims, rel)
		removed.add(fi)
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("cache %s: %w", dir, err)
	}
	for _, rel := range victims {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
	}
	if tuf.Entries > 0 && tuf.Newest.Before(cutoff) {
		if err := os.RemoveAll(filepath.Join(dir, "tuf")); err != nil {
			return removed, err
		}
		removed.merge(tuf)
	}
	return removed, nil
}

// CleanCache removes everything dir holds but its tag, and returns what it
// removed.
func CleanCache(dir string) (CacheKind, error) {
	u, err := ReadCacheUsage(dir)
	removed := u.Total()
	removed.Name = "removed"
	if err != nil || !u.Exists {
		return removed, err
	}
	if _, err := ownedCache(dir); err != nil {
		return CacheKind{Name: "removed"}, err
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return CacheKind{Name: "removed"}, err
	}
	for _, e := range ents {
		if e.Name() == CacheTagName {
			continue
		}
		// RemoveAll removes a link as itself and does not follow links
		// below it.
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return removed, err
		}
	}
	return removed, nil
}
