package pypi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Options configures a Client. The zero value of every field but BaseURL
// means the documented default.
type Options struct {
	// BaseURL is the index base (SPEC §2 --index-url), such as
	// "https://pypi.org". A trailing "/simple" or "/simple/" is dropped, as
	// pip users habitually pass the simple index URL.
	BaseURL string

	// HTTPClient sends the requests. nil means our own transport with
	// connect, TLS and response-header timeouts and connection reuse. A
	// given client is copied and its CheckRedirect replaced by ours, so the
	// redirect rules of SPEC §9 hold whatever the caller passes.
	HTTPClient *http.Client

	// Concurrency is the most requests in flight (SPEC §2 --concurrency);
	// default DefaultConcurrency.
	Concurrency int

	// UserAgent is sent on every request (SPEC §9); default "pyverify".
	UserAgent string

	// MaxTries bounds how often a request is sent on connection errors, 429
	// and 5xx; default DefaultMaxTries.
	MaxTries int

	// StallTimeout is how long a request may make no progress before it
	// fails with ErrStalled; default DefaultStallTimeout. It is not a limit
	// on the total duration of a download.
	StallTimeout time.Duration

	// Sleep waits between tries. It must return ctx.Err() promptly when ctx
	// ends. nil means a real timer. Tests inject a recorder.
	Sleep func(ctx context.Context, d time.Duration) error

	// Logf, if set, is told about each request with its HTTP status ("GET
	// URL: 200 OK") and each retry (verbose mode), and about the cache:
	// "cache hit URL", "stored URL in the cache", and entries that could not
	// be written or were found damaged.
	Logf func(format string, args ...any)

	// CacheDir is the cache directory (SPEC §2 --cache-dir); "" means no
	// cache (--no-cache), and then nothing is ever written to disk (SPEC
	// §4.2). Metadata answers are stored with their validators and
	// freshness: used without a request within their max-age, revalidated
	// with a conditional request after it (a 304 keeps the stored body),
	// and used as they are Offline. Artifacts are stored once their bytes
	// matched the declared size and sha256, and served from the cache
	// hashed as they are served (Download).
	CacheDir string

	// Offline answers every request from CacheDir and never touches the
	// network (SPEC §2 --offline); what the cache lacks fails with
	// ErrNotCached. It requires CacheDir.
	Offline bool

	// MaxArtifactSize is the largest declared size Download accepts; a
	// larger file fails with ErrArtifactTooLarge before a byte is fetched
	// or cached. Default DefaultMaxArtifactSize.
	MaxArtifactSize int64

	// Now is the clock that decides whether a cached document is still
	// fresh (its Cache-Control max-age, issue #13) and stamps entries;
	// nil means time.Now. Tests and the bench inject a clock to step
	// past max-age without waiting.
	Now func() time.Time
}

// Client talks to a Warehouse-compatible index: the JSON API, the Integrity
// API and the file host. It is safe for concurrent use; one Client should be
// shared by all work (SPEC §9 "one shared HTTP client").
type Client struct {
	base      *url.URL
	hc        *http.Client
	sem       *semaphore.Weighted
	large     *semaphore.Weighted // tickets for large metadata documents (largedoc.go)
	ua        string
	maxTries  int
	stall     time.Duration
	sleep     func(ctx context.Context, d time.Duration) error
	logf      func(format string, args ...any)
	now       func() time.Time
	auth      *url.Userinfo // basic-auth credentials for base's origin, from BaseURL
	origin    string        // base's origin, see originOf
	cache     *cache        // nil without Options.CacheDir
	offline   bool
	maxFile   int64 // Options.MaxArtifactSize
	namesMu   sync.Mutex
	names     map[string]string // PEP 503 name → the index's spelling, learnt from a redirect
	jitterMu  sync.Mutex
	jitterRng *rand.Rand
}

