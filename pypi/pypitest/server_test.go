package pypitest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi/pypitest"
)

func sum(b string) string {
	s := sha256.Sum256([]byte(b))
	return hex.EncodeToString(s[:])
}

func get(t *testing.T, s *pypitest.Server, path string) (int, http.Header, []byte) {
	t.Helper()
	resp, err := s.Client().Get(s.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

type doc struct {
	Info struct {
		Name         string  `json:"name"`
		Version      string  `json:"version"`
		Yanked       bool    `json:"yanked"`
		YankedReason *string `json:"yanked_reason"`
	} `json:"info"`
	URLs     []file            `json:"urls"`
	Releases map[string][]file `json:"releases"`
}

type file struct {
	Filename string            `json:"filename"`
	URL      string            `json:"url"`
	Size     int               `json:"size"`
	Digests  map[string]string `json:"digests"`
	Yanked   bool              `json:"yanked"`
}

func decode(t *testing.T, b []byte) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return d
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestServeDirectory(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"Demo_Pkg/1.0/demo_pkg-1.0-py3-none-any.whl":           "wheel bytes",
		"Demo_Pkg/1.0/demo_pkg-1.0-py3-none-any.whl.served":    "attacker bytes",
		"Demo_Pkg/1.0/demo_pkg-1.0-py3-none-any.whl.publisher": "kind = GitHub",
		"Demo_Pkg/1.0/demo_pkg-1.0.tar.gz":                     "sdist bytes",
		"Demo_Pkg/1.0/demo_pkg-1.0.tar.gz.provenance":          `{"version":1}`,
		"Demo_Pkg/1.0/demo_pkg-1.0.tar.gz.status":              "403\n",
		"Demo_Pkg/0.9/demo_pkg-0.9.tar.gz":                     "old",
		"Demo_Pkg/0.9/yanked":                                  "broken build\n",
	})
	var minted []pypitest.File
	var mu sync.Mutex
	mint := func(f pypitest.File) ([]byte, error) {
		mu.Lock()
		defer mu.Unlock()
		minted = append(minted, f)
		return []byte(`{"minted":true}`), nil
	}
	s, err := pypitest.Serve(dir, mint)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pypitest.Check(t, s)

	t.Run("release document", func(t *testing.T) {
		code, _, b := get(t, s, "/pypi/demo-pkg/1.0/json")
		if code != 200 {
			t.Fatalf("status %d", code)
		}
		d := decode(t, b)
		if d.Info.Name != "Demo_Pkg" || d.Info.Version != "1.0" || d.Info.Yanked {
			t.Errorf("info = %+v", d.Info)
		}
		want := []file{
			{Filename: "demo_pkg-1.0-py3-none-any.whl", URL: s.URL() + "/files/Demo_Pkg/1.0/demo_pkg-1.0-py3-none-any.whl", Size: 11, Digests: map[string]string{"sha256": sum("wheel bytes")}},
			{Filename: "demo_pkg-1.0.tar.gz", URL: s.URL() + "/files/Demo_Pkg/1.0/demo_pkg-1.0.tar.gz", Size: 11, Digests: map[string]string{"sha256": sum("sdist bytes")}},
		}
		if diff := cmp.Diff(want, d.URLs); diff != "" {
			t.Errorf("urls (-want +got):\n%s", diff)
		}
	})
	t.Run("yanked release", func(t *testing.T) {
		_, _, b := get(t, s, "/pypi/demo.pkg/0.9/json")
		d := decode(t, b)
		if !d.Info.Yanked || d.Info.YankedReason == nil || *d.Info.YankedReason != "broken build" || !d.URLs[0].Yanked {
			t.Errorf("yanked release = %+v", d)
		}
	})
	t.Run("project document", func(t *testing.T) {
		_, _, b := get(t, s, "/pypi/DEMO-PKG/json")
		d := decode(t, b)
		if d.Info.Version != "1.0" || len(d.Releases) != 2 || len(d.Releases["0.9"]) != 1 {
			t.Errorf("project = %+v", d)
		}
	})
	tests := []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/files/Demo_Pkg/1.0/demo_pkg-1.0-py3-none-any.whl", 200, "attacker bytes"},
		{"/files/Demo_Pkg/1.0/demo_pkg-1.0.tar.gz", 403, "Forbidden\n"},
		{"/files/Demo_Pkg/0.9/demo_pkg-0.9.tar.gz", 200, "old"},
		{"/integrity/Demo_Pkg/1.0/demo_pkg-1.0-py3-none-any.whl/provenance", 200, `{"minted":true}`},
		{"/integrity/Demo_Pkg/1.0/demo_pkg-1.0.tar.gz/provenance", 200, `{"version":1}`},
		{"/integrity/Demo_Pkg/0.9/demo_pkg-0.9.tar.gz/provenance", 404, "no provenance\n"},
		{"/pypi/nope/json", 404, "not found\n"},
		{"/pypi/demo-pkg/2.0/json", 404, "not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, _, b := get(t, s, tt.path)
			if code != tt.wantCode || string(b) != tt.wantBody {
				t.Errorf("GET %s = %d %q, want %d %q", tt.path, code, b, tt.wantCode, tt.wantBody)
			}
		})
	}
	want := []pypitest.File{{Project: "Demo_Pkg", Version: "1.0", Filename: "demo_pkg-1.0-py3-none-any.whl", SHA256: sum("wheel bytes"), Publisher: []byte("kind = GitHub")}}
	if diff := cmp.Diff(want, minted); diff != "" {
		t.Errorf("minted (-want +got):\n%s", diff)
	}
}

