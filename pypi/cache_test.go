package pypi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

var cached = pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"Cached": {"1.0": {
	{Filename: "cached-1.0-py3-none-any.whl", Content: []byte("wheel bytes")},
	{Filename: "cached-1.0.tar.gz", Content: []byte("sdist bytes"), Provenance: []byte(`{"version":1,"attestation_bundles":[]}`)},
	{Filename: "cached-1.0-py2-none-any.whl", Content: []byte("original bytes"), Served: []byte("attacker bytes")},
}}}}

// logs collects a client's verbose lines.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logs) has(prefix string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.ContainsFunc(l.lines, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// noNetwork fails the test on any request: an offline client must not send one.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(req *http.Request) (*http.Response, error) {
	n.t.Errorf("offline client sent GET %s", req.URL)
	return nil, errors.New("no network in this test")
}

// offlineClient is a client for base that answers only from dir.
func offlineClient(t *testing.T, base, dir string, l *logs) *pypi.Client {
	t.Helper()
	o := pypi.Options{BaseURL: base, CacheDir: dir, Offline: true, HTTPClient: &http.Client{Transport: noNetwork{t}}}
	if l != nil {
		o.Logf = l.logf
	}
	c, err := pypi.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// outcome is what one pass over the cached index saw, in comparable form.
type outcome struct {
	Project    []string          // sorted versions
	Release    []string          // filenames
	Provenance map[string]string // filename → JSON or error sentinel
	Bytes      map[string]string // filename → downloaded bytes
	Missing    string            // the unknown project's error sentinel
}

// pass does what an audit of "cached==1.0" does, plus a lookup of a project
// the index does not have.
func pass(t *testing.T, c *pypi.Client) outcome {
	t.Helper()
	ctx := t.Context()
	var o outcome
	p, err := c.Project(ctx, "cached")
	if err != nil {
		t.Fatalf("Project: %v", err)
	}
	for v := range p.Releases {
		o.Project = append(o.Project, v)
	}
	slices.Sort(o.Project)
	rel, err := c.Release(ctx, "cached", "1.0")
	if err != nil {
		t.Fatalf("Release: %v", err)
	}
	o.Provenance = map[string]string{}
	o.Bytes = map[string]string{}
	for _, f := range rel.Files {
		o.Release = append(o.Release, f.Filename)
		prov, err := c.Provenance(ctx, "cached", "1.0", f.Filename)
		switch {
		case errors.Is(err, pypi.ErrNoProvenance):
			o.Provenance[f.Filename] = "ErrNoProvenance"
		case err != nil:
			t.Fatalf("Provenance(%s): %v", f.Filename, err)
		default:
			o.Provenance[f.Filename] = string(prov)
		}
		var buf bytes.Buffer
		_, err = c.Download(ctx, f, &buf)
		switch {
		case errors.Is(err, pypi.ErrNotCached) && buf.Len() == 0:
			o.Bytes[f.Filename] = "ErrNotCached"
		case err != nil:
			t.Fatalf("Download(%s): %v", f.Filename, err)
		default:
			o.Bytes[f.Filename] = buf.String()
		}
	}
	if _, err := c.Project(ctx, "missing"); errors.Is(err, pypi.ErrNotFound) {
		o.Missing = "ErrNotFound"
	} else {
		t.Fatalf("Project(missing) = %v, want ErrNotFound", err)
	}
	return o
}

var wantOutcome = outcome{
	Project: []string{"1.0"},
	Release: []string{"cached-1.0-py3-none-any.whl", "cached-1.0.tar.gz", "cached-1.0-py2-none-any.whl"},
	Provenance: map[string]string{
		"cached-1.0-py3-none-any.whl": "ErrNoProvenance",
		"cached-1.0.tar.gz":           `{"version":1,"attestation_bundles":[]}`,
		"cached-1.0-py2-none-any.whl": "ErrNoProvenance",
	},
	Bytes: map[string]string{
		"cached-1.0-py3-none-any.whl": "wheel bytes",
		"cached-1.0.tar.gz":           "sdist bytes",
		"cached-1.0-py2-none-any.whl": "attacker bytes", // the caller's hash catches it
	},
	Missing: "ErrNotFound",
}

// countFiles counts the requests for artifacts among reqs.
func countFiles(reqs []string) int {
	n := 0
	for _, r := range reqs {
		if strings.HasPrefix(r, "/files/") {
			n++
		}
	}
	return n
}

// entries lists the cache's files under sub, relative to it.
func entries(t *testing.T, dir, sub string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(dir, sub), func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join(dir, sub), p)
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCacheOnline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	l := &logs{}
	s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir, Logf: l.logf})

	if diff := cmp.Diff(wantOutcome, pass(t, c)); diff != "" {
		t.Errorf("first pass (-want +got):\n%s", diff)
	}
	first := s.Requests()
	if got := countFiles(first); got != 3 {
		t.Errorf("first pass downloaded %d files, want 3: %v", got, first)
	}
	// Only the two files whose bytes are the declared ones are stored.
	want := []string{string(sha("sdist bytes")), string(sha("wheel bytes"))}
	slices.Sort(want)
	if diff := cmp.Diff(want, entries(t, dir, "files")); diff != "" {
		t.Errorf("cached files (-want +got):\n%s", diff)
	}

	if diff := cmp.Diff(wantOutcome, pass(t, c)); diff != "" {
		t.Errorf("second pass (-want +got):\n%s", diff)
	}
	second := s.Requests()[len(first):]
	// Metadata is fetched again; of the artifacts only the tampered one,
	// which was never cached.
	wantSecond := slices.DeleteFunc(slices.Clone(first), func(r string) bool {
		return strings.HasPrefix(r, "/files/") && !strings.Contains(r, "py2")
	})
	if diff := cmp.Diff(wantSecond, second); diff != "" {
		t.Errorf("second pass requests (-want +got):\n%s", diff)
	}
	for _, line := range []string{"stored " + s.URL() + "/pypi/cached/1.0/json in the cache", "stored " + s.URL() + "/files/", "cache hit " + s.URL() + "/files/"} {
		if !l.has(line) {
			t.Errorf("no log line %q in %q", line, l.lines)
		}
	}
	// The index gave no max-age: every document was revalidated, and the
	// ones with a body were not modified (404s have nothing to revalidate).
	if l.has("cache hit "+s.URL()+"/pypi/cached/1.0/json (fresh") || !l.has("cache hit "+s.URL()+"/pypi/cached/1.0/json (not modified)") {
		t.Errorf("metadata not revalidated: %q", l.lines)
	}
	if st := s.Stats(); st.Conditional != 3 || st.NotModified != 3 {
		t.Errorf("stats %+v, want 3 conditional requests answered 304", st)
	}
}

