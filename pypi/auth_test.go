package pypi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
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

// TestCredentialsStayWithTheOrigin pins issue #8: a redirect from the index
// to another port of the same host, or to a subdomain, must not carry the
// index's credentials (net/http keeps them for both). The receiving server
// says what arrived.
func TestCredentialsStayWithTheOrigin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		indexHost string // host name the index is reached by
		otherHost string // host name of the redirect target
	}{
		{name: "another port", indexHost: "127.0.0.1", otherHost: "127.0.0.1"},
		{name: "subdomain", indexHost: "index.example.test", otherHost: "files.index.example.test"},
		{name: "same host name, other port, by name", indexHost: "index.example.test", otherHost: "index.example.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			index := pypitest.New(demo, nil)
			t.Cleanup(index.Close)
			other := pypitest.New(demo, nil)
			t.Cleanup(other.Close)
			pypitest.Check(t, other)
			indexAddr := strings.TrimPrefix(index.URL(), "http://")
			otherAddr := strings.TrimPrefix(other.URL(), "http://")
			_, indexPort, _ := net.SplitHostPort(indexAddr)
			_, otherPort, _ := net.SplitHostPort(otherAddr)
			// Host names resolve by port: each server has its own.
			dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, _ := net.SplitHostPort(addr)
				to := map[string]string{indexPort: indexAddr, otherPort: otherAddr}[port]
				if to == "" {
					return nil, fmt.Errorf("no server for %s", addr)
				}
				return (&net.Dialer{}).DialContext(ctx, network, to)
			}
			hc := &http.Client{Transport: &http.Transport{DialContext: dial}}
			target := "http://" + net.JoinHostPort(tt.otherHost, otherPort) + "/pypi/demo/1.0/json"
			index.Fault("/pypi/demo/1.0/json", pypitest.Fault{RedirectTo: target})
			base := "http://me:s3cret@" + net.JoinHostPort(tt.indexHost, indexPort)
			c, err := pypi.NewClient(pypi.Options{BaseURL: base, HTTPClient: hc, MaxTries: 1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Release(t.Context(), "demo", "1.0"); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"/pypi/demo/1.0/json"}, index.Authorized()); diff != "" {
				t.Errorf("index: requests with credentials (-want +got):\n%s", diff)
			}
			if got := other.Requests(); len(got) != 1 {
				t.Fatalf("redirect target saw %v, want one request", got)
			}
			if got := other.Authorized(); len(got) != 0 {
				t.Errorf("redirect target %s received the index's credentials on %v", target, got)
			}
		})
	}
}

// TestCredentialsOrigin: the default port is the same origin, so a base URL
// without a port still authenticates to host:80.
func TestCredentialsOrigin(t *testing.T) {
	t.Parallel()
	index := pypitest.New(demo, nil)
	t.Cleanup(index.Close)
	addr := strings.TrimPrefix(index.URL(), "http://")
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}}
	c, err := pypi.NewClient(pypi.Options{BaseURL: "http://me:s3cret@Index.Example.Test", HTTPClient: hc, MaxTries: 1})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := c.Release(t.Context(), "demo", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	f := rel.Files[0]
	f.URL = "http://index.example.test:80/files/Demo/1.0/" + f.Filename
	if _, err := c.Download(t.Context(), f, discard{}); err != nil {
		t.Fatal(err)
	}
	want := []string{"/pypi/demo/1.0/json", "/files/Demo/1.0/" + f.Filename}
	if diff := cmp.Diff(want, index.Authorized()); diff != "" {
		t.Errorf("requests with credentials (-want +got):\n%s", diff)
	}
}
