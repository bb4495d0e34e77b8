package pypi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotCached reports, with Options.Offline, a document or artifact the
// cache does not hold (SPEC §2 --offline: "never touch the network"). Its
// message names the URL and says to run once online to fill the cache. It
// is not a network failure (IsNetwork is false): the index was never asked,
// so callers report it as an index error.
var ErrNotCached = errors.New("not in the cache")

// The cache (SPEC §2 --cache-dir, --offline; §4.2 "never written to disk
// unless the cache is on") lives in Options.CacheDir:
//
//	http/<sha256 of the request URL>   metadata answers: metaMagic, a JSON
//	                                   header line (URL, status, validators,
//	                                   freshness), then the raw body
//	files/<sha256 of the artifact>     artifacts, content-addressed by the
//	                                   digest the index declares
//
// Every entry is written to a temporary file in its final directory and
// renamed into place, so concurrent writers and readers (goroutines or
// processes) never see a partial entry; a temporary file is removed when
// its request ends, however it ends, and one left by a killed run is swept
// at start (StaleTempAge). Metadata is used without a request only within
// the freshness the index granted it, and revalidated after (an index
// changes: yanks, new files, provenance); see metadata. Artifacts are served from the cache whenever it holds them,
// hashed as they are served. Only regular files are ever opened: anything
// else (a FIFO would block the run, a symlink could point anywhere) is
// damaged and removed. Failing to write the cache never fails a request;
// failing to read it falls back to the network when online.
type cache struct {
	dir     string
	logf    func(format string, args ...any)
	maxFile int64 // Options.MaxArtifactSize: no entry or copy is larger
	now     func() time.Time
}

// sweep removes temporary files older than age from the entry directories:
// ones a killed run left behind. Younger ones may belong to a concurrent run.
func (k *cache) sweep(age time.Duration, now time.Time) {
	for _, sub := range []string{"http", "files"} {
		dir := filepath.Join(k.dir, sub)
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue // absent: nothing to sweep; unreadable: reads will say so
		}
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), ".tmp-") {
				continue
			}
			if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > age {
				k.logf("cache: removing stale temporary file %s", filepath.Join(dir, e.Name()))
				k.removeAll(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// entryState is what the cache found for an artifact.
type entryState int

const (
	entryMiss    entryState = iota // nothing usable, nothing written
	entryHit                       // served (possibly with an error)
	entryDamaged                   // damaged and removed; nothing seen by the caller
)

// openEntry opens the cache entry p for reading if it is a regular file. A
// directory, FIFO, symlink or device there is damage: it is removed and
// never opened. The open itself does not follow symlinks nor block (see
// openFlags), for an entry swapped after the check.
func (k *cache) openEntry(p string) (*os.File, os.FileInfo, entryState) {
	fi, err := os.Lstat(p)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			k.logf("cache: %v", err)
		}
		return nil, nil, entryMiss
	}
	if !fi.Mode().IsRegular() {
		k.logf("cache: removing damaged entry %s: not a regular file (%v)", p, fi.Mode().Type())
		k.removeAll(p)
		return nil, nil, entryDamaged
	}
	fd, err := os.OpenFile(p, openFlags, 0)
	if err != nil {
		k.logf("cache: %v", err)
		return nil, nil, entryMiss
	}
	if fi2, err := fd.Stat(); err != nil || !fi2.Mode().IsRegular() || !os.SameFile(fi, fi2) {
		fd.Close()
		k.logf("cache: %s changed while it was opened", p)
		return nil, nil, entryMiss
	}
	return fd, fi, entryHit
}

// metaPath is the entry for a metadata request URL.
func (k *cache) metaPath(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(k.dir, "http", hex.EncodeToString(sum[:]))
}

// filePath is the entry for an artifact whose sha256 is sum (already
// Valid, so it cannot name another path).
func (k *cache) filePath(sum SHA256) string {
	return filepath.Join(k.dir, "files", string(sum))
}

// notCached is the offline answer for a URL the cache cannot serve.
func (c *Client) notCached(rawURL string) error {
	return fmt.Errorf("offline: %s: %w; run once online to fill the cache in %s", rawURL, ErrNotCached, c.cache.dir)
}

