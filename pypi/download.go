package pypi

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Fetched is what Download wrote and where the bytes came from.
type Fetched struct {
	N         int64 // bytes written to w
	FromCache bool  // served from the local cache, not fetched from the index this run
}

// resetter is a writer that can forget what it was given, such as a
// bytes.Buffer or a hashing writer.
type resetter interface{ Reset() }

// Download streams the bytes of f into w and says how many it wrote and
// whether they came from the cache (SPEC §4.2, issue #8 "say where the bytes
// came from"). The caller hashes what it receives: nothing is buffered
// whole, and nothing is written to disk unless the cache is on
// (Options.CacheDir).
//
// A file declared larger than Options.MaxArtifactSize fails with
// ErrArtifactTooLarge before anything is fetched. At most f.Size+1 bytes
// are read: a response larger than f.Size fails with ErrTooLarge (SPEC §9
// "cut off and failed"), a complete response shorter than f.Size with
// ErrTruncated. Both are evidence about the served bytes. A transfer that
// breaks off or stalls is a *NetworkError. Failures before the first byte
// reached w are retried like any request; once bytes went to w the
// download is not retried.
//
// With a cache, a stored copy is served instead of the network and hashed
// once, as it is written to w. A copy whose bytes do not hash to f.SHA256
// is damaged: it is removed and the file is fetched from the index in the
// same call, and the caller never sees its bytes as the index's. If w has a
// Reset method (bytes.Buffer, a hashing writer), the copy is streamed while
// hashed and w is reset when it proves damaged; otherwise the copy is hashed
// before a byte is written to w. A copy whose bytes hash correctly but whose
// length differs from f.Size is kept, and the size is reported as a
// download would report it. A download is stored only if it was exactly
// f.Size bytes hashing to f.SHA256. Offline, a file the cache lacks is
// ErrNotCached (and ErrCacheDamaged too if its copy was damaged).
func (c *Client) Download(ctx context.Context, f File, w io.Writer) (Fetched, error) {
	if f.Size > c.maxFile {
		return Fetched{}, fmt.Errorf("%s: the index declares %d bytes, more than the %d-byte maximum: %w", f.URL, f.Size, c.maxFile, ErrArtifactTooLarge)
	}
	n, st, err := c.cache.serveFile(ctx, f, w)
	if st == entryHit {
		return Fetched{N: n, FromCache: true}, err
	}
	if c.offline {
		if st == entryDamaged {
			return Fetched{}, fmt.Errorf("%w: %w", ErrCacheDamaged, c.notCached(f.URL))
		}
		return Fetched{}, c.notCached(f.URL)
	}
	if err := c.checkGet(f.URL); err != nil {
		return Fetched{}, err
	}
	err = c.retrying(ctx, f.URL, func() (time.Duration, error) {
		resp, retryAfter, err := c.try(ctx, f.URL, nil, true)
		if err != nil {
			return retryAfter, err
		}
		n, err = c.receive(resp, f, w)
		if n == 0 {
			err = retryBody(ctx, err) // nothing reached w: try again
		}
		return -1, err
	})
	return Fetched{N: n}, err
}

// receive streams one response for f into w and the cache, closing it.
func (c *Client) receive(resp *http.Response, f File, w io.Writer) (n int64, err error) {
	if resp.StatusCode != http.StatusOK {
		return 0, statusError(resp, f.URL)
	}
	defer resp.Body.Close()
	if resp.ContentLength > f.Size {
		return 0, fmt.Errorf("GET %s: server announces %d bytes, index declared %d: %w", f.URL, resp.ContentLength, f.Size, ErrTooLarge)
	}
	tee := c.cache.startFile(f) // nil without a cache
	defer tee.abort()           // removes the temporary file on every early return
	r := io.LimitReader(resp.Body, f.Size+1)
	buf := make([]byte, 32<<10)
	for {
		m, rerr := r.Read(buf)
		if m > 0 {
			k, werr := w.Write(buf[:m])
			n += int64(k)
			tee.write(buf[:k])
			if werr == nil && k < m {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return n, fmt.Errorf("download %s: write: %w", f.URL, werr)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, rerr // body errors name the URL
		}
	}
	if err := sizeError(f, n, "GET "+f.URL); err != nil {
		return n, err
	}
	tee.finish() // stores the copy only if its bytes are the declared ones
	return n, nil
}

// sizeError compares n bytes received (at most f.Size+1) with f.Size.
func sizeError(f File, n int64, what string) error {
	switch {
	case n > f.Size:
		return fmt.Errorf("%s: more than the %d bytes the index declared: %w", what, f.Size, ErrTooLarge)
	case n < f.Size:
		return fmt.Errorf("%s: got %d of the %d bytes the index declared: %w", what, n, f.Size, ErrTruncated)
	}
	return nil
}