func TestServeNotADirectory(t *testing.T) {
	t.Parallel()
	if _, err := pypitest.Serve(filepath.Join(t.TempDir(), "missing"), nil); err == nil {
		t.Error("Serve(missing dir) succeeded")
	}
}

func model() pypitest.Model {
	return pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {{Filename: "demo-1.0.tar.gz", Content: []byte("sdist")}}},
	}}
}

func TestUnexpected(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	for _, p := range []string{"/simple/demo/x", "/files/demo/1.0/other.whl", "/integrity/demo/2.0/demo-2.0.tar.gz/provenance", "/pypi/nope/json"} {
		if code, _, _ := get(t, s, p); code != 404 {
			t.Errorf("GET %s = %d, want 404", p, code)
		}
	}
	want := []string{
		"GET /simple/demo/x: no such route",
		"GET /files/demo/1.0/other.whl: no such file",
		"GET /integrity/demo/2.0/demo-2.0.tar.gz/provenance: no such release",
	}
	if diff := cmp.Diff(want, s.Unexpected()); diff != "" {
		t.Errorf("Unexpected() (-want +got):\n%s", diff)
	}
	wantReq := []string{"/simple/demo/x", "/files/demo/1.0/other.whl", "/integrity/demo/2.0/demo-2.0.tar.gz/provenance", "/pypi/nope/json"}
	if diff := cmp.Diff(wantReq, s.Requests()); diff != "" {
		t.Errorf("Requests() (-want +got):\n%s", diff)
	}
}

func TestMintFailureIsUnexpected(t *testing.T) {
	t.Parallel()
	m := model()
	m.Projects["demo"]["1.0"][0].Publisher = []byte("x")
	s := pypitest.New(m, func(pypitest.File) ([]byte, error) { return nil, errors.New("boom") })
	defer s.Close()
	if code, _, _ := get(t, s, "/integrity/demo/1.0/demo-1.0.tar.gz/provenance"); code != 500 {
		t.Errorf("status %d, want 500", code)
	}
	if len(s.Unexpected()) != 1 {
		t.Errorf("Unexpected() = %q, want the mint failure", s.Unexpected())
	}
}