// metadata implements the cache for a metadata document at u (issue #13).
// Online, a stored answer still fresh (within the max-age the index gave
// it, by Options.Now) is used without a request: a body is given to use, a
// 404 is the same error as online. Past its freshness a stored body is
// revalidated: fetch is called with its validators, and on 304 the stored
// body is used and its entry renewed; without validators, or for a stored
// 404 (a 404 has no validators to revalidate; it is reused only within
// its own max-age), fetch asks unconditionally. An error wrapping notFound
// (a 404) is stored as such, a body only once use accepted it. A stored
// body use refuses is removed and fetched again unconditionally; so is one
// whose 304 names another ETag. Offline it answers from the cache alone,
// fresh or not (SPEC §2 --offline), and a missing or unusable entry is
// ErrNotCached.
func (c *Client) metadata(ctx context.Context, u string, limit int64, notFound error, fetch func(cond *docMeta) (docAnswer, error), use func(data []byte, cached bool) error) error {
	if c.offline {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("GET %s: %w", u, err)
		}
		ent, err := c.cache.readMeta(ctx, u, limit)
		switch {
		case err != nil:
			return fmt.Errorf("GET %s: %w", u, err)
		case ent == nil:
			return c.notCached(u)
		case ent.Status == 404:
			c.logf("cache hit %s", u)
			return fmt.Errorf("%w: %w", notFound, &StatusError{Code: 404, URL: u})
		}
		if err := use(ent.body, true); err != nil {
			c.logf("cache: removing unusable entry for %s: %v", u, err)
			c.cache.remove(c.cache.metaPath(u))
			return c.notCached(u)
		}
		c.logf("cache hit %s", u)
		return nil
	}
	ent, err := c.cache.readMeta(ctx, u, limit)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	if ent != nil && ent.fresh(c.now()) {
		left := ent.Date.Add(ent.MaxAge).Sub(c.now()).Round(time.Second)
		if ent.Status == 404 {
			c.logf("cache hit %s (404, fresh for %v)", u, left)
			c.cache.touch(c.cache.metaPath(u))
			return fmt.Errorf("%w: %w", notFound, &StatusError{Code: 404, URL: u})
		}
		err := use(ent.body, true)
		if err == nil {
			c.logf("cache hit %s (fresh for %v)", u, left)
			c.cache.touch(c.cache.metaPath(u))
			return nil
		}
		c.logf("cache: removing unusable entry for %s: %v", u, err)
		c.cache.remove(c.cache.metaPath(u))
		ent = nil
	}
	var cond *docMeta
	if ent != nil && ent.Status == 200 && (ent.ETag != "" || ent.LastModified != "") {
		cond = &ent.docMeta
	}
	ans, err := fetch(cond)
	if err == nil && ans.notModified {
		uerr := errors.New("its 304 names ETag " + ans.meta.ETag + ", the cached copy " + cond.ETag)
		if sameETag(ans.meta.ETag, cond.ETag) {
			uerr = use(ent.body, true)
		}
		if uerr == nil {
			c.logf("cache hit %s (not modified)", u)
			c.cache.writeMeta(u, 200, ent.body, ent.update(ans.meta))
			return nil
		}
		c.logf("cache: removing unusable entry for %s: %v", u, uerr)
		c.cache.remove(c.cache.metaPath(u))
		ans, err = fetch(nil)
	}
	if errors.Is(err, notFound) {
		c.cache.writeMeta(u, 404, nil, ans.meta)
		return err
	}
	if err != nil {
		return err
	}
	if err := use(ans.data, false); err != nil {
		return err
	}
	c.cache.writeMeta(u, 200, ans.data, ans.meta)
	return nil
}

// metaMagic starts every metadata entry; the format is versioned so that
// an entry of another version (0.1 stored "<status> <url>" alone, without
// validators nor freshness) is a miss, removed and fetched again, never an
// error.
const metaMagic = "pyverify-http-cache/2\n"

// maxMetaHeader bounds an entry's header line.
const maxMetaHeader = 8 << 10

// metaEntry is a stored metadata answer. Its header line is JSON; the URL
// in it guards against serving the wrong document should two URLs ever
// share a name.
type metaEntry struct {
	URL    string `json:"url"`
	Status int    `json:"status"` // 200 or 404
	docMeta
	body []byte
}

// readMeta returns the stored answer for rawURL, or nil when there is none
// or it cannot be read; a malformed entry, or one of another format
// version, is removed. A large entry is read, used or revalidated and used
// holding ctx's ticket, as a large response would be (largedoc.go): it is
// taken before the read, so that callers waiting for one hold no copy;
// the error is the wait's.
func (k *cache) readMeta(ctx context.Context, rawURL string, limit int64) (*metaEntry, error) {
	if k == nil {
		return nil, nil
	}
	p := k.metaPath(rawURL)
	f, fi, st := k.openEntry(p)
	if st != entryHit {
		return nil, nil
	}
	defer f.Close()
	if fi.Size() > largeDocThreshold {
		if err := ticketFrom(ctx).hold(ctx); err != nil {
			return nil, err
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+int64(len(metaMagic))+maxMetaHeader+1))
	if err != nil {
		k.logf("cache: reading the entry for %s: %v", rawURL, err)
		return nil, nil
	}
	rest, ok := bytes.CutPrefix(data, []byte(metaMagic))
	var e metaEntry
	if ok {
		var head []byte
		head, e.body, ok = bytes.Cut(rest, []byte("\n"))
		ok = ok && len(head) <= maxMetaHeader && json.Unmarshal(head, &e) == nil && e.URL == rawURL &&
			int64(len(e.body)) <= limit && (e.Status == 200 || e.Status == 404 && len(e.body) == 0)
	}
	if !ok {
		k.logf("cache: removing malformed or older-format entry %s for %s", p, rawURL)
		f.Close()
		k.remove(p)
		return nil, nil
	}
	return &e, nil
}

