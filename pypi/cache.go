package pypi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"
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
//	http/<sha256 of the request URL>   metadata answers: a header line
//	                                   "<status> <url>" then the raw body
//	files/<sha256 of the artifact>     artifacts, content-addressed by the
//	                                   digest the index declares
//
// Every entry is written to a temporary file in its final directory and
// renamed into place, so concurrent writers and readers (goroutines or
// processes) never see a partial entry. Metadata is fetched fresh whenever
// the network may be used (an index changes: yanks, new files) and read from
// the cache only offline. Artifacts are served from the cache whenever it
// holds them, after their bytes were hashed again. Failing to write the cache
// never fails a request; failing to read it falls back to the network when
// online.
type cache struct {
	dir  string
	logf func(format string, args ...any)
}

// metaPath is the entry for a metadata request URL.
func (k *cache) metaPath(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(k.dir, "http", hex.EncodeToString(sum[:]))
}

// filePath is the entry for an artifact whose sha256 is sum (already valid
// lowercase hex, so it cannot name another path).
func (k *cache) filePath(sum string) string {
	return filepath.Join(k.dir, "files", sum)
}

// notCached is the offline answer for a URL the cache cannot serve.
func (c *Client) notCached(rawURL string) error {
	return fmt.Errorf("offline: %s: %w; run once online to fill the cache in %s", rawURL, ErrNotCached, c.cache.dir)
}

// metadata implements the cache for a metadata document at u. Online it
// calls fetch; an error wrapping notFound (a 404) is stored as such, a body
// is stored only once use accepted it. Offline it answers from the cache
// alone: a stored 404 is the same error as online, a stored body is given to
// use, and a missing or unusable entry is ErrNotCached.
func (c *Client) metadata(ctx context.Context, u string, limit int64, notFound error, fetch func() ([]byte, error), use func([]byte) error) error {
	if c.offline {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("GET %s: %w", u, err)
		}
		status, data, ok := c.cache.readMeta(u, limit)
		switch {
		case !ok:
			return c.notCached(u)
		case status == 404:
			c.logf("cache hit %s", u)
			return fmt.Errorf("%w: %w", notFound, &StatusError{Code: 404, URL: u})
		}
		if err := use(data); err != nil {
			c.logf("cache: removing unusable entry for %s: %v", u, err)
			c.cache.remove(c.cache.metaPath(u))
			return c.notCached(u)
		}
		c.logf("cache hit %s", u)
		return nil
	}
	data, err := fetch()
	if errors.Is(err, notFound) {
		c.cache.writeMeta(u, 404, nil)
		return err
	}
	if err != nil {
		return err
	}
	if err := use(data); err != nil {
		return err
	}
	c.cache.writeMeta(u, 200, data)
	return nil
}

// metaHeader is the first line of a metadata entry. The URL in it guards
// against serving the wrong document should two URLs ever share a name.
func metaHeader(status int, rawURL string) string {
	return strconv.Itoa(status) + " " + rawURL + "\n"
}

// readMeta returns a stored answer for rawURL: status 200 with its body, or
// 404. ok is false when there is none or it cannot be read; a malformed entry
// is removed.
func (k *cache) readMeta(rawURL string, limit int64) (status int, body []byte, ok bool) {
	if k == nil {
		return 0, nil, false
	}
	p := k.metaPath(rawURL)
	f, err := os.Open(p)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			k.logf("cache: %v", err)
		}
		return 0, nil, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+int64(len(rawURL))+16))
	if err != nil {
		k.logf("cache: reading the entry for %s: %v", rawURL, err)
		return 0, nil, false
	}
	for _, st := range []int{200, 404} {
		h := metaHeader(st, rawURL)
		if rest, found := bytes.CutPrefix(data, []byte(h)); found {
			if int64(len(rest)) > limit || st == 404 && len(rest) > 0 {
				break
			}
			return st, rest, true
		}
	}
	k.logf("cache: removing malformed entry %s for %s", p, rawURL)
	f.Close()
	k.remove(p)
	return 0, nil, false
}