func TestFaults(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	pypitest.Check(t, s)
	s.Fault("/pypi/demo/json", pypitest.Fault{Status: 503, RetryAfter: "7", Times: 2})
	s.Fault("/files/*", pypitest.Fault{LongerBody: true})
	s.Fault("/pypi/demo/1.0/json", pypitest.Fault{MalformedJSON: true, Times: 1})

	for range 2 {
		code, h, _ := get(t, s, "/pypi/demo/json")
		if code != 503 || h.Get("Retry-After") != "7" {
			t.Errorf("faulted GET = %d Retry-After %q, want 503 7", code, h.Get("Retry-After"))
		}
	}
	if code, _, _ := get(t, s, "/pypi/demo/json"); code != 200 {
		t.Errorf("after Times ran out: %d, want 200", code)
	}
	if _, _, b := get(t, s, "/files/demo/1.0/demo-1.0.tar.gz"); len(b) <= len("sdist") {
		t.Errorf("LongerBody served %q", b)
	}
	_, _, b := get(t, s, "/pypi/demo/1.0/json")
	if json.Valid(b) {
		t.Errorf("MalformedJSON served valid JSON %q", b)
	}
	if _, _, b := get(t, s, "/pypi/demo/1.0/json"); !json.Valid(b) {
		t.Errorf("after Times ran out: invalid JSON %q", b)
	}
}

// TestHostileFaults covers the faults of issue #8 and #14: a repeated key
// that last-wins decoding hides, a connection dropped mid-body, and the
// record of which requests carried credentials.
func TestHostileFaults(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	pypitest.Check(t, s)
	s.Fault("/pypi/demo/1.0/json", pypitest.Fault{DuplicateKey: true, Times: 1})
	s.Fault("/files/*", pypitest.Fault{Drop: true, DropAfter: 2, Times: 1})

	_, _, b := get(t, s, "/pypi/demo/1.0/json")
	if !bytes.HasPrefix(b, []byte(`{"info": null, "info":`)) || decode(t, b).Info.Name != "demo" {
		t.Errorf("DuplicateKey served %s", b)
	}
	resp, err := s.Client().Get(s.URL() + "/files/demo/1.0/demo-1.0.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	b, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || string(b) != "sd" {
		t.Errorf("Drop: read %q, %v; want 2 bytes and an error", b, err)
	}

	req, err := http.NewRequest(http.MethodGet, s.URL()+"/pypi/demo/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("me", "secret")
	if resp, err := s.Client().Do(req); err == nil {
		resp.Body.Close()
	}
	if diff := cmp.Diff([]string{"/pypi/demo/json"}, s.Authorized()); diff != "" {
		t.Errorf("Authorized() (-want +got):\n%s", diff)
	}
}

func TestRedirect(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	s.Fault("/pypi/old/json", pypitest.Fault{RedirectTo: s.URL() + "/pypi/demo/json"})
	code, _, b := get(t, s, "/pypi/old/json")
	if code != 200 || decode(t, b).Info.Name != "demo" {
		t.Errorf("redirect followed to %d %s", code, b)
	}
}

func TestStallEndsWithRequest(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	s.Fault("/files/demo/1.0/demo-1.0.tar.gz", pypitest.Fault{Stall: true})
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/files/demo/1.0/demo-1.0.tar.gz", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(resp.Body, buf); err != nil {
		t.Fatalf("no bytes before the stall: %v", err)
	}
	cancel() // the body read below returns instead of hanging
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("stalled body ended without error")
	}
	resp.Body.Close()
}

func TestLatencyHonoursContext(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/pypi/demo/json", nil)
	go cancel()
	if _, err := s.Client().Do(req); err == nil {
		t.Error("request with an hour of latency succeeded")
	}
}

