package pypi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

// TestIndexCredentials pins private-index support: credentials in the index
// URL are sent as basic auth to the index's host, never to another host
// (a files CDN), and never appear in BaseURL or error messages.
func TestIndexCredentials(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen = map[string]string{} // path -> Authorization header
	)
	record := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Host+r.URL.Path] = r.Header.Get("Authorization")
		mu.Unlock()
	}
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(w, r)
		fmt.Fprint(w, "wheel")
	}))
	defer cdn.Close()
	index := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(w, r)
		if u, p, ok := r.BasicAuth(); !ok || u != "me" || p != "s3cret" {
			http.Error(w, "who are you", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"info": {"name": "demo", "version": "1.0"}, "urls": [{"filename": "demo-1.0-py3-none-any.whl",
			"url": %q, "size": 5, "digests": {"sha256": "%s"}, "packagetype": "bdist_wheel"}]}`,
			cdn.URL+"/demo-1.0-py3-none-any.whl", strings.Repeat("a", 64))
	}))
	defer index.Close()

	withCreds := strings.Replace(index.URL, "http://", "http://me:s3cret@", 1) + "/simple/"
	c, err := pypi.NewClient(pypi.Options{BaseURL: withCreds, MaxTries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(c.BaseURL(), "s3cret") {
		t.Errorf("BaseURL() = %q shows the password", c.BaseURL())
	}
	rel, err := c.Release(context.Background(), "demo", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.Download(context.Background(), rel.Files[0], &buf); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(index.URL, "http://")
	cdnHost := strings.TrimPrefix(cdn.URL, "http://")
	mu.Lock()
	indexAuth, cdnAuth := seen[host+"/pypi/demo/1.0/json"], seen[cdnHost+"/demo-1.0-py3-none-any.whl"]
	mu.Unlock()
	if !strings.HasPrefix(indexAuth, "Basic ") {
		t.Errorf("index request Authorization = %q, want basic auth", indexAuth)
	}
	if cdnAuth != "" {
		t.Errorf("CDN request carried the index's credentials: %q", cdnAuth)
	}

	// A wrong password: the error names the URL, without the password.
	bad := strings.Replace(index.URL, "http://", "http://me:wrong@", 1)
	c, err = pypi.NewClient(pypi.Options{BaseURL: bad, MaxTries: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Release(context.Background(), "demo", "1.0")
	var se *pypi.StatusError
	if !errors.As(err, &se) || se.Code != http.StatusUnauthorized {
		t.Fatalf("err = %v, want a 401 StatusError", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error shows the password: %v", err)
	}
	if _, err := pypi.NewClient(pypi.Options{BaseURL: "ftp://me:s3cret@host/"}); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("bad scheme error = %v, want an error without the password", err)
	}
}
