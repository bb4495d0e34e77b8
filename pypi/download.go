package pypi

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// Download streams the bytes of f into w and returns how many were written
// (SPEC §4.2). The caller hashes what it receives: nothing is buffered whole,
// and nothing is written to disk unless the cache is on (Options.CacheDir).
// With a cache, a stored copy whose bytes still hash to f.SHA256 is served
// instead of the network (a damaged one is removed first), and a download is
// stored only if it was exactly f.Size bytes hashing to f.SHA256. Offline, a
// file the cache lacks is ErrNotCached. At most f.Size+1 bytes are read: a
// response larger than f.Size fails with ErrTooLarge (SPEC §9 "cut off and
// failed"), a complete response shorter than f.Size with ErrTruncated. Both
// are evidence about the served bytes. A transfer that breaks off or stalls
// is a *NetworkError. Failures before the first byte are retried like any
// request; once bytes went to w the download is not retried.
func (c *Client) Download(ctx context.Context, f File, w io.Writer) (n int64, err error) {
	if n, hit, err := c.cache.serveFile(ctx, f, w); hit {
		return n, err
	}
	if c.offline {
		return 0, c.notCached(f.URL)
	}
	resp, err := c.get(ctx, f.URL, "", true)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, statusError(resp, f.URL)
	}
	defer resp.Body.Close()
	if resp.ContentLength > f.Size {
		return 0, fmt.Errorf("GET %s: server announces %d bytes, index declared %d: %w", f.URL, resp.ContentLength, f.Size, ErrTooLarge)
	}
	tee := c.cache.startFile(f) // nil without a cache
	defer tee.abort()
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
	switch {
	case n > f.Size:
		return n, fmt.Errorf("GET %s: more than the %d bytes the index declared: %w", f.URL, f.Size, ErrTooLarge)
	case n < f.Size:
		return n, fmt.Errorf("GET %s: got %d of the %d bytes the index declared: %w", f.URL, n, f.Size, ErrTruncated)
	}
	tee.finish() // stores the copy only if its bytes are the declared ones
	return n, nil
}