func TestPeakInFlight(t *testing.T) {
	t.Parallel()
	s := pypitest.New(model(), nil)
	defer s.Close()
	// Requests wait at the server until all of them have arrived, so the
	// peak is exactly the number sent, without relying on timing.
	const n = 5
	var wg sync.WaitGroup
	release := make(chan struct{})
	s.SetLatency(time.Hour)
	for range n {
		wg.Go(func() {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/pypi/demo/json", nil)
			go func() {
				<-release
				cancel()
			}()
			_, _ = s.Client().Do(req)
		})
	}
	for len(s.Requests()) < n { // polls arrival; asserts nothing about time
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if got := s.PeakInFlight(); got != n {
		t.Errorf("PeakInFlight() = %d, want %d", got, n)
	}
}

func TestRandomFaultsDeterministic(t *testing.T) {
	t.Parallel()
	run := func() []int {
		s := pypitest.New(model(), nil)
		defer s.Close()
		s.SetRandomFaults(42, 0.3, 0.3)
		var codes []int
		for range 20 {
			code, h, _ := get(t, s, "/pypi/demo/json")
			if code != 200 && h.Get("Retry-After") != "0" {
				t.Errorf("random %d without Retry-After: 0", code)
			}
			codes = append(codes, code)
		}
		return codes
	}
	a, b := run(), run()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	seen := map[int]bool{}
	for _, c := range a {
		seen[c] = true
	}
	if !seen[200] || !seen[503] || !seen[429] {
		t.Errorf("statuses %v: want a mix of 200, 503 and 429", a)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	m := model()
	m.TLS = true
	s := pypitest.New(m, nil)
	defer s.Close()
	if code, _, _ := get(t, s, "/pypi/demo/json"); code != 200 {
		t.Errorf("GET over TLS = %d", code)
	}
}

// TestConditional: metadata answers carry validators and max-age, a
// matching condition is answered 304 and counted, a changed body is not.
func TestConditional(t *testing.T) {
	t.Parallel()
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"demo": {"1.0": {{Filename: "demo-1.0.tar.gz", Content: []byte("one")}}}}}
	s := pypitest.New(m, nil)
	defer s.Close()
	s.SetMaxAge(10 * time.Minute)
	const path = "/pypi/demo/1.0/json"
	do := func(h http.Header) (int, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		req.Header = h
		resp, err := s.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	code, h := do(http.Header{})
	etag, lm := h.Get("ETag"), h.Get("Last-Modified")
	if code != 200 || etag == "" || lm == "" || h.Get("Cache-Control") != "max-age=600" {
		t.Fatalf("first answer %d, headers %v", code, h)
	}
	tests := []struct {
		name string
		h    http.Header
		want int
	}{
		{"if-none-match", http.Header{"If-None-Match": {etag}}, 304},
		{"weak if-none-match in a list", http.Header{"If-None-Match": {`"x", W/` + etag}}, 304},
		{"other etag", http.Header{"If-None-Match": {`"x"`}}, 200},
		{"if-modified-since", http.Header{"If-Modified-Since": {lm}}, 304},
		{"if-none-match wins", http.Header{"If-None-Match": {`"x"`}, "If-Modified-Since": {lm}}, 200},
	}
	for _, tt := range tests {
		if code, _ := do(tt.h); code != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, code, tt.want)
		}
	}
	m.Projects["demo"]["1.0"][0].Content = []byte("two") // a changed document
	if code, h := do(http.Header{"If-None-Match": {etag}, "If-Modified-Since": {lm}}); code != 200 || h.Get("ETag") == etag {
		t.Errorf("changed document: status %d, ETag %s", code, h.Get("ETag"))
	}
	if code, _ := do(http.Header{"If-Modified-Since": {lm}}); code != 200 {
		t.Errorf("changed document, If-Modified-Since the old time: status %d, want 200", code)
	}
	want := pypitest.Stats{Requests: 8, Conditional: 7, NotModified: 3}
	if diff := cmp.Diff(want, s.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}