func TestCacheOffline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := pypitest.New(cached, nil)
	pypitest.Check(t, s)
	online, err := pypi.NewClient(pypi.Options{BaseURL: s.URL(), HTTPClient: s.Client(), CacheDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	pass(t, online)
	n := len(s.Requests())
	s.Close() // offline must not need it

	l := &logs{}
	off := offlineClient(t, s.URL(), dir, l)
	got := pass(t, off)
	want := wantOutcome
	want.Bytes = maps.Clone(want.Bytes)
	want.Bytes["cached-1.0-py2-none-any.whl"] = "ErrNotCached" // tampered: never stored
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("offline pass (-want +got):\n%s", diff)
	}
	if len(s.Requests()) != n {
		t.Errorf("offline pass sent requests: %v", s.Requests()[n:])
	}
	if !l.has("cache hit " + s.URL() + "/pypi/cached/1.0/json") {
		t.Errorf("no cache hit logged: %q", l.lines)
	}
}

func TestOfflineNotCached(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const base = "https://index.invalid"
	c := offlineClient(t, base, dir, nil)
	f := pypi.File{Filename: "x-1.0.tar.gz", URL: base + "/files/x-1.0.tar.gz", Size: 3, SHA256: sha("abc")}
	tests := []struct {
		name string
		url  string
		call func() error
	}{
		{"project", base + "/pypi/x/json", func() error { _, err := c.Project(t.Context(), "x"); return err }},
		{"release", base + "/pypi/x/1.0/json", func() error { _, err := c.Release(t.Context(), "x", "1.0"); return err }},
		{"provenance", base + "/integrity/x/1.0/x-1.0.tar.gz/provenance", func() error {
			_, err := c.Provenance(t.Context(), "x", "1.0", "x-1.0.tar.gz")
			return err
		}},
		{"download", f.URL, func() error {
			var buf bytes.Buffer
			got, err := c.Download(t.Context(), f, &buf)
			if got.N != 0 || buf.Len() != 0 {
				t.Errorf("wrote %d bytes", buf.Len())
			}
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, pypi.ErrNotCached) || pypi.IsNetwork(err) || errors.Is(err, pypi.ErrNotFound) {
				t.Fatalf("error = %v, want ErrNotCached, not network", err)
			}
			for _, s := range []string{tt.url, "run once online", dir} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
	if got := entries(t, dir, ""); len(got) != 0 {
		t.Errorf("offline client wrote to the cache: %v", got)
	}
}

func TestOfflineNeedsCacheDir(t *testing.T) {
	t.Parallel()
	_, err := pypi.NewClient(pypi.Options{BaseURL: "https://pypi.org", Offline: true})
	if err == nil || !strings.Contains(err.Error(), "offline") {
		t.Errorf("NewClient(Offline, no CacheDir) = %v, want an error", err)
	}
}

// release fetches cached==1.0 and returns its file named filename.
func release(t *testing.T, c *pypi.Client, filename string) pypi.File {
	t.Helper()
	rel, err := c.Release(t.Context(), "cached", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rel.Files {
		if f.Filename == filename {
			return f
		}
	}
	t.Fatalf("no %s in %+v", filename, rel.Files)
	return pypi.File{}
}

func TestCacheDamagedEntry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
	}{
		{"same size", "wheel bytez"},
		{"shorter", "wheel"},
		{"longer", "wheel bytes and more"},
		{"empty", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			l := &logs{}
			s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir, Logf: l.logf})
			f := release(t, c, "cached-1.0-py3-none-any.whl")
			if _, err := c.Download(t.Context(), f, discard{}); err != nil {
				t.Fatal(err)
			}
			entry := filepath.Join(dir, "files", string(f.SHA256))
			if err := os.WriteFile(entry, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}

			// Offline: the damaged entry is not served, and is removed.
			var buf bytes.Buffer
			_, err := offlineClient(t, s.URL(), dir, nil).Download(t.Context(), f, &buf)
			if !errors.Is(err, pypi.ErrNotCached) || buf.Len() != 0 {
				t.Errorf("offline Download = %q, %v; want nothing and ErrNotCached", buf.String(), err)
			}
			if _, err := os.Stat(entry); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("damaged entry not removed: %v", err)
			}

			// Online: damaged again, it is replaced from the network.
			if err := os.WriteFile(entry, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			before := countFiles(s.Requests())
			buf.Reset()
			if _, err := c.Download(t.Context(), f, &buf); err != nil || buf.String() != "wheel bytes" {
				t.Errorf("online Download = %q, %v; want the index's bytes", buf.String(), err)
			}
			if got := countFiles(s.Requests()) - before; got != 1 {
				t.Errorf("%d downloads after the damage, want 1", got)
			}
			if b, err := os.ReadFile(entry); err != nil || string(b) != "wheel bytes" {
				t.Errorf("entry after the download = %q, %v; want it replaced", b, err)
			}
			if !l.has("cache: removing damaged entry") {
				t.Errorf("damage not logged: %q", l.lines)
			}
		})
	}
}

func TestCacheDamagedMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content func(url string) string
	}{
		{"garbage", func(string) string { return "garbage" }},
		{"empty", func(string) string { return "" }},
		{"other url", func(string) string { return metaEntry("https://elsewhere.invalid/pypi/cached/1.0/json", 200) + "{}" }},
		{"invalid document", func(u string) string { return metaEntry(u, 200) + "{\"info\": {}}" }},
		{"not json", func(u string) string { return metaEntry(u, 200) + "{\"info\": " }},
		{"404 with a body", func(u string) string { return metaEntry(u, 404) + "x" }},
		{"bad header", func(u string) string { return "pyverify-http-cache/2\n{\"url\": \n" }},
		{"no header end", func(u string) string { return "pyverify-http-cache/2\n" }},
		{"0.1 format", func(u string) string { return "200 " + u + "\n" + releaseDoc }},
		{"other version", func(u string) string {
			return "pyverify-http-cache/3\n" + metaEntry(u, 200)[len("pyverify-http-cache/2\n"):] + releaseDoc
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir})
			release(t, c, "cached-1.0.tar.gz")
			u := s.URL() + "/pypi/cached/1.0/json"
			entry := filepath.Join(dir, "http", string(sha(u)))
			if _, err := os.Stat(entry); err != nil {
				t.Fatalf("no entry for %s: %v", u, err)
			}
			if err := os.WriteFile(entry, []byte(tt.content(u)), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := offlineClient(t, s.URL(), dir, nil).Release(t.Context(), "cached", "1.0")
			if !errors.Is(err, pypi.ErrNotCached) || !strings.Contains(err.Error(), u) {
				t.Errorf("offline Release = %v, want ErrNotCached naming %s", err, u)
			}
			if _, err := os.Stat(entry); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("damaged entry not removed: %v", err)
			}
		})
	}
}