// writeMeta stores an answer for rawURL; failures are only logged.
func (k *cache) writeMeta(rawURL string, status int, body []byte, m docMeta) {
	if k == nil {
		return
	}
	head, err := json.Marshal(metaEntry{URL: rawURL, Status: status, docMeta: m})
	if err != nil || len(head) > maxMetaHeader {
		k.logf("cache: not caching %s: header too large", rawURL)
		return
	}
	p := k.metaPath(rawURL)
	tmp, err := k.createTemp(filepath.Dir(p))
	if err != nil {
		k.logf("cache: not caching %s: %v", rawURL, err)
		return
	}
	_, err = tmp.Write(append(append([]byte(metaMagic), head...), '\n'))
	if err == nil {
		_, err = tmp.Write(body)
	}
	if err := k.commit(tmp, err, p); err != nil {
		k.logf("cache: not caching %s: %v", rawURL, err)
		return
	}
	k.logf("stored %s in the cache", rawURL)
}

// touch marks the entry p as used now: `cache prune` removes entries by
// modification time, which a use would not change otherwise (access
// times are unreliable: noatime and relatime mounts). Failures are
// ignored; the entry is then only pruned sooner.
func (k *cache) touch(p string) {
	now := k.now()
	_ = os.Chtimes(p, now, now)
}

// createTemp creates a temporary file in dir, creating dir if need be. A
// temporary file in the entry's own directory makes the final rename atomic.
func (k *cache) createTemp(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, ".tmp-*")
}

// commit closes tmp and, if werr is nil, renames it to p; otherwise, or if
// that fails, it removes tmp. It returns the first error.
func (k *cache) commit(tmp *os.File, werr error, p string) error {
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p)
	}
	if werr != nil {
		k.remove(tmp.Name())
	}
	return werr
}

// remove deletes a cache file, logging a failure other than its absence.
func (k *cache) remove(p string) {
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		k.logf("cache: %v", err)
	}
}

// removeAll deletes whatever is at p (a symlink, not its target).
func (k *cache) removeAll(p string) {
	if err := os.RemoveAll(p); err != nil {
		k.logf("cache: %v", err)
	}
}

// serveFile streams the cached copy of f into w (see Download). An entry is
// damaged only when its bytes do not hash to its name, f.SHA256; then it is
// removed and, if bytes already went to w, w is reset. A copy that hashes
// correctly is a hit even if its length is not f.Size: that is the index's
// error, reported as a download reports it. Reading is bounded by the
// maximum artifact size, so an entry is never read for longer than a
// download could have written it.
func (k *cache) serveFile(ctx context.Context, f File, w io.Writer) (int64, entryState, error) {
	if k == nil || !f.SHA256.Valid() {
		return 0, entryMiss, nil
	}
	p := k.filePath(f.SHA256)
	fd, fi, st := k.openEntry(p)
	if st != entryHit {
		return 0, st, nil
	}
	defer fd.Close()
	damaged := func(what string) (int64, entryState, error) {
		k.logf("cache: removing damaged entry %s for %s (%s)", p, f.URL, what)
		fd.Close()
		k.remove(p)
		return 0, entryDamaged, nil
	}
	if fi.Size() > k.maxFile {
		return damaged(fmt.Sprintf("%d bytes, more than any artifact", fi.Size()))
	}
	rw, canReset := w.(resetter)
	if !canReset || fi.Size() != f.Size {
		// Hash first, write after: w cannot take the bytes back, or the
		// entry is longer than what w may get.
		h := sha256.New()
		if _, err := copyCtx(ctx, h, fd); err != nil {
			if ctx.Err() != nil {
				return 0, entryHit, fmt.Errorf("cache %s: %w", f.URL, ctx.Err())
			}
			k.logf("cache: reading %s: %v", p, err)
			return 0, entryMiss, nil
		}
		if got := SumSHA256(h); got != f.SHA256 {
			return damaged("sha256 " + string(got))
		}
		if _, err := fd.Seek(0, io.SeekStart); err != nil {
			k.logf("cache: reading %s: %v", p, err)
			return 0, entryMiss, nil
		}
		k.logf("cache hit %s", f.URL)
		k.touch(p)
		n, err := copyCtx(ctx, w, io.LimitReader(fd, f.Size+1))
		if err == nil {
			err = sizeError(f, n, "cache "+f.URL)
		}
		return n, entryHit, cacheError(f, err)
	}
	// One pass: w receives the bytes as they are hashed.
	h := sha256.New()
	n, err := copyCtx(ctx, io.MultiWriter(h, w), io.LimitReader(fd, f.Size+1))
	var rerr *readError
	switch {
	case errors.As(err, &rerr) && ctx.Err() == nil:
		rw.Reset()
		k.logf("cache: reading %s: %v", p, err)
		return 0, entryMiss, nil
	case err != nil:
		return n, entryHit, cacheError(f, err)
	}
	if got := SumSHA256(h); n != f.Size || got != f.SHA256 {
		rw.Reset()
		return damaged(fmt.Sprintf("%d bytes, sha256 %s", n, got))
	}
	k.logf("cache hit %s", f.URL)
	k.touch(p)
	return n, entryHit, nil
}

