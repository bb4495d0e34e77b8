package pypi_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pyverify/pyverify/pypi"
)

// trickle is an in-memory transport (synctest must not touch the network):
// its body yields one byte per gap, then blocks until the request ends.
type trickle struct {
	bytes int
	gap   time.Duration
}

func (tr trickle) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: 200, Header: http.Header{}, ContentLength: -1, Request: req,
		Body: &trickleBody{ctx: req.Context(), left: tr.bytes, gap: tr.gap},
	}, nil
}

type trickleBody struct {
	ctx  context.Context
	left int
	gap  time.Duration
}

func (b *trickleBody) Read(p []byte) (int, error) {
	if b.left == 0 {
		<-b.ctx.Done()
		return 0, b.ctx.Err()
	}
	select {
	case <-time.After(b.gap):
	case <-b.ctx.Done():
		return 0, b.ctx.Err()
	}
	b.left--
	p[0] = 'x'
	return 1, nil
}

func (b *trickleBody) Close() error { return nil }

// TestStallTimeout checks, on synctest's fake clock, that slow but steady
// progress is not a stall however long the total, and that silence of
// StallTimeout is.
func TestStallTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		const stall = 30 * time.Second
		c, err := pypi.NewClient(pypi.Options{
			BaseURL:      "https://index.invalid",
			HTTPClient:   &http.Client{Transport: trickle{bytes: 100, gap: 20 * time.Second}},
			StallTimeout: stall,
			MaxTries:     1,
		})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		f := pypi.File{URL: "https://index.invalid/files/a.whl", Size: 200}
		got, err := c.Download(t.Context(), f, io.Discard)
		if !errors.Is(err, pypi.ErrStalled) || !pypi.IsNetwork(err) || !strings.Contains(err.Error(), f.URL) {
			t.Fatalf("error = %v, want ErrStalled network error naming the URL", err)
		}
		if got.N != 100 {
			t.Errorf("n = %d, want 100 bytes before the stall", got.N)
		}
		// 100 bytes at 20s each (2000s in all, far beyond stall) then 30s of silence.
		if got, want := time.Since(start), 100*20*time.Second+stall; got != want {
			t.Errorf("stalled after %v of fake time, want %v", got, want)
		}
	})
}