// metaEntry is the start of a metadata cache entry for u, up to its body.
func metaEntry(u string, status int) string {
	return fmt.Sprintf("pyverify-http-cache/2\n{\"url\":%q,\"status\":%d,\"date\":\"2026-01-01T00:00:00Z\",\"max_age\":0}\n", u, status)
}

// releaseDoc is a valid JSON API release document.
const releaseDoc = `{"info": {"name": "cached", "version": "1.0"}, "urls": []}`

func TestCacheStoresOnlyDeclaredBytes(t *testing.T) {
	t.Parallel()
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"cached": {"1.0": {
		{Filename: "tampered.whl", Content: []byte("original bytes"), Served: []byte("attacker bytes")},
		{Filename: "short.whl", Content: []byte("original bytes"), Served: []byte("orig")},
		{Filename: "long.whl", Content: []byte("original bytes"), Served: []byte("original bytes and more")},
		{Filename: "gone.whl", Content: []byte("original bytes"), Status: 404},
		{Filename: "ok.whl", Content: []byte("ok bytes")},
	}}}}
	tests := []struct {
		file  string
		fault *pypitest.Fault
	}{
		{file: "tampered.whl"},
		{file: "short.whl"},
		{file: "long.whl"},
		{file: "gone.whl"},
		{file: "ok.whl", fault: &pypitest.Fault{LongerBody: true}},
		{file: "ok.whl", fault: &pypitest.Fault{Status: 503}},
		{file: "ok.whl", fault: &pypitest.Fault{Stall: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s, c, _ := newIndex(t, m, pypi.Options{CacheDir: dir, MaxTries: 1, StallTimeout: time.Second})
			f := release(t, c, tt.file)
			if tt.fault != nil {
				s.Fault("/files/*", *tt.fault)
			}
			_, _ = c.Download(t.Context(), f, discard{}) // errors are TestDownload's business
			if got := entries(t, dir, "files"); len(got) != 0 {
				t.Errorf("cached %v, want nothing (no temporary files either)", got)
			}
		})
	}
}

