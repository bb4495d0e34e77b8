package pypi_test

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

// clock is an injected pypi.Options.Now that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// revalidated is a fresh model each test may change: a release whose
// sdist has provenance.
func revalidated() pypitest.Model {
	return pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"demo": {"1.0": {
		{Filename: "demo-1.0.tar.gz", Content: []byte("one"), Provenance: []byte(`{"version":1,"attestation_bundles":[]}`)},
		{Filename: "demo-1.0-py3-none-any.whl", Content: []byte("wheel")},
	}}}}
}

// change gives the sdist other bytes and other provenance: every metadata
// document that lists or attests it changes.
func change(m pypitest.Model) {
	f := &m.Projects["demo"]["1.0"][0]
	f.Content = []byte("two")
	f.Provenance = []byte(`{"version":1,"attestation_bundles":[{}]}`)
}

// document is one kind of metadata document, fetched and summarised.
var documents = []struct {
	name string
	get  func(t *testing.T, c *pypi.Client) string
}{
	{"release", func(t *testing.T, c *pypi.Client) string {
		r, err := c.Release(t.Context(), "demo", "1.0")
		if err != nil {
			t.Fatalf("Release: %v", err)
		}
		return string(r.Files[0].SHA256)
	}},
	{"simple page", func(t *testing.T, c *pypi.Client) string {
		p, err := c.Simple(t.Context(), "demo")
		if err != nil {
			t.Fatalf("Simple: %v", err)
		}
		return string(p.Files[0].SHA256)
	}},
	{"provenance", func(t *testing.T, c *pypi.Client) string {
		p, err := c.Provenance(t.Context(), "demo", "1.0", "demo-1.0.tar.gz")
		if err != nil {
			t.Fatalf("Provenance: %v", err)
		}
		return string(p)
	}},
}

// step is what one fetch returned and cost at the index.
type step struct {
	Changed             bool // the answer differs from the first one
	Requests, Condition int
	NotModified         int
}