// NewClient validates o and returns a Client. BaseURL must be an absolute
// http or https URL without query or fragment; Offline requires CacheDir.
// Credentials in BaseURL (https://user:token@host/simple, as pip accepts
// them for private indexes) are sent as HTTP basic auth to that origin only
// (scheme, host and port), also across redirects, and never appear in
// BaseURL(), messages or the cache. A cache directory is swept of temporary
// files older than StaleTempAge, left by killed runs.
func NewClient(o Options) (*Client, error) {
	base, err := parseBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	auth := base.User
	base.User = nil
	if o.Offline && o.CacheDir == "" {
		return nil, errors.New("offline: no cache directory to answer from")
	}
	c := &Client{
		base:      base,
		auth:      auth,
		origin:    originOf(base),
		maxFile:   o.MaxArtifactSize,
		names:     map[string]string{},
		sem:       semaphore.NewWeighted(int64(orDefault(o.Concurrency, DefaultConcurrency))),
		large:     semaphore.NewWeighted(maxLargeDocs),
		ua:        o.UserAgent,
		maxTries:  orDefault(o.MaxTries, DefaultMaxTries),
		stall:     o.StallTimeout,
		sleep:     o.Sleep,
		logf:      o.Logf,
		now:       o.Now,
		jitterRng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
	}
	if c.ua == "" {
		c.ua = "pyverify"
	}
	if c.maxFile <= 0 {
		c.maxFile = DefaultMaxArtifactSize
	}
	if c.stall <= 0 {
		c.stall = DefaultStallTimeout
	}
	if c.sleep == nil {
		c.sleep = sleepCtx
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.logf == nil {
		c.logf = func(string, ...any) {}
	}
	if o.HTTPClient != nil {
		hc := *o.HTTPClient // shallow copy: shares the transport and its connections
		c.hc = &hc
	} else {
		c.hc = &http.Client{Transport: newTransport(orDefault(o.Concurrency, DefaultConcurrency))}
	}
	c.hc.CheckRedirect = c.checkRedirect
	if o.CacheDir != "" {
		c.cache = &cache{dir: o.CacheDir, logf: c.logf, maxFile: c.maxFile, now: c.now}
		c.offline = o.Offline
		c.cache.sweep(max(StaleTempAge, 2*c.stall), c.now())
	}
	return c, nil
}

// BaseURL returns the index base URL in use, without a trailing slash and
// without pip's "/simple" suffix.
func (c *Client) BaseURL() string { return c.base.String() }

func orDefault(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// parseBaseURL implements SPEC §2 --index-url: http(s) only, "/simple" or
// "/simple/" dropped.
func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("index url: empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("index url: not a URL") // the text may hold credentials: not echoed
	}
	shown := u.Redacted()
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("index url %q: scheme must be http or https", shown)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("index url %q: no host", shown)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("index url %q: must not have a query or fragment", shown)
	}
	p := strings.TrimSuffix(u.Path, "/")
	p = strings.TrimSuffix(p, "/simple")
	u.Path = strings.TrimSuffix(p, "/")
	u.RawPath = ""
	return u, nil
}

// endpoint builds base + segments, each segment path-escaped, so that a
// project, version or filename from the index can never add path elements or
// a query. "", "." and ".." are refused rather than escaped: servers and
// proxies may decode %2E%2E back into a dot-segment (RFC 3986 §6.2.2.2).
func (c *Client) endpoint(segments ...string) (string, error) {
	var b strings.Builder
	b.WriteString(c.base.String())
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("%w: %q cannot be a URL path segment (under %s)", ErrMalformed, s, b.String())
		}
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String(), nil
}

// originOf returns u's origin (RFC 6454) as "scheme://host:port", lowercase
// and with the scheme's default port made explicit, so that
// https://Index:443 and https://index are one origin and a subdomain or
// another port is another.
func originOf(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

func newTransport(conc int) *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   ConnectTimeout,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   TLSHandshakeTimeout,
		ResponseHeaderTimeout: ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          conc * 2,
		MaxIdleConnsPerHost:   conc,
	}
}

