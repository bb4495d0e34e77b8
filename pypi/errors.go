package pypi

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Sentinel errors that callers branch on with errors.Is (STYLE §3). Every
// error returned by Client wraps one of these, ErrNotCached (cache.go: an
// offline request the cache cannot answer), a *StatusError, a *DecodeError or
// a *NetworkError, and its message names the URL involved.
var (
	// ErrNotFound reports a 404 from the JSON API: the project or release
	// does not exist on the index (SPEC §5 "not-found").
	ErrNotFound = errors.New("not found")

	// ErrNoProvenance reports a 404 from the Integrity API: no provenance is
	// published for the file (SPEC §4.3). Any other status is a *StatusError.
	ErrNoProvenance = errors.New("no provenance published")

	// ErrTooLarge reports a response larger than allowed: a metadata document
	// over its limit (limits.go), or an artifact larger than the size the
	// index declared (SPEC §9: "cut off and failed"). For a download this is
	// contrary evidence about the file, not a network problem.
	ErrTooLarge = errors.New("response too large")

	// ErrTruncated reports an artifact whose complete response was shorter
	// than the size the index declared. The engine reports it as an error
	// (the file could not be checked), never as a pass. A transfer
	// interrupted before the end of the response the server announced is a
	// *NetworkError instead.
	ErrTruncated = errors.New("response shorter than declared size")

	// ErrStalled reports a request that made no progress (no headers, then no
	// body bytes) for Options.StallTimeout (SPEC §9). It is always wrapped in
	// a *NetworkError.
	ErrStalled = errors.New("transfer stalled")

	// ErrRedirect reports a refused redirect: to a scheme other than http(s),
	// from https to http, or too many hops (SPEC §9).
	ErrRedirect = errors.New("redirect refused")

	// ErrMalformed reports an index answer that is not the expected
	// document: invalid or non-strict JSON (a repeated object key, issue
	// #8), the wrong shape, missing or invalid digests, or index data that
	// cannot name a URL path segment. Every *DecodeError is ErrMalformed. It
	// is an index error, never network or not-found.
	ErrMalformed = errors.New("malformed index data")

	// ErrArtifactTooLarge reports a file whose declared size exceeds
	// Options.MaxArtifactSize: it is refused before a byte is fetched or
	// written to the cache (issue #8), so a hostile index cannot fill the
	// disk. The file could not be checked: an error, never a pass.
	ErrArtifactTooLarge = errors.New("artifact larger than the maximum artifact size")

	// ErrCacheDamaged reports, offline, a cached artifact whose bytes no
	// longer hash to its name: the entry was removed and nothing was served.
	// Online, Download refetches such an entry instead (see Download). It is
	// always wrapped together with ErrNotCached.
	ErrCacheDamaged = errors.New("cache entry damaged")
)

// StatusError is an HTTP status the client did not expect, such as 403 from
// the Integrity API (SPEC §4.3: an index-error, never "no attestation"), or
// the last 429/5xx of a request whose tries ran out (then wrapped in a
// *NetworkError).
type StatusError struct {
	Code       int           // HTTP status code
	URL        string        // the request URL
	RetryAfter time.Duration // the server's Retry-After, capped at MaxRetryAfter; 0 if none
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("GET %s: HTTP %d %s", e.URL, e.Code, http.StatusText(e.Code))
}

// DecodeError reports an index answer that is not the expected document
// (malformed JSON, wrong shape, missing or invalid digests).
type DecodeError struct {
	URL string // where the document came from
	Err error  // the cause
}

// Error implements error.
func (e *DecodeError) Error() string { return fmt.Sprintf("decode %s: %v", e.URL, e.Err) }

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is makes every DecodeError match ErrMalformed.
func (e *DecodeError) Is(target error) bool { return target == ErrMalformed }

// NetworkError reports a request that failed on the network: connection
// errors, timeouts, stalled transfers, interrupted bodies, and 429/5xx answers
// that persisted through all tries (SPEC §9: "a bounded number of tries, then
// network"). Everything else the index answers wrongly (403, other 4xx,
// undecodable or oversized documents, refused redirects) is an index error.
type NetworkError struct {
	URL   string // the request URL
	Tries int    // how many times the request was sent
	Err   error  // the last failure; its message names the URL
}

// Error implements error.
func (e *NetworkError) Error() string {
	if e.Tries > 1 {
		return fmt.Sprintf("%v (gave up after %d tries)", e.Err, e.Tries)
	}
	return e.Err.Error()
}

// Unwrap returns the last failure.
func (e *NetworkError) Unwrap() error { return e.Err }

// IsNetwork reports whether err is a network failure (SPEC §5 kind
// "network") rather than an index error ("index-error"). Context
// cancellation is neither: callers check their context.
func IsNetwork(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne)
}
