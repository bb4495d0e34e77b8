package pypi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
)

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func sha(s string) pypi.SHA256 {
	h := sha256.Sum256([]byte(s))
	return pypi.SHA256(hex.EncodeToString(h[:]))
}

func TestDownload(t *testing.T) {
	t.Parallel()
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{"demo": {"1.0": {
		{Filename: "ok.whl", Content: []byte("original bytes")},
		{Filename: "tampered.whl", Content: []byte("original bytes"), Served: []byte("attacker bytes")},
		{Filename: "short.whl", Content: []byte("original bytes"), Served: []byte("orig")},
		{Filename: "long.whl", Content: []byte("original bytes"), Served: []byte("original bytes and more")},
		{Filename: "gone.whl", Content: []byte("original bytes"), Status: 404},
	}}}}
	tests := []struct {
		file     string
		fault    *pypitest.Fault
		wantBody string
		wantErr  error // sentinel, or nil
		wantCode int   // *StatusError code
		network  bool
	}{
		{file: "ok.whl", wantBody: "original bytes"},
		{file: "tampered.whl", wantBody: "attacker bytes"}, // the caller's hash catches it
		{file: "short.whl", wantBody: "orig", wantErr: pypi.ErrTruncated},
		{file: "long.whl", wantErr: pypi.ErrTooLarge},
		{file: "ok.whl", fault: &pypitest.Fault{LongerBody: true}, wantErr: pypi.ErrTooLarge},
		{file: "gone.whl", wantCode: 404},
		{file: "ok.whl", fault: &pypitest.Fault{Status: 503}, wantCode: 503, network: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			s, c, _ := newIndex(t, m, pypi.Options{})
			rel, err := c.Release(t.Context(), "demo", "1.0")
			if err != nil {
				t.Fatal(err)
			}
			var f pypi.File
			for _, rf := range rel.Files {
				if rf.Filename == tt.file {
					f = rf
				}
			}
			if tt.fault != nil {
				s.Fault("/files/*", *tt.fault)
			}
			var buf bytes.Buffer
			got, err := c.Download(t.Context(), f, &buf)
			if got.N != int64(buf.Len()) {
				t.Errorf("n = %d, but %d bytes written", got.N, buf.Len())
			}
			if tt.wantBody != "" && buf.String() != tt.wantBody {
				t.Errorf("body = %q, want %q", buf.String(), tt.wantBody)
			}
			var se *pypi.StatusError
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error = %v, want %v", err, tt.wantErr)
				}
			case tt.wantCode != 0:
				if !errors.As(err, &se) || se.Code != tt.wantCode {
					t.Errorf("error = %v, want HTTP %d", err, tt.wantCode)
				}
			case err != nil:
				t.Errorf("error = %v", err)
			}
			if pypi.IsNetwork(err) != tt.network {
				t.Errorf("IsNetwork(%v) = %v, want %v", err, !tt.network, tt.network)
			}
			if err != nil && !strings.Contains(err.Error(), f.URL) {
				t.Errorf("error %q does not name %s", err, f.URL)
			}
		})
	}
}

// TestDownloadCutOff serves an endless body without Content-Length: the
// client stops at the declared size + 1.
func TestDownloadCutOff(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 4096)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(srv.Close)
	c, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Download(t.Context(), pypi.File{URL: srv.URL + "/f.whl", Size: 10000}, io.Discard)
	if !errors.Is(err, pypi.ErrTooLarge) || got.N != 10001 {
		t.Errorf("Download() = %d, %v; want 10001, ErrTooLarge", got.N, err)
	}
}

// TestMetadataSizeLimit serves a JSON document over the limit, once with and
// once without Content-Length.
func TestMetadataSizeLimit(t *testing.T) {
	t.Parallel()
	for _, announce := range []bool{true, false} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if announce {
				w.Header().Set("Content-Length", "999999999")
				return
			}
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			for range pypi.MaxJSONDocumentSize>>20 + 1 {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}))
		c, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Release(t.Context(), "demo", "1.0")
		if !errors.Is(err, pypi.ErrTooLarge) || pypi.IsNetwork(err) {
			t.Errorf("announce=%v: error = %v, want ErrTooLarge", announce, err)
		}
		srv.Close()
	}
}

// TestStallAgainstServer uses a tiny StallTimeout against a server that
// sends half the body and stops: the error is ErrStalled, a network error.
// The bound is generous either way: a stall before the headers is reported
// the same way.
func TestStallAgainstServer(t *testing.T) {
	t.Parallel()
	s, c, _ := newIndex(t, demo, pypi.Options{StallTimeout: 50 * time.Millisecond, MaxTries: 1})
	s.Fault("/files/*", pypitest.Fault{Stall: true})
	f := pypi.File{URL: s.URL() + "/files/Demo/1.0/demo-1.0.tar.gz", Size: 11}
	_, err := c.Download(t.Context(), f, io.Discard)
	if !errors.Is(err, pypi.ErrStalled) || !pypi.IsNetwork(err) || !strings.Contains(err.Error(), f.URL) {
		t.Errorf("error = %v, want ErrStalled network error naming the URL", err)
	}
}

// TestDownloadInterrupted: a body that ends before the Content-Length the
// server announced is a broken transfer (network), not a short file.
func TestDownloadInterrupted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		_, _ = w.Write([]byte("only ten b"))
	}))
	t.Cleanup(srv.Close)
	c, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Download(t.Context(), pypi.File{URL: srv.URL + "/f.whl", Size: 100}, io.Discard)
	if !pypi.IsNetwork(err) || errors.Is(err, pypi.ErrTruncated) || !strings.Contains(err.Error(), srv.URL) {
		t.Errorf("error = %v, want a network error naming the URL", err)
	}
}

// hexes is ds as strings (nil stays nil), for test views that compare
// digests with literal hex.
func hexes(ds []pypi.SHA256) []string {
	if ds == nil {
		return nil
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = string(d)
	}
	return out
}