// writeMeta stores an answer for rawURL; failures are only logged.
func (k *cache) writeMeta(rawURL string, status int, body []byte) {
	if k == nil {
		return
	}
	p := k.metaPath(rawURL)
	tmp, err := k.createTemp(filepath.Dir(p))
	if err != nil {
		k.logf("cache: not caching %s: %v", rawURL, err)
		return
	}
	_, err = io.WriteString(tmp, metaHeader(status, rawURL))
	if err == nil {
		_, err = tmp.Write(body)
	}
	if err := k.commit(tmp, err, p); err != nil {
		k.logf("cache: not caching %s: %v", rawURL, err)
		return
	}
	k.logf("stored %s in the cache", rawURL)
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

// validDigest reports whether s is a sha256 in lowercase hex, the only form
// used as an artifact's cache name.
func validDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// serveFile streams the cached copy of f into w. The copy is first hashed in
// full and compared with f's size and sha256, and only then written out, so
// a damaged entry is removed and reported as a miss before a byte reaches w.
// hit is false when nothing was written: no entry, a damaged one, or one
// that could not be read.
func (k *cache) serveFile(ctx context.Context, f File, w io.Writer) (n int64, hit bool, err error) {
	if k == nil || !validDigest(f.SHA256) {
		return 0, false, nil
	}
	p := k.filePath(f.SHA256)
	fd, err := os.Open(p)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			k.logf("cache: %v", err)
		}
		return 0, false, nil
	}
	defer fd.Close()
	h := sha256.New()
	m, err := io.Copy(h, io.LimitReader(fd, f.Size+1))
	if err != nil {
		k.logf("cache: reading %s: %v", p, err)
		return 0, false, nil
	}
	if got := hex.EncodeToString(h.Sum(nil)); m != f.Size || got != f.SHA256 {
		k.logf("cache: removing damaged entry %s for %s (%d bytes, sha256 %s)", p, f.URL, m, got)
		fd.Close()
		k.remove(p)
		return 0, false, nil
	}
	if _, err := fd.Seek(0, io.SeekStart); err != nil {
		k.logf("cache: reading %s: %v", p, err)
		return 0, false, nil
	}
	k.logf("cache hit %s", f.URL)
	n, err = copyOut(ctx, io.LimitReader(fd, f.Size), w, f.URL)
	if err == nil && n != f.Size {
		err = fmt.Errorf("cache %s: %s changed while it was read: %w", f.URL, p, ErrTruncated)
	}
	return n, true, err
}

// copyOut copies a cached artifact into w, stopping when ctx ends.
func copyOut(ctx context.Context, r io.Reader, w io.Writer, rawURL string) (n int64, err error) {
	buf := make([]byte, 32<<10)
	for {
		if err := ctx.Err(); err != nil {
			return n, fmt.Errorf("cache %s: %w", rawURL, err)
		}
		m, rerr := r.Read(buf)
		if m > 0 {
			k, werr := w.Write(buf[:m])
			n += int64(k)
			if werr == nil && k < m {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return n, fmt.Errorf("download %s: write: %w", rawURL, werr)
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, fmt.Errorf("cache %s: read: %w", rawURL, rerr)
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
	if k == nil || !validDigest(f.SHA256) {
		return nil
	}
	tmp, err := k.createTemp(filepath.Dir(k.filePath(f.SHA256)))
	if err != nil {
		k.logf("cache: not caching %s: %v", f.URL, err)
		return nil
	}
	return &fileTee{k: k, f: f, tmp: tmp, h: sha256.New()}
}

// write adds p to the copy. A failure abandons the copy, never the download.
func (t *fileTee) write(p []byte) {
	if t == nil || t.done {
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
	if got := hex.EncodeToString(t.h.Sum(nil)); t.n != t.f.Size || got != t.f.SHA256 {
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