// readError marks a failure to read the cache, as opposed to writing to
// the caller.
type readError struct{ err error }

func (e *readError) Error() string { return "read: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// cacheError names the URL in a failure to serve a cached artifact.
func cacheError(f File, err error) error {
	var rerr *readError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrTooLarge), errors.Is(err, ErrTruncated):
		return err // sizeError named it
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &rerr):
		return fmt.Errorf("cache %s: %w", f.URL, err)
	}
	return fmt.Errorf("download %s: write: %w", f.URL, err)
}

// copyCtx copies r into w, stopping when ctx ends. Read failures are
// *readError.
func copyCtx(ctx context.Context, w io.Writer, r io.Reader) (n int64, err error) {
	buf := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := r.Read(buf)
		if m > 0 {
			k, werr := w.Write(buf[:m])
			n += int64(k)
			if werr == nil && k < m {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return n, werr
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, &readError{rerr}
		}
	}
}

// fileTee copies a download into a temporary cache file while it streams to
// the caller, and renames it into place only if the bytes are the declared
// ones. A nil *fileTee does nothing, which is the no-cache case.
type fileTee struct {
	k    *cache
	f    File
	tmp  *os.File
	h    hash.Hash
	n    int64
	done bool
}

// startFile begins caching the download of f; nil without a cache, for a
// digest that cannot name a cache file, or when the file cannot be created.
func (k *cache) startFile(f File) *fileTee {
	if k == nil || !f.SHA256.Valid() || f.Size > k.maxFile {
		return nil
	}
	tmp, err := k.createTemp(filepath.Dir(k.filePath(f.SHA256)))
	if err != nil {
		k.logf("cache: not caching %s: %v", f.URL, err)
		return nil
	}
	return &fileTee{k: k, f: f, tmp: tmp, h: sha256.New()}
}

// write adds p to the copy. A failure abandons the copy, never the
// download; so do bytes beyond the declared size: the copy could not be
// stored anyway, and is never larger than f.Size (at most MaxArtifactSize).
func (t *fileTee) write(p []byte) {
	if t == nil || t.done {
		return
	}
	if t.n+int64(len(p)) > t.f.Size {
		t.abort()
		return
	}
	t.h.Write(p)
	t.n += int64(len(p))
	if _, err := t.tmp.Write(p); err != nil {
		t.k.logf("cache: not caching %s: %v", t.f.URL, err)
		t.abort()
	}
}

// finish renames the copy into place if it holds exactly f.Size bytes
// hashing to f.SHA256, and removes it otherwise.
func (t *fileTee) finish() {
	if t == nil || t.done {
		return
	}
	t.done = true
	var err error
	if got := SumSHA256(t.h); t.n != t.f.Size || got != t.f.SHA256 {
		err = fmt.Errorf("%d bytes with sha256 %s, index declared %d bytes with sha256 %s", t.n, got, t.f.Size, t.f.SHA256)
	}
	if err := t.k.commit(t.tmp, err, t.k.filePath(t.f.SHA256)); err != nil {
		t.k.logf("cache: not caching %s: %v", t.f.URL, err)
		return
	}
	t.k.logf("stored %s in the cache", t.f.URL)
}

// abort removes the copy unless it was finished.
func (t *fileTee) abort() {
	if t == nil || t.done {
		return
	}
	t.done = true
	t.tmp.Close()
	t.k.remove(t.tmp.Name())
}