// checkRedirect enforces SPEC §9: redirects only to http(s), never from
// https to http (anywhere in the chain), and a bounded number of hops. The
// index's credentials leave every hop whose origin is not the index's
// (issue #8): net/http keeps them for another port or a subdomain.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if originOf(req.URL) != c.origin {
		req.Header.Del("Authorization")
	}
	if len(via) >= MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects", ErrRedirect, MaxRedirects)
	}
	switch req.URL.Scheme {
	case "https":
	case "http":
		for _, v := range via {
			if v.URL.Scheme == "https" {
				return fmt.Errorf("%w: from https %s to http %s", ErrRedirect, v.URL, req.URL)
			}
		}
	default:
		return fmt.Errorf("%w: to %s (scheme %q)", ErrRedirect, req.URL, req.URL.Scheme)
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// checkGet refuses what must never reach the network: a URL that is not
// http(s), and any request when offline (callers answer from the cache).
func (c *Client) checkGet(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("GET %s: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("GET %s: scheme must be http or https", rawURL)
	}
	if c.offline {
		return c.notCached(rawURL)
	}
	return nil
}

// docAnswer is a metadata answer: a body (200), or notModified (304) for a
// conditional request, with its caching headers. A 404 is an error, with
// meta still filled in (a 404 has a freshness too).
type docAnswer struct {
	data        []byte
	notModified bool
	meta        docMeta
	final       *url.URL // the URL that answered, after redirects, when one did
}

// getDoc fetches a metadata document of at most limit bytes whole. Like
// retrying, it retries connection errors, 429 and 5xx; a body that breaks
// off or stalls is retried too, since nothing of it was used yet (issue
// #14). cond, if not nil, makes the request conditional (If-None-Match,
// If-Modified-Since) and a 304 is then notModified; a 304 to a request
// without conditions, and any status but 200, is a *StatusError.
func (c *Client) getDoc(ctx context.Context, rawURL, accept string, limit int64, cond *docMeta) (ans docAnswer, err error) {
	if err := c.checkGet(rawURL); err != nil {
		return ans, err
	}
	for {
		ans, err = c.getDocOnce(ctx, rawURL, accept, limit, cond)
		if !errors.Is(err, errNeedTicket) {
			return ans, err
		}
		// Large, and no ticket free: wait for one holding no request
		// slot, then fetch it again (largedoc.go).
		if err := ticketFrom(ctx).hold(ctx); err != nil {
			return docAnswer{}, fmt.Errorf("GET %s: %w", rawURL, err)
		}
	}
}

func (c *Client) getDocOnce(ctx context.Context, rawURL, accept string, limit int64, cond *docMeta) (ans docAnswer, err error) {
	hdr := http.Header{"Accept": {accept}}
	cond.conditions(hdr)
	err = c.retrying(ctx, rawURL, func() (time.Duration, error) {
		sent := c.now()
		resp, retryAfter, err := c.try(ctx, rawURL, hdr, false)
		if err != nil {
			return retryAfter, err
		}
		if resp.Request != nil {
			ans.final = resp.Request.URL
		}
		ans.meta = parseMeta(resp.Header, sent)
		switch {
		case resp.StatusCode == http.StatusNotModified && cond != nil:
			statusError(resp, rawURL) // consumes and closes
			ans.notModified = true
			return -1, nil
		case resp.StatusCode == http.StatusNotModified:
			return -1, fmt.Errorf("%w (the request had no conditions: there is no cached copy)", statusError(resp, rawURL))
		case resp.StatusCode != http.StatusOK:
			return -1, statusError(resp, rawURL)
		}
		ans.data, err = readAll(resp, rawURL, limit, ticketFrom(ctx))
		return -1, retryBody(ctx, err)
	})
	return ans, err
}

// retryBody marks a body that broke off or stalled as retryable.
func retryBody(ctx context.Context, err error) error {
	var ne *NetworkError
	if err == nil || ctx.Err() != nil || !errors.As(err, &ne) {
		return err
	}
	return &retryable{ne.Err}
}

// retrying runs attempt until it succeeds or fails with an error not marked
// retryable, sleeping between tries: connection errors, stalls, 429 and 5xx
// are retried with exponential backoff and jitter, honouring Retry-After
// (SPEC §9), at most MaxTries times, then they are a *NetworkError.
// attempt returns the server's Retry-After, or -1.
func (c *Client) retrying(ctx context.Context, rawURL string, attempt func() (time.Duration, error)) error {
	for try := 1; ; try++ {
		retryAfter, err := attempt()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("GET %s: %w", rawURL, ctx.Err())
		}
		var rerr *retryable
		if !errors.As(err, &rerr) {
			return err
		}
		if try >= c.maxTries {
			return &NetworkError{URL: rawURL, Tries: try, Err: rerr.err}
		}
		d := retryAfter
		if d < 0 {
			d = c.backoff(try)
		}
		c.logf("retry %d/%d in %v: %v", try+1, c.maxTries, d, rerr.err)
		if err := c.sleep(ctx, d); err != nil {
			return fmt.Errorf("GET %s: %w", rawURL, err)
		}
	}
}

