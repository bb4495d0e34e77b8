package pypi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

// sleeps records the backoff delays a client asked for, without sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// recorder is a RoundTripper that remembers each request's escaped path and
// User-Agent before passing it on.
type recorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req.URL.EscapedPath()+" UA="+req.Header.Get("User-Agent")+" Accept="+req.Header.Get("Accept"))
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

var demo = pypitest.Model{
	Projects: map[string]map[string][]pypitest.ModelFile{
		"Demo": {
			"1.0": {
				{Filename: "demo-1.0-py3-none-any.whl", Content: []byte("wheel bytes")},
				{Filename: "demo-1.0.tar.gz", Content: []byte("sdist bytes"), Provenance: []byte(`{"version":1,"attestation_bundles":[]}`)},
			},
			"0.9": {{Filename: "demo-0.9.tar.gz", Content: []byte("old")}},
		},
	},
	Yanked: map[string]map[string]string{"Demo": {"0.9": "broken"}},
}

// newIndex starts a fake index and a client for it; the test fails if the
// client asks for anything unplanned.
func newIndex(t *testing.T, m pypitest.Model, o pypi.Options) (*pypitest.Server, *pypi.Client, *sleeps) {
	t.Helper()
	s := pypitest.New(m, nil)
	t.Cleanup(s.Close)
	pypitest.Check(t, s)
	sl := &sleeps{}
	o.BaseURL = s.URL()
	if o.HTTPClient == nil {
		o.HTTPClient = s.Client()
	}
	if o.Sleep == nil {
		o.Sleep = sl.sleep
	}
	c, err := pypi.NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, sl
}

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "https://pypi.org", want: "https://pypi.org"},
		{in: "https://pypi.org/", want: "https://pypi.org"},
		{in: "https://pypi.org/simple", want: "https://pypi.org"},
		{in: "https://pypi.org/simple/", want: "https://pypi.org"},
		{in: "http://127.0.0.1:8080/root/pypi/simple/", want: "http://127.0.0.1:8080/root/pypi"},
		{in: "", wantErr: true},
		{in: "pypi.org", wantErr: true},
		{in: "ftp://pypi.org", wantErr: true},
		{in: "file:///tmp/index", wantErr: true},
		{in: "https://pypi.org/?x=1", wantErr: true},
		{in: "https://user:pw@pypi.org/simple/", want: "https://pypi.org"}, // credentials kept aside, never shown
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			c, err := pypi.NewClient(pypi.Options{BaseURL: tt.in})
			if tt.wantErr {
				if err == nil {
					t.Errorf("NewClient(%q) = %q, want error", tt.in, c.BaseURL())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.BaseURL(); got != tt.want {
				t.Errorf("BaseURL() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRelease(t *testing.T) {
	t.Parallel()
	s, c, _ := newIndex(t, demo, pypi.Options{})
	got, err := c.Release(t.Context(), "demo", "0.9")
	if err != nil {
		t.Fatal(err)
	}
	want := &pypi.Release{Name: "Demo", Version: "0.9", Yanked: true, YankedReason: "broken", Files: []pypi.File{{
		Filename: "demo-0.9.tar.gz", URL: s.URL() + "/files/Demo/0.9/demo-0.9.tar.gz", PackageType: "sdist",
		Size: 3, SHA256: sha("old"), Yanked: true, YankedReason: "broken",
		UploadTime: pypitest.DefaultUploadTime,
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Release() (-want +got):\n%s", diff)
	}
}

func TestProject(t *testing.T) {
	t.Parallel()
	_, c, _ := newIndex(t, demo, pypi.Options{})
	got, err := c.Project(t.Context(), "DEMO")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Demo" || len(got.Releases) != 2 || len(got.Releases["1.0"]) != 2 {
		t.Errorf("Project() = %+v", got)
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	s, c, _ := newIndex(t, demo, pypi.Options{})
	_, err := c.Release(t.Context(), "nope", "1.0")
	if !errors.Is(err, pypi.ErrNotFound) || pypi.IsNetwork(err) {
		t.Fatalf("Release(nope) error = %v, want ErrNotFound, not network", err)
	}
	if want := s.URL() + "/pypi/nope/1.0/json"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
	if _, err := c.Project(t.Context(), "nope"); !errors.Is(err, pypi.ErrNotFound) {
		t.Errorf("Project(nope) error = %v, want ErrNotFound", err)
	}
}

func TestRequestHeadersAndEscaping(t *testing.T) {
	t.Parallel()
	s := pypitest.New(demo, nil)
	t.Cleanup(s.Close)
	rec := &recorder{next: s.Client().Transport}
	c, err := pypi.NewClient(pypi.Options{BaseURL: s.URL() + "/simple/", HTTPClient: &http.Client{Transport: rec}, UserAgent: "pyverify/1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	_, _ = c.Release(ctx, "a/b?c", "1.0#x")
	_, _ = c.Provenance(ctx, "demo", "1.0", "demo-1.0.tar.gz")
	_, _ = c.Download(ctx, pypi.File{URL: s.URL() + "/files/Demo/1.0/demo-1.0.tar.gz", Size: 11}, discard{})
	want := []string{
		"/pypi/a%2Fb%3Fc/1.0%23x/json UA=pyverify/1.2.3 Accept=application/json",
		"/integrity/demo/1.0/demo-1.0.tar.gz/provenance UA=pyverify/1.2.3 Accept=application/vnd.pypi.integrity.v1+json",
		"/files/Demo/1.0/demo-1.0.tar.gz UA=pyverify/1.2.3 Accept=",
	}
	if diff := cmp.Diff(want, rec.reqs); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	const path = "/pypi/demo/1.0/json"
	tests := []struct {
		name      string
		fault     pypitest.Fault
		wantErr   bool
		wantCode  int
		wantSleep func(t *testing.T, d []time.Duration)
	}{
		{
			name:  "503 then success honours Retry-After seconds",
			fault: pypitest.Fault{Status: 503, RetryAfter: "3", Times: 2},
			wantSleep: func(t *testing.T, d []time.Duration) {
				if diff := cmp.Diff([]time.Duration{3 * time.Second, 3 * time.Second}, d); diff != "" {
					t.Errorf("sleeps (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:  "429 without Retry-After backs off exponentially with jitter",
			fault: pypitest.Fault{Status: 429, Times: 3},
			wantSleep: func(t *testing.T, d []time.Duration) {
				if len(d) != 3 {
					t.Fatalf("sleeps = %v, want 3", d)
				}
				for i, got := range d {
					hi := pypi.BaseBackoff << i
					if got < hi/2 || got > hi {
						t.Errorf("sleep %d = %v, want in [%v, %v]", i, got, hi/2, hi)
					}
				}
			},
		},
		{
			name:  "Retry-After date far ahead is capped",
			fault: pypitest.Fault{Status: 503, RetryAfter: "Fri, 31 Dec 2100 23:59:59 GMT", Times: 1},
			wantSleep: func(t *testing.T, d []time.Duration) {
				if diff := cmp.Diff([]time.Duration{pypi.MaxRetryAfter}, d); diff != "" {
					t.Errorf("sleeps (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:  "Retry-After date in the past means now",
			fault: pypitest.Fault{Status: 503, RetryAfter: "Wed, 21 Oct 2015 07:28:00 GMT", Times: 1},
			wantSleep: func(t *testing.T, d []time.Duration) {
				if diff := cmp.Diff([]time.Duration{0}, d); diff != "" {
					t.Errorf("sleeps (-want +got):\n%s", diff)
				}
			},
		},
		{
			name:     "persistent 502 gives up after MaxTries as a network error",
			fault:    pypitest.Fault{Status: 502, RetryAfter: "1"},
			wantErr:  true,
			wantCode: 502,
			wantSleep: func(t *testing.T, d []time.Duration) {
				if len(d) != pypi.DefaultMaxTries-1 {
					t.Errorf("sleeps = %v, want %d", d, pypi.DefaultMaxTries-1)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, sl := newIndex(t, demo, pypi.Options{})
			s.Fault(path, tt.fault)
			rel, err := c.Release(t.Context(), "demo", "1.0")
			tt.wantSleep(t, sl.got())
			if !tt.wantErr {
				if err != nil || rel.Version != "1.0" {
					t.Fatalf("Release() = %v, %v", rel, err)
				}
				return
			}
			var ne *pypi.NetworkError
			var se *pypi.StatusError
			if !errors.As(err, &ne) || !pypi.IsNetwork(err) || ne.Tries != pypi.DefaultMaxTries || !errors.As(err, &se) || se.Code != tt.wantCode {
				t.Fatalf("Release() error = %#v, want *NetworkError after %d tries wrapping HTTP %d", err, pypi.DefaultMaxTries, tt.wantCode)
			}
			if !strings.Contains(err.Error(), s.URL()+path) {
				t.Errorf("error %q does not name the URL", err)
			}
			if got := len(s.Requests()); got != pypi.DefaultMaxTries {
				t.Errorf("%d requests, want %d", got, pypi.DefaultMaxTries)
			}
		})
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	t.Parallel()
	s, c, sl := newIndex(t, demo, pypi.Options{})
	s.Fault("/pypi/demo/1.0/json", pypitest.Fault{Status: 403})
	_, err := c.Release(t.Context(), "demo", "1.0")
	var se *pypi.StatusError
	if !errors.As(err, &se) || se.Code != 403 || pypi.IsNetwork(err) || errors.Is(err, pypi.ErrNotFound) {
		t.Fatalf("error = %v, want *StatusError 403, index error", err)
	}
	if len(sl.got()) != 0 || len(s.Requests()) != 1 {
		t.Errorf("retried a 403: sleeps %v, requests %v", sl.got(), s.Requests())
	}
}

func TestConnectionErrorIsNetwork(t *testing.T) {
	t.Parallel()
	s := pypitest.New(demo, nil)
	url := s.URL()
	s.Close() // nothing listens any more
	sl := &sleeps{}
	c, err := pypi.NewClient(pypi.Options{BaseURL: url, Sleep: sl.sleep, MaxTries: 2})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Release(t.Context(), "demo", "1.0")
	if !pypi.IsNetwork(err) || !strings.Contains(err.Error(), url) {
		t.Errorf("error = %v, want a network error naming %s", err, url)
	}
	if len(sl.got()) != 1 {
		t.Errorf("sleeps = %v, want one retry", sl.got())
	}
}

func TestMalformedJSON(t *testing.T) {
	t.Parallel()
	s, c, _ := newIndex(t, demo, pypi.Options{})
	s.Fault("/pypi/demo/1.0/json", pypitest.Fault{MalformedJSON: true})
	_, err := c.Release(t.Context(), "demo", "1.0")
	var de *pypi.DecodeError
	if !errors.As(err, &de) || de.URL != s.URL()+"/pypi/demo/1.0/json" || pypi.IsNetwork(err) {
		t.Errorf("error = %v, want *DecodeError naming the URL", err)
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	plain := pypitest.New(demo, nil)
	t.Cleanup(plain.Close)
	m := demo
	m.TLS = true
	tests := []struct {
		name    string
		to      string
		wantErr bool
	}{
		{name: "https to http refused", to: plain.URL() + "/pypi/demo/1.0/json", wantErr: true},
		{name: "to another scheme refused", to: "ftp://example.invalid/demo", wantErr: true},
		{name: "https to https followed", to: "/pypi/demo/1.0/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, sl := newIndex(t, m, pypi.Options{})
			s.Fault("/pypi/old/1.0/json", pypitest.Fault{RedirectTo: tt.to})
			_, err := c.Release(t.Context(), "old", "1.0")
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, pypi.ErrRedirect) || pypi.IsNetwork(err) || len(sl.got()) != 0 {
				t.Errorf("error = %v (sleeps %v), want ErrRedirect, not retried", err, sl.got())
			}
		})
	}
	if r := plain.Requests(); len(r) != 0 {
		t.Errorf("the http server was reached: %v", r)
	}
}

func TestConcurrencyBound(t *testing.T) {
	t.Parallel()
	const limit = 3
	s, c, _ := newIndex(t, demo, pypi.Options{Concurrency: limit})
	s.SetLatency(5 * time.Millisecond)
	var wg sync.WaitGroup
	for range 24 {
		wg.Go(func() {
			rel, err := c.Release(t.Context(), "demo", "1.0")
			if err != nil {
				t.Error(err)
				return
			}
			for _, f := range rel.Files {
				if _, err := c.Download(t.Context(), f, discard{}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if got := s.PeakInFlight(); got < 1 || got > limit {
		t.Errorf("PeakInFlight() = %d, want 1..%d", got, limit)
	}
	t.Logf("peak in flight %d of %d allowed", s.PeakInFlight(), limit)
}

// TestSemaphoreReleasedOnErrors uses one slot: a leaked slot would make the
// final request wait until the test's deadline.
func TestSemaphoreReleasedOnErrors(t *testing.T) {
	t.Parallel()
	s, c, _ := newIndex(t, demo, pypi.Options{Concurrency: 1, MaxTries: 1})
	s.Fault("/pypi/demo/0.9/json", pypitest.Fault{MalformedJSON: true})
	s.Fault("/integrity/Demo/1.0/demo-1.0.tar.gz/provenance", pypitest.Fault{Status: 500})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	_, _ = c.Release(ctx, "nope", "1.0")
	_, _ = c.Release(ctx, "demo", "0.9")
	_, _ = c.Provenance(ctx, "Demo", "1.0", "demo-1.0.tar.gz")
	_, _ = c.Download(ctx, pypi.File{URL: s.URL() + "/files/Demo/1.0/demo-1.0.tar.gz", Size: 1}, discard{})
	_, _ = c.Download(ctx, pypi.File{URL: s.URL() + "/files/Demo/1.0/demo-1.0.tar.gz", Size: 100}, discard{})
	if _, err := c.Release(ctx, "demo", "1.0"); err != nil {
		t.Errorf("after errors: %v", err)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	s, c, _ := newIndex(t, demo, pypi.Options{})
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		for len(s.Requests()) == 0 {
			time.Sleep(time.Millisecond) // polls arrival only
		}
		cancel()
	}()
	_, err := c.Release(ctx, "demo", "1.0")
	if !errors.Is(err, context.Canceled) || pypi.IsNetwork(err) {
		t.Errorf("error = %v, want context.Canceled, not network", err)
	}
}

// TestDuplicateKeys pins issue #8: an index document that repeats an object
// key is malformed (an index error), whichever document it is, online and
// from the cache. Last-wins decoding would see the original here.
func TestDuplicateKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		path string
		call func(c *pypi.Client) error
	}{
		{"release", "/pypi/demo/1.0/json", func(c *pypi.Client) error { _, err := c.Release(t.Context(), "demo", "1.0"); return err }},
		{"project", "/pypi/demo/json", func(c *pypi.Client) error { _, err := c.Project(t.Context(), "demo"); return err }},
		{"provenance", "/integrity/Demo/1.0/demo-1.0.tar.gz/provenance", func(c *pypi.Client) error {
			_, err := c.Provenance(t.Context(), "Demo", "1.0", "demo-1.0.tar.gz")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, sl := newIndex(t, demo, pypi.Options{})
			if err := tt.call(c); err != nil {
				t.Fatalf("without the fault: %v", err)
			}
			s.Fault(tt.path, pypitest.Fault{DuplicateKey: true})
			err := tt.call(c)
			var de *pypi.DecodeError
			if !errors.Is(err, pypi.ErrMalformed) || !errors.As(err, &de) || pypi.IsNetwork(err) ||
				errors.Is(err, pypi.ErrNotFound) || errors.Is(err, pypi.ErrNoProvenance) {
				t.Fatalf("error = %v, want ErrMalformed, not network or not-found", err)
			}
			for _, want := range []string{s.URL() + tt.path, "duplicated key"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if len(sl.got()) != 0 {
				t.Errorf("a malformed document was retried: %v", sl.got())
			}
		})
	}
}

// TestPathSegmentsFromIndexData pins issue #8: a project, version or
// filename of "", "." or ".." never becomes a dot-segment (or an empty
// one) in a URL; the request is refused, naming the value, and never sent.
func TestPathSegmentsFromIndexData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, project, version, filename string
	}{
		{"dot-dot filename", "demo", "1.0", ".."},
		{"dot filename", "demo", "1.0", "."},
		{"dot-dot version", "demo", "..", "demo-1.0.tar.gz"},
		{"empty version", "demo", "", "demo-1.0.tar.gz"},
		{"dot-dot project", "..", "1.0", "demo-1.0.tar.gz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, _ := newIndex(t, demo, pypi.Options{})
			errs := map[string]error{}
			_, errs["provenance"] = c.Provenance(t.Context(), tt.project, tt.version, tt.filename)
			if tt.filename == "demo-1.0.tar.gz" && tt.project != ".." { // the JSON API asks for "-" (PEP 503)
				_, errs["release"] = c.Release(t.Context(), tt.project, tt.version)
			}
			for what, err := range errs {
				if !errors.Is(err, pypi.ErrMalformed) || pypi.IsNetwork(err) || !strings.Contains(err.Error(), "cannot be a URL path segment") {
					t.Errorf("%s: error = %v, want ErrMalformed naming the segment", what, err)
				}
			}
			if got := s.Requests(); len(got) != 0 {
				t.Errorf("requests sent: %v", got)
			}
		})
	}
	// Other odd values are escaped into one segment each.
	s := pypitest.New(demo, nil)
	t.Cleanup(s.Close)
	rec := &recorder{next: s.Client().Transport}
	c, err := pypi.NewClient(pypi.Options{BaseURL: s.URL(), HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.Provenance(t.Context(), "demo", "...", "a/../b")
	if want := "/integrity/demo/.../a%2F..%2Fb/provenance"; len(rec.reqs) != 1 || !strings.HasPrefix(rec.reqs[0], want+" ") {
		t.Errorf("requests = %q, want %s", rec.reqs, want)
	}
}

// TestRetryDroppedBody pins issue #14: a connection dropped mid-body is
// retried like other connection errors, for metadata (read whole) at any
// point, for a download only before a byte reached the caller.
func TestRetryDroppedBody(t *testing.T) {
	t.Parallel()
	const (
		doc  = "/pypi/demo/1.0/json"
		prov = "/integrity/Demo/1.0/demo-1.0.tar.gz/provenance"
		file = "/files/Demo/1.0/demo-1.0.tar.gz"
	)
	tests := []struct {
		name      string
		path      string
		fault     pypitest.Fault
		wantTries int  // requests for path
		wantErr   bool // a network error after wantTries
	}{
		{"release document dropped once", doc, pypitest.Fault{Drop: true, DropAfter: 20, Times: 1}, 2, false},
		{"provenance dropped once", prov, pypitest.Fault{Drop: true, DropAfter: 5, Times: 1}, 2, false},
		{"release document always dropped", doc, pypitest.Fault{Drop: true, DropAfter: 20}, pypi.DefaultMaxTries, true},
		{"download dropped before a byte", file, pypitest.Fault{Drop: true, Times: 2}, 3, false},
		{"download dropped after bytes", file, pypitest.Fault{Drop: true, DropAfter: 5, Times: 1}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c, sl := newIndex(t, demo, pypi.Options{})
			s.Fault(tt.path, tt.fault)
			var err error
			var buf bytes.Buffer
			switch tt.path {
			case doc:
				_, err = c.Release(t.Context(), "demo", "1.0")
			case prov:
				_, err = c.Provenance(t.Context(), "Demo", "1.0", "demo-1.0.tar.gz")
			case file:
				_, err = c.Download(t.Context(), pypi.File{URL: s.URL() + file, Size: 11}, &buf)
			}
			tries := 0
			for _, r := range s.Requests() {
				if r == tt.path {
					tries++
				}
			}
			if tries != tt.wantTries || len(sl.got()) != tt.wantTries-1 {
				t.Errorf("%d tries (sleeps %v), want %d", tries, sl.got(), tt.wantTries)
			}
			switch {
			case tt.wantErr && (!pypi.IsNetwork(err) || !strings.Contains(err.Error(), s.URL()+tt.path)):
				t.Errorf("error = %v, want a network error naming the URL", err)
			case !tt.wantErr && err != nil:
				t.Errorf("error = %v", err)
			case tt.path == file && !tt.wantErr && buf.String() != "sdist bytes":
				t.Errorf("downloaded %q", buf.String())
			}
		})
	}
}

// TestNoRetryOnPermanentErrors pins issue #14: failures another try cannot
// cure are reported after one try, as network errors naming the URL; a
// temporary DNS failure still is retried.
func TestNoRetryOnPermanentErrors(t *testing.T) {
	t.Parallel()
	type setup struct {
		url string
		hc  *http.Client
	}
	quiet := log.New(io.Discard, "", 0)
	server := func(t *testing.T, tls bool, conns *atomic.Int32) *httptest.Server {
		ts := httptest.NewUnstartedServer(http.NotFoundHandler())
		ts.Config.ErrorLog = quiet
		ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				conns.Add(1)
			}
		}
		if tls {
			ts.StartTLS()
		} else {
			ts.Start()
		}
		t.Cleanup(ts.Close)
		return ts
	}
	dnsError := func(conns *atomic.Int32, notFound bool) *http.Client {
		return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conns.Add(1)
			return nil, &net.DNSError{Err: "no such host", Name: "index.example.test", IsNotFound: notFound, IsTemporary: !notFound}
		}}}
	}
	tests := []struct {
		name      string
		setup     func(t *testing.T, conns *atomic.Int32) setup
		wantTries int32
	}{
		{"http server behind an https URL", func(t *testing.T, conns *atomic.Int32) setup {
			ts := server(t, false, conns)
			return setup{url: strings.Replace(ts.URL, "http://", "https://", 1)}
		}, 1},
		{"untrusted certificate", func(t *testing.T, conns *atomic.Int32) setup {
			return setup{url: server(t, true, conns).URL}
		}, 1},
		{"certificate for another host", func(t *testing.T, conns *atomic.Int32) setup {
			ts := server(t, true, conns)
			tr := ts.Client().Transport.(*http.Transport).Clone()
			addr := strings.TrimPrefix(ts.URL, "https://")
			tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			}
			return setup{url: "https://other.example.test", hc: &http.Client{Transport: tr}}
		}, 1},
		{"no such host", func(t *testing.T, conns *atomic.Int32) setup {
			return setup{url: "https://index.example.test", hc: dnsError(conns, true)}
		}, 1},
		{"temporary DNS failure", func(t *testing.T, conns *atomic.Int32) setup {
			return setup{url: "https://index.example.test", hc: dnsError(conns, false)}
		}, pypi.DefaultMaxTries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var conns atomic.Int32
			st := tt.setup(t, &conns)
			sl := &sleeps{}
			c, err := pypi.NewClient(pypi.Options{BaseURL: st.url, HTTPClient: st.hc, Sleep: sl.sleep})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Release(t.Context(), "demo", "1.0")
			if !pypi.IsNetwork(err) || !strings.Contains(err.Error(), st.url+"/pypi/demo/1.0/json") {
				t.Errorf("error = %v, want a network error naming the URL", err)
			}
			if got := conns.Load(); got != tt.wantTries || len(sl.got()) != int(tt.wantTries)-1 {
				t.Errorf("%d tries (sleeps %v), want %d", got, sl.got(), tt.wantTries)
			}
		})
	}
}

// TestProjectSpelling pins issue #13: the JSON API is asked for a project by
// its PEP 503 name, whatever the requirement's spelling; when the index
// redirects to its own spelling (Warehouse: /pypi/demo/… → /pypi/Demo/…),
// the run's later requests go there directly. A redirect to another project
// is followed but not remembered. The cache holds one entry per project
// whatever the spelling, so offline finds it.
func TestProjectSpelling(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, c, _ := newIndex(t, demo, pypi.Options{CacheDir: dir})
	for _, p := range []string{"/pypi/demo/json", "/pypi/demo/1.0/json", "/pypi/demo/0.9/json"} {
		s.Fault(p, pypitest.Fault{RedirectTo: strings.Replace(p, "demo", "Demo", 1)})
	}
	s.Fault("/pypi/other/1.0/json", pypitest.Fault{RedirectTo: "/pypi/Demo/1.0/json"})
	ctx := t.Context()
	for _, call := range []func() error{
		func() error { _, err := c.Release(ctx, "DEMO", "1.0"); return err },
		func() error { _, err := c.Project(ctx, "demo"); return err },
		func() error { _, err := c.Release(ctx, "dEmO", "0.9"); return err },
		func() error { _, err := c.Release(ctx, "Other", "1.0"); return err },
		func() error { _, err := c.Release(ctx, "OTHER", "1.0"); return err },
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"/pypi/demo/1.0/json", "/pypi/Demo/1.0/json", // one redirect, remembered
		"/pypi/Demo/json",
		"/pypi/Demo/0.9/json",
		"/pypi/other/1.0/json", "/pypi/Demo/1.0/json", // another project's spelling: not remembered
		"/pypi/other/1.0/json", "/pypi/Demo/1.0/json",
	}
	if diff := cmp.Diff(want, s.Requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	for _, name := range []string{"demo", "DEMO", "Demo"} {
		if _, err := offlineClient(t, s.URL(), dir, nil).Release(ctx, name, "1.0"); err != nil {
			t.Errorf("offline Release(%s) = %v", name, err)
		}
	}
}