// TestRevalidation: without max-age every use revalidates: 200, then 304
// with the cached body, then a changed document is a 200 that replaces the
// entry, whose next revalidation is a 304 again. Each validator works
// alone (If-None-Match, If-Modified-Since).
func TestRevalidation(t *testing.T) {
	t.Parallel()
	validators := []struct {
		name              string
		etag, lastModifed bool
	}{{"both", true, true}, {"etag", true, false}, {"last-modified", false, true}}
	for _, v := range validators {
		for _, d := range documents {
			t.Run(v.name+"/"+d.name, func(t *testing.T) {
				t.Parallel()
				m := revalidated()
				s, c, _ := newIndex(t, m, pypi.Options{CacheDir: t.TempDir()})
				s.SetValidators(v.etag, v.lastModifed)
				first := d.get(t, c)
				var got []step
				for i := range 3 {
					if i == 1 {
						change(m)
					}
					before := s.Stats()
					ans := d.get(t, c)
					st := s.Stats()
					got = append(got, step{ans != first, st.Requests - before.Requests, st.Conditional - before.Conditional, st.NotModified - before.NotModified})
				}
				want := []step{
					{Changed: false, Requests: 1, Condition: 1, NotModified: 1},
					{Changed: true, Requests: 1, Condition: 1, NotModified: 0},
					{Changed: true, Requests: 1, Condition: 1, NotModified: 1},
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("fetches after the first (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestMaxAge: within the max-age the index granted, a document is used
// without a request even if the index changed it; past it, it is
// revalidated (304 renews the freshness) or replaced (200).
func TestMaxAge(t *testing.T) {
	t.Parallel()
	for _, d := range documents {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			m := revalidated()
			clk := newClock()
			s, c, _ := newIndex(t, m, pypi.Options{CacheDir: t.TempDir(), Now: clk.now})
			s.SetMaxAge(10 * time.Minute)
			first := d.get(t, c)
			var got []step
			fetch := func(after time.Duration) {
				clk.advance(after)
				before := s.Stats()
				ans := d.get(t, c)
				st := s.Stats()
				got = append(got, step{ans != first, st.Requests - before.Requests, st.Conditional - before.Conditional, st.NotModified - before.NotModified})
			}
			fetch(5 * time.Minute)  // fresh: no request
			fetch(6 * time.Minute)  // 11 min: stale, revalidated, 304
			fetch(9 * time.Minute)  // 20 min: fresh again from the 304, until 21
			change(m)               // the index changes…
			fetch(30 * time.Second) // 20.5 min: …unseen while fresh
			fetch(time.Minute)      // 21.5 min: stale: the new document
			fetch(9 * time.Minute)  // 30.5 min: fresh
			want := []step{
				{Changed: false},
				{Changed: false, Requests: 1, Condition: 1, NotModified: 1},
				{Changed: false},
				{Changed: false},
				{Changed: true, Requests: 1, Condition: 1},
				{Changed: true},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("fetches after the first (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMaxAgeNotFound: a 404 (no provenance) is reused within its own
// max-age and fetched again, unconditionally, after it: it has no
// validators, and provenance may be published later.
func TestMaxAgeNotFound(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s, c, _ := newIndex(t, revalidated(), pypi.Options{CacheDir: t.TempDir(), Now: clk.now})
	s.SetMaxAge(10 * time.Minute)
	var got []pypitest.Stats
	for _, after := range []time.Duration{0, 5 * time.Minute, 6 * time.Minute} {
		clk.advance(after)
		if _, err := c.Provenance(t.Context(), "demo", "1.0", "demo-1.0-py3-none-any.whl"); !errors.Is(err, pypi.ErrNoProvenance) {
			t.Fatalf("Provenance = %v, want ErrNoProvenance", err)
		}
		got = append(got, s.Stats())
	}
	want := []pypitest.Stats{{Requests: 1}, {Requests: 1}, {Requests: 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats after each call (-want +got):\n%s", diff)
	}
}

// TestNotModifiedWithoutCache: a 304 to a request that had no conditions
// (nothing was cached) is an index error naming the URL, not a document.
func TestNotModifiedWithoutCache(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"", "cache"} {
		t.Run("cachedir="+dir, func(t *testing.T) {
			t.Parallel()
			o := pypi.Options{}
			if dir != "" {
				o.CacheDir = t.TempDir()
			}
			s, c, _ := newIndex(t, revalidated(), o)
			s.Fault("/pypi/demo/1.0/json", pypitest.Fault{Status: http.StatusNotModified})
			_, err := c.Release(t.Context(), "demo", "1.0")
			var se *pypi.StatusError
			if !errors.As(err, &se) || se.Code != http.StatusNotModified || pypi.IsNetwork(err) || !strings.Contains(err.Error(), s.URL()+"/pypi/demo/1.0/json") {
				t.Errorf("Release = %v, want a 304 *StatusError naming the URL", err)
			}
		})
	}
}

// otherETag gives every 304 an ETag the cache does not hold.
type otherETag struct{ rt http.RoundTripper }

func (o otherETag) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.rt.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusNotModified {
		resp.Header.Set("ETag", `"another"`)
	}
	return resp, err
}

// TestNotModifiedUnusable: a 304 is trusted only for the copy it
// validates. When it names another ETag, or the cached copy no longer
// decodes, the entry is dropped and the document fetched again
// unconditionally, and the run goes on with the index's answer.
func TestNotModifiedUnusable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		setup  func(t *testing.T, s *pypitest.Server, o *pypi.Options)
		damage bool // replace the cached body with one that does not decode
	}{
		{"other etag", func(t *testing.T, s *pypitest.Server, o *pypi.Options) {
			o.HTTPClient = &http.Client{Transport: otherETag{s.Client().Transport}}
		}, false},
		{"undecodable copy", func(*testing.T, *pypitest.Server, *pypi.Options) {}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			s := pypitest.New(revalidated(), nil)
			t.Cleanup(s.Close)
			pypitest.Check(t, s)
			o := pypi.Options{BaseURL: s.URL(), HTTPClient: s.Client(), CacheDir: dir}
			tt.setup(t, s, &o)
			c, err := pypi.NewClient(o)
			if err != nil {
				t.Fatal(err)
			}
			first := documents[0].get(t, c)
			if tt.damage {
				entry := filepath.Join(dir, "http", string(sha(s.URL()+"/pypi/demo/1.0/json")))
				b, err := os.ReadFile(entry)
				if err != nil {
					t.Fatal(err)
				}
				i := bytes.IndexByte(b, '\n')
				j := bytes.IndexByte(b[i+1:], '\n')
				if err := os.WriteFile(entry, append(b[:i+1+j+1:i+1+j+1], `{"info": {}}`...), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if got := documents[0].get(t, c); got != first {
				t.Errorf("second fetch = %s, want %s", got, first)
			}
			want := pypitest.Stats{Requests: 3, Conditional: 1, NotModified: 1}
			if diff := cmp.Diff(want, s.Stats()); diff != "" {
				t.Errorf("stats (-want +got):\n%s", diff)
			}
		})
	}
}
