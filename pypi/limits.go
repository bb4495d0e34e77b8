package pypi

import "time"

// Limits on what the index may send and how long we wait for it (SPEC §9:
// "size limits on every metadata response", "timeouts on connect, headers and
// stalled transfers, not on the total length"). They are named here, in one
// place, in the manner of sigstore-go's internal/limits.
const (
	// MaxJSONDocumentSize bounds a JSON API document (/pypi/<p>/json or
	// /pypi/<p>/<v>/json). pypi.org's largest project documents are a few MiB.
	MaxJSONDocumentSize = 16 << 20

	// MaxReleaseFiles bounds the files one release may list for the
	// engine to check them. The largest releases on pypi.org list a few
	// hundred wheels; a 16 MiB document can list ~100,000 entries, each a
	// download, a provenance fetch and a result kept until the report is
	// printed (issue #8: memory bounded by concurrency).
	MaxReleaseFiles = 4096

	// MaxProvenanceSize bounds an Integrity API provenance object. Real ones
	// are around 10 KiB per attestation.
	MaxProvenanceSize = 4 << 20

	// MaxRequiresDist bounds the dependencies a release may declare, and
	// the extras they may name, for the dependency closure: real releases
	// declare at most a few hundred; more is a hostile index making the
	// closure's work grow with their product.
	MaxRequiresDist = 5000

	// MaxWheelTags bounds the compatibility tags a wheel filename expands
	// to (its compressed tag sets multiply): real wheels have a handful.
	MaxWheelTags = 256

	// DefaultMaxArtifactSize is the default Options.MaxArtifactSize: far
	// above any file on pypi.org (its per-file upload limit is 100 MiB unless
	// raised for a project), yet a hostile index cannot make a run fill the
	// disk with one declared size.
	DefaultMaxArtifactSize = 4 << 30

	// StaleTempAge is how old a cache temporary file (".tmp-*") must be
	// before a client removes it at start. A live download writes to its
	// temporary file at least every StallTimeout or gives up and removes
	// it, so a file untouched this long belongs to a run that was killed,
	// never to a concurrent one.
	StaleTempAge = time.Hour

	// MaxFreshness caps the freshness lifetime an index grants a metadata
	// document (Cache-Control max-age, Expires): within it the cache
	// answers without asking (issue #13), so an index that grants a year
	// must not stop a yank from being seen for a year.
	MaxFreshness = 24 * time.Hour

	// MaxErrorBodySize bounds how much of an error response (4xx/5xx) is read
	// before the connection is given back for reuse.
	MaxErrorBodySize = 64 << 10

	// DefaultConcurrency is the default number of requests in flight (SPEC §2
	// --concurrency).
	DefaultConcurrency = 16

	// DefaultMaxTries is how many times a request is tried before a
	// connection error, 429 or 5xx becomes final (SPEC §9).
	DefaultMaxTries = 4

	// DefaultStallTimeout is how long a request may go without any progress
	// (response headers, then body bytes) before it fails with ErrStalled.
	DefaultStallTimeout = 30 * time.Second

	// ConnectTimeout bounds dialing a connection (our own transport only).
	ConnectTimeout = 10 * time.Second

	// TLSHandshakeTimeout bounds the TLS handshake (our own transport only).
	TLSHandshakeTimeout = 10 * time.Second

	// ResponseHeaderTimeout bounds the wait for response headers after the
	// request was written (our own transport only).
	ResponseHeaderTimeout = 30 * time.Second

	// BaseBackoff is the first retry delay; each further retry doubles it, up
	// to MaxBackoff, and the actual delay is jittered in [d/2, d].
	BaseBackoff = 500 * time.Millisecond

	// MaxBackoff caps the exponential backoff delay.
	MaxBackoff = 10 * time.Second

	// MaxRetryAfter caps a server's Retry-After so a hostile or confused index
	// cannot park the tool for hours.
	MaxRetryAfter = 60 * time.Second

	// MaxRedirects bounds a redirect chain.
	MaxRedirects = 10
)