// retryable marks a failure that another try may cure.
type retryable struct{ err error }

func (r *retryable) Error() string { return r.err.Error() }

// permanent reports a connection failure that another try cannot cure
// (issue #14): a plain-HTTP server behind an https URL, a certificate that
// does not verify or name the host, another TLS failure, or a host name that
// does not exist. Retrying those only delays the report.
func permanent(err error) bool {
	var (
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		hostErr  x509.HostnameError
		authErr  x509.UnknownAuthorityError
		invErr   x509.CertificateInvalidError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
	)
	switch {
	case errors.As(err, &dnsErr):
		return dnsErr.IsNotFound
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr),
		errors.As(err, &invErr), errors.As(err, &recErr), errors.As(err, &alertErr):
		return true
	}
	// net/http replaces the tls.RecordHeaderError by a plain error here.
	msg := err.Error()
	return strings.Contains(msg, "server gave HTTP response to HTTPS client") ||
		strings.Contains(msg, "unsupported protocol scheme")
}

// backoff returns the jittered exponential delay before try+1.
func (c *Client) backoff(try int) time.Duration {
	d := BaseBackoff << (try - 1)
	if d > MaxBackoff || d <= 0 {
		d = MaxBackoff
	}
	c.jitterMu.Lock()
	j := time.Duration(c.jitterRng.Int64N(int64(d)/2 + 1))
	c.jitterMu.Unlock()
	return d/2 + j
}

// try sends one GET with the headers hdr. It returns a response with any status but 429 and 5xx,
// which are retryable, as are connection errors (but permanent ones) and
// stalls before the headers. The response's Body holds one unit of the
// concurrency semaphore until closed and fails with ErrStalled when no bytes
// arrive for the stall timeout. retryAfter is -1 when the server named no
// delay.
func (c *Client) try(ctx context.Context, rawURL string, hdr http.Header, identity bool) (_ *http.Response, retryAfter time.Duration, _ error) {
	if err := c.sem.Acquire(ctx, 1); err != nil {
		return nil, -1, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	reqCtx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(c.stall, func() { cancel(ErrStalled) })
	release := func() {
		timer.Stop()
		cancel(nil)
		c.sem.Release(1)
	}
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, rawURL, nil)
	if err != nil {
		release()
		return nil, -1, fmt.Errorf("GET %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", c.ua)
	if c.auth != nil && originOf(req.URL) == c.origin {
		// Only to the index's own origin: files served from a CDN elsewhere
		// never see the index's credentials, and checkRedirect removes them
		// from redirects that leave the origin.
		pw, _ := c.auth.Password()
		req.SetBasicAuth(c.auth.Username(), pw)
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if identity {
		// Artifacts are hashed as stored: never let the transport decompress.
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		stalled := errors.Is(context.Cause(reqCtx), ErrStalled)
		release()
		switch {
		case ctx.Err() != nil:
			return nil, -1, fmt.Errorf("GET %s: %w", rawURL, ctx.Err())
		case stalled:
			return nil, -1, &retryable{fmt.Errorf("GET %s: no response headers within %v: %w", rawURL, c.stall, ErrStalled)}
		case errors.Is(err, ErrRedirect):
			return nil, -1, fmt.Errorf("GET %s: %w", rawURL, err)
		case permanent(err):
			return nil, -1, &NetworkError{URL: rawURL, Tries: 1, Err: err}
		}
		return nil, -1, &retryable{err} // *url.Error names the URL
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBodySize))
		resp.Body.Close()
		release()
		ra := c.retryAfter(resp.Header.Get("Retry-After"))
		se := &StatusError{Code: resp.StatusCode, URL: rawURL}
		if ra >= 0 {
			se.RetryAfter = ra
		}
		return nil, ra, &retryable{se}
	}
	timer.Reset(c.stall) // headers were progress
	c.logf("GET %s: %s", rawURL, resp.Status)
	resp.Body = &body{
		rc:      resp.Body,
		url:     rawURL,
		parent:  ctx,
		reqCtx:  reqCtx,
		timer:   timer,
		stall:   c.stall,
		release: release,
	}
	return resp, -1, nil
}

