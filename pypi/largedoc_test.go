package pypi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"
)

// TestReadAllLargeDocTicket: a document larger than largeDocThreshold is
// read on only with a large-document ticket (issue #8: twenty hostile
// 16 MiB simple pages decoded at once held 4.7 GB); without one free the
// response is abandoned, whether the size is announced or found while
// reading. Small documents need none.
func TestReadAllLargeDocTicket(t *testing.T) {
	t.Parallel()
	small, large := bytes.Repeat([]byte("x"), 100), bytes.Repeat([]byte("x"), largeDocThreshold+2)
	tests := []struct {
		name       string
		body       []byte
		announce   bool // Content-Length
		free       bool // a ticket is free
		wantErr    error
		wantHolds  bool
		wantLength int
	}{
		{"small, none free", small, true, false, nil, false, len(small)},
		{"large, free", large, false, true, nil, true, len(large)},
		{"large announced, none free", large, true, false, errNeedTicket, false, 0},
		{"large found while reading, none free", large, false, false, errNeedTicket, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sem := semaphore.NewWeighted(1)
			if !tt.free {
				sem.Acquire(context.Background(), 1)
			}
			tk := &ticket{sem: sem}
			resp := &http.Response{Body: io.NopCloser(bytes.NewReader(tt.body)), ContentLength: -1}
			if tt.announce {
				resp.ContentLength = int64(len(tt.body))
			}
			data, err := readAll(resp, "https://index.example/simple/x/", MaxJSONDocumentSize, tk)
			if !errors.Is(err, tt.wantErr) || len(data) != tt.wantLength || tk.held != tt.wantHolds {
				t.Errorf("readAll: %d bytes, err %v, ticket held %v; want %d bytes, err %v, held %v",
					len(data), err, tk.held, tt.wantLength, tt.wantErr, tt.wantHolds)
			}
		})
	}
}

// TestSimpleWaitsForLargeDocTicket: a large page met with no ticket free
// is abandoned, its request slot given back, and fetched again once a
// ticket is free; the answer is the page.
func TestSimpleWaitsForLargeDocTicket(t *testing.T) {
	t.Parallel()
	page := `{"meta":{"api-version":"1.1"},"name":"big","files":[` +
		strings.TrimSuffix(strings.Repeat(`{"filename":"big-1.0.tar.gz","url":"https://f.example/b","hashes":{},"provenance":null},`, 16<<20/100), ",") + `]}`
	var (
		requests  atomic.Int32
		abandoned = make(chan struct{}, 1)
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", SimpleMediaType)
		if _, err := io.WriteString(w, page); err != nil {
			select {
			case abandoned <- struct{}{}:
			default:
			}
		}
	}))
	defer srv.Close()
	c, err := NewClient(Options{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	c.large.Acquire(t.Context(), maxLargeDocs) // every ticket taken
	type result struct {
		sp  *SimpleProject
		err error
	}
	done := make(chan result)
	go func() {
		sp, err := c.Simple(t.Context(), "big")
		done <- result{sp, err}
	}()
	select {
	case <-abandoned: // the client stopped reading: the server could not write it all
	case got := <-done:
		t.Fatalf("Simple read a large page with no ticket free (err %v)", got.err)
	}
	c.large.Release(maxLargeDocs)
	got := <-done
	if got.err != nil || len(got.sp.Files) != 16<<20/100 {
		t.Fatalf("Simple: err %v; want the page", got.err)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("the index saw %d requests, want 2 (abandoned, then fetched with a ticket)", n)
	}
}

// TestLargeCachedEntryWaitsForTicket: a large cached document is read
// only with a ticket, as a large response is. Reading it first and then
// waiting had every package in flight hold its 16 MiB copy at once, the
// very memory the ticket exists to bound. With no ticket to be had
// (every one taken, the caller gone), the entry is never read.
func TestLargeCachedEntryWaitsForTicket(t *testing.T) {
	c, err := NewClient(Options{BaseURL: "https://index.example", CacheDir: t.TempDir(),
		HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			t.Errorf("sent GET %s: the cached copy was to be used", r.URL)
			return nil, errors.New("no network in this test")
		})}})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := c.projectURL("big", "1.0")
	if err != nil {
		t.Fatal(err)
	}
	const size = 8 << 20
	c.cache.writeMeta(key, 200, bytes.Repeat([]byte("x"), size), docMeta{Date: c.now(), MaxAge: time.Hour})
	c.large.Acquire(t.Context(), maxLargeDocs) // every ticket taken
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = c.Release(ctx, "big", "1.0")
	runtime.ReadMemStats(&after)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Release: err %v, want context.Canceled", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > size/2 {
		t.Errorf("Release allocated %d bytes waiting for a ticket: the %d-byte entry was read without one", n, size)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