// failingWriter fails after accepting some bytes, like a caller that gives up.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > 5 {
		return 0, errors.New("caller gave up")
	}
	w.n += len(p)
	return len(p), nil
}

func TestCacheNotStoredWhenCallerFails(t *testing.T) {
	t.Parallel()
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"cached": {"1.0": {
		{Filename: "big.whl", Content: bytes.Repeat([]byte("x"), 100<<10)},
	}}}}
	dir := t.TempDir()
	_, c, _ := newIndex(t, m, pypi.Options{CacheDir: dir})
	f := release(t, c, "big.whl")
	if _, err := c.Download(t.Context(), f, &failingWriter{}); err == nil {
		t.Fatal("Download into a failing writer succeeded")
	}
	if got := entries(t, dir, "files"); len(got) != 0 {
		t.Errorf("cached %v after a failed download", got)
	}
}

func TestCacheConcurrent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir})
	f := release(t, c, "cached-1.0.tar.gz")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Release(t.Context(), "cached", "1.0"); err != nil {
				t.Error(err)
			}
			var buf bytes.Buffer
			if _, err := c.Download(t.Context(), f, &buf); err != nil || buf.String() != "sdist bytes" {
				t.Errorf("Download = %q, %v", buf.String(), err)
			}
		})
	}
	wg.Wait()
	if diff := cmp.Diff([]string{string(f.SHA256)}, entries(t, dir, "files")); diff != "" {
		t.Errorf("cached files (-want +got):\n%s", diff)
	}
	if got := entries(t, dir, "http"); len(got) != 1 {
		t.Errorf("metadata entries = %v, want one", got)
	}
}

func TestCacheWriteFailureIsNotFatal(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	l := &logs{}
	_, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir, Logf: l.logf})
	if diff := cmp.Diff(wantOutcome, pass(t, c)); diff != "" {
		t.Errorf("pass with an unwritable cache (-want +got):\n%s", diff)
	}
	if !l.has("cache: not caching") {
		t.Errorf("cache failure not logged: %q", l.lines)
	}
}

// hasher hashes what it is given, as the engine does; withReset lets the
// client take back a damaged cached copy it streamed.
type hasher struct {
	h      hash.Hash
	writes int64
}

func newHasher() *hasher { return &hasher{h: sha256.New()} }

func (w *hasher) Write(p []byte) (int, error) {
	w.writes += int64(len(p))
	return w.h.Write(p)
}

func (w *hasher) sum() pypi.SHA256 { return pypi.SumSHA256(w.h) }

type hasherWithReset struct{ *hasher }

func (w hasherWithReset) Reset() { w.h.Reset() }

// TestDownloadSaysWhereBytesCameFrom pins issue #8 "say where the bytes came
// from": the first download is from the index, the second from the cache
// without a request, and a damaged copy is refetched in the same call, so
// the caller's hash is the declared one (never a digest mismatch), whether
// or not its writer can be reset.
func TestDownloadSaysWhereBytesCameFrom(t *testing.T) {
	t.Parallel()
	for _, resettable := range []bool{true, false} {
		t.Run(fmt.Sprintf("resettable=%v", resettable), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir})
			f := release(t, c, "cached-1.0-py3-none-any.whl")
			download := func() (pypi.Fetched, *hasher) {
				t.Helper()
				h := newHasher()
				var w io.Writer = h
				if resettable {
					w = hasherWithReset{h}
				}
				got, err := c.Download(t.Context(), f, w)
				if err != nil {
					t.Fatal(err)
				}
				return got, h
			}
			if got, h := download(); got != (pypi.Fetched{N: f.Size}) || h.sum() != f.SHA256 {
				t.Errorf("first Download = %+v (sha256 %s), want %d bytes from the index", got, h.sum(), f.Size)
			}
			if got, h := download(); got != (pypi.Fetched{N: f.Size, FromCache: true}) || h.sum() != f.SHA256 || h.writes != f.Size {
				t.Errorf("second Download = %+v (sha256 %s, %d bytes written), want %d bytes once from the cache", got, h.sum(), h.writes, f.Size)
			}
			if n := countFiles(s.Requests()); n != 1 {
				t.Errorf("%d downloads, want 1", n)
			}
			entry := filepath.Join(dir, "files", string(f.SHA256))
			if err := os.WriteFile(entry, []byte("wheel bytez"), 0o600); err != nil { // same size, other bytes
				t.Fatal(err)
			}
			if got, h := download(); got != (pypi.Fetched{N: f.Size}) || h.sum() != f.SHA256 {
				t.Errorf("Download of a damaged copy = %+v (sha256 %s), want %d bytes from the index hashing to %s", got, h.sum(), f.Size, f.SHA256)
			}
			if n := countFiles(s.Requests()); n != 2 {
				t.Errorf("%d downloads, want 2 (one refetch)", n)
			}
		})
	}
}