// retryAfter parses a Retry-After header (delay-seconds or an HTTP date),
// capped at MaxRetryAfter; -1 when absent or unparsable.
func (c *Client) retryAfter(h string) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return -1
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 {
			return -1
		}
		if secs > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(c.now())
	} else {
		return -1
	}
	return min(max(d, 0), MaxRetryAfter)
}

// body wraps a response body: it restarts the stall timer on every byte
// received, turns a stall or interruption into a *NetworkError naming the
// URL, and releases the request's semaphore unit exactly once on Close.
type body struct {
	rc      io.ReadCloser
	url     string
	parent  context.Context
	reqCtx  context.Context
	timer   *time.Timer
	stall   time.Duration
	release func()
	once    sync.Once
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.timer.Reset(b.stall)
	}
	if err == nil || err == io.EOF {
		return n, err
	}
	switch {
	case b.parent.Err() != nil:
		err = fmt.Errorf("GET %s: %w", b.url, b.parent.Err())
	case errors.Is(context.Cause(b.reqCtx), ErrStalled):
		err = &NetworkError{URL: b.url, Tries: 1, Err: fmt.Errorf("GET %s: no data for %v: %w", b.url, b.stall, ErrStalled)}
	default:
		err = &NetworkError{URL: b.url, Tries: 1, Err: fmt.Errorf("GET %s: reading body: %w", b.url, err)}
	}
	return n, err
}

func (b *body) Close() error {
	err := b.rc.Close()
	b.once.Do(b.release)
	return err
}

// readAll reads a metadata response of at most limit bytes, closing it.
func readAll(resp *http.Response, rawURL string, limit int64, t *ticket) ([]byte, error) {
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("GET %s: %d bytes exceeds the %d-byte limit: %w", rawURL, resp.ContentLength, limit, ErrTooLarge)
	}
	if resp.ContentLength > largeDocThreshold && !t.tryHold() {
		return nil, errNeedTicket
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, min(limit, largeDocThreshold)+1))
	if err == nil && int64(len(data)) > largeDocThreshold && limit > largeDocThreshold {
		if !t.tryHold() {
			return nil, errNeedTicket
		}
		var rest []byte
		rest, err = io.ReadAll(io.LimitReader(resp.Body, limit+1-int64(len(data))))
		data = append(data, rest...)
	}
	if err != nil {
		return nil, err // body errors name the URL
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("GET %s: response exceeds the %d-byte limit: %w", rawURL, limit, ErrTooLarge)
	}
	return data, nil
}

// statusError consumes and closes an unexpected response.
func statusError(resp *http.Response, rawURL string) *StatusError {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxErrorBodySize))
	resp.Body.Close()
	return &StatusError{Code: resp.StatusCode, URL: rawURL}
}
