package pypi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pyverify/pyverify/pypi"
)

// gzipped compresses b.
func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestContentEncoding checks SPEC §4.2 and §9 against an index that
// compresses: gzip-encoded JSON metadata is decoded, while an artifact is
// hashed as the index stores it even when a server labels it
// Content-Encoding: gzip (a .tar.gz served that way must not be unpacked).
func TestContentEncoding(t *testing.T) {
	t.Parallel()
	artifact := gzipped(t, []byte("a tarball's content"))
	sum := sha256.Sum256(artifact)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pypi/demo/1.0/json":
			doc := `{"info":{"name":"demo","version":"1.0","yanked":false},"urls":[{"filename":"demo-1.0.tar.gz","url":"` + srv.URL + `/files/demo-1.0.tar.gz","size":` + strconv.Itoa(len(artifact)) + `,"digests":{"md5":"x","sha256":"` + hex.EncodeToString(sum[:]) + `","blake2b_256":"y"},"packagetype":"sdist","yanked":false}]}`
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				t.Errorf("metadata request Accept-Encoding = %q, want gzip offered", r.Header.Get("Accept-Encoding"))
			}
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(gzipped(t, []byte(doc)))
		case "/files/demo-1.0.tar.gz":
			if got := r.Header.Get("Accept-Encoding"); got != "identity" {
				t.Errorf("artifact request Accept-Encoding = %q, want identity", got)
			}
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(artifact)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := c.Release(context.Background(), "demo", "1.0")
	if err != nil {
		t.Fatalf("Release of a gzip-encoded document: %v", err)
	}
	if len(rel.Files) != 1 {
		t.Fatalf("files = %+v, want 1", rel.Files)
	}
	var got bytes.Buffer
	if _, err := c.Download(context.Background(), rel.Files[0], &got); err != nil {
		t.Fatalf("Download: %v", err)
	}
	if !bytes.Equal(got.Bytes(), artifact) {
		t.Errorf("Download wrote %d bytes, want the %d stored bytes, not decompressed ones", got.Len(), len(artifact))
	}
}

// TestNoGoroutineLeak runs requests of every outcome and checks that no
// goroutine outlives them (SPEC §9: bodies drained and closed, timers
// stopped), once idle connections are closed.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/pypi/demo/1.0/json":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/pypi/demo/2.0/json":
			_, _ = w.Write([]byte("not json"))
		default:
			http.NotFound(w, r)
		}
	}))
	hc := srv.Client()
	c, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, HTTPClient: hc, MaxTries: 2,
		Sleep: func(ctx context.Context, d time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"1.0", "2.0", "3.0"} {
		if _, err := c.Release(context.Background(), "demo", v); err == nil {
			t.Errorf("Release %s: want an error", v)
		}
	}
	if _, err := c.Provenance(context.Background(), "demo", "1.0", "demo-1.0.tar.gz"); err == nil {
		t.Errorf("Provenance: want an error")
	}
	srv.Close()
	hc.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