// TestCacheSizeMismatchKept pins issue #8: an entry is damaged only when its
// bytes do not hash to its name. Bytes that hash correctly but differ in
// length from what the index declares are the index's error, reported as
// a download reports it, and the entry stays.
func TestCacheSizeMismatchKept(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir})
	f := release(t, c, "cached-1.0-py3-none-any.whl")
	if _, err := c.Download(t.Context(), f, discard{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		size int64
		want error
	}{
		{size: f.Size - 3, want: pypi.ErrTooLarge},
		{size: f.Size + 3, want: pypi.ErrTruncated},
	}
	for _, tt := range tests {
		for _, w := range []io.Writer{&bytes.Buffer{}, discard{}} {
			g := f
			g.Size = tt.size
			got, err := c.Download(t.Context(), g, w)
			if !errors.Is(err, tt.want) || !got.FromCache || !strings.Contains(err.Error(), f.URL) {
				t.Errorf("size %d, %T: Download = %+v, %v; want %v from the cache naming the URL", tt.size, w, got, err, tt.want)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "files", string(f.SHA256))); err != nil {
		t.Errorf("entry removed: %v", err)
	}
	if n := countFiles(s.Requests()); n != 1 {
		t.Errorf("%d downloads, want 1", n)
	}
}

// TestArtifactTooLarge pins issue #8: a file declared larger than the
// maximum artifact size is refused before a byte is fetched or cached.
func TestArtifactTooLarge(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir, MaxArtifactSize: 10})
	f := release(t, c, "cached-1.0-py3-none-any.whl") // 11 bytes
	got, err := c.Download(t.Context(), f, discard{})
	if !errors.Is(err, pypi.ErrArtifactTooLarge) || pypi.IsNetwork(err) || got.N != 0 ||
		!strings.Contains(err.Error(), f.URL) || !strings.Contains(err.Error(), "11 bytes") {
		t.Errorf("Download = %+v, %v; want ErrArtifactTooLarge naming the URL and size", got, err)
	}
	if n := countFiles(s.Requests()); n != 0 {
		t.Errorf("%d downloads, want none", n)
	}
	if got := entries(t, dir, "files"); len(got) != 0 {
		t.Errorf("cache holds %v", got)
	}
	f.Size = 10 // the index now lies the other way: nothing beyond 10 bytes is stored
	if _, err := c.Download(t.Context(), f, discard{}); !errors.Is(err, pypi.ErrTooLarge) {
		t.Errorf("Download = %v, want ErrTooLarge", err)
	}
	if got := entries(t, dir, "files"); len(got) != 0 {
		t.Errorf("cache holds %v", got)
	}
}

// TestCacheSweepsStaleTempFiles: temporary files a killed run left are
// removed when a client starts; recent ones may be a concurrent run's and
// stay.
func TestCacheSweepsStaleTempFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	old := time.Now().Add(-2 * pypi.StaleTempAge)
	for _, p := range []string{"files/.tmp-old", "http/.tmp-old", "files/.tmp-young", "files/" + string(sha("x"))} {
		p = filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(p, "young") {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := pypi.NewClient(pypi.Options{BaseURL: "https://index.invalid", CacheDir: dir}); err != nil {
		t.Fatal(err)
	}
	want := []string{"files/.tmp-young", "files/" + string(sha("x"))}
	if diff := cmp.Diff(want, entries(t, dir, "")); diff != "" {
		t.Errorf("cache after start (-want +got):\n%s", diff)
	}
}

// TestCacheTempRemovedOnCancel: a download cancelled mid-body leaves no
// temporary file behind.
func TestCacheTempRemovedOnCancel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir})
	f := release(t, c, "cached-1.0-py3-none-any.whl")
	s.Fault("/files/*", pypitest.Fault{Stall: true})
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for ctx.Err() == nil {
			if ents, _ := os.ReadDir(filepath.Join(dir, "files")); len(ents) > 0 {
				break
			}
			time.Sleep(time.Millisecond) // polls for the temporary file only
		}
		cancel()
	}()
	if _, err := c.Download(ctx, f, discard{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Download = %v, want context.Canceled", err)
	}
	if got := entries(t, dir, "files"); len(got) != 0 {
		t.Errorf("cache holds %v after the cancelled download", got)
	}
}

// TestCacheNonRegularEntries pins issue #8: a directory or symlink (even to
// the right bytes) where an entry should be is damaged: removed, never
// read, replaced online, ErrCacheDamaged offline. FIFOs: cache_unix_test.go.
func TestCacheNonRegularEntries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		mk   func(t *testing.T, entry string)
	}{
		{"directory", func(t *testing.T, entry string) {
			if err := os.MkdirAll(filepath.Join(entry, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"symlink to the right bytes", func(t *testing.T, entry string) {
			target := filepath.Join(t.TempDir(), "elsewhere")
			if err := os.WriteFile(target, []byte("wheel bytes"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, entry); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			testNonRegularEntry(t, tt.mk)
		})
	}
}

func testNonRegularEntry(t *testing.T, mk func(t *testing.T, entry string)) {
	dir := t.TempDir()
	s, c, _ := newIndex(t, cached, pypi.Options{CacheDir: dir})
	f := release(t, c, "cached-1.0-py3-none-any.whl")
	files := filepath.Join(dir, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(files, string(f.SHA256))
	meta := filepath.Join(dir, "http", string(sha(s.URL()+"/pypi/cached/1.0/json")))

	mk(t, entry)
	var buf bytes.Buffer
	_, err := offlineClient(t, s.URL(), dir, nil).Download(t.Context(), f, &buf)
	if !errors.Is(err, pypi.ErrCacheDamaged) || !errors.Is(err, pypi.ErrNotCached) || buf.Len() != 0 {
		t.Errorf("offline Download = %q, %v; want nothing and ErrCacheDamaged", buf.String(), err)
	}
	if _, err := os.Lstat(entry); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("entry not removed: %v", err)
	}

	mk(t, entry)
	buf.Reset()
	got, err := c.Download(t.Context(), f, &buf)
	if err != nil || got.FromCache || buf.String() != "wheel bytes" {
		t.Errorf("online Download = %+v %q, %v; want the index's bytes", got, buf.String(), err)
	}
	if fi, err := os.Lstat(entry); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("entry not replaced by a regular file: %v, %v", fi, err)
	}

	if err := os.Remove(meta); err != nil {
		t.Fatal(err)
	}
	mk(t, meta)
	if _, err := offlineClient(t, s.URL(), dir, nil).Release(t.Context(), "cached", "1.0"); !errors.Is(err, pypi.ErrNotCached) {
		t.Errorf("offline Release = %v, want ErrNotCached", err)
	}
	if _, err := os.Lstat(meta); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("metadata entry not removed: %v", err)
	}
}
