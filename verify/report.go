package verify

import (
	"slices"
	"time"
)

// Evidence is how much could be established about a file or package
// (SPEC §5). A package's evidence is the worst of its files' evidence.
type Evidence string

// The evidence levels of SPEC §5, from best to worst.
const (
	// Verified: the bytes match and at least one attestation verified, with
	// its publisher matching the provenance.
	Verified Evidence = "verified"
	// HashOnly: the bytes match; no trusted attestation is published.
	HashOnly Evidence = "hash-only"
	// Error: the file could not be checked completely.
	Error Evidence = "error"
	// Failed: contrary evidence; the file is not what it claims to be.
	Failed Evidence = "failed"
)

// rank orders evidence from best (0) to worst, as SPEC §5 lists it:
// failed > error > hash-only > verified.
func (e Evidence) rank() int {
	switch e {
	case Verified:
		return 0
	case HashOnly:
		return 1
	case Error:
		return 2
	case Failed:
		return 3
	}
	return 2 // unknown evidence is never better than error
}

// Worst returns the worse of a and b in SPEC §5's order. The zero Evidence
// counts as "nothing yet", so Worst("", x) is x.
func Worst(a, b Evidence) Evidence {
	if a == "" {
		return b
	}
	if b == "" || a.rank() >= b.rank() {
		return a
	}
	return b
}

// ProblemKind is a stable problem slug of SPEC §5.
type ProblemKind string

// The problem kinds of SPEC §5. Their values are part of the JSON contract.
const (
	DigestMismatch         ProblemKind = "digest-mismatch"
	PinNotPublished        ProblemKind = "pin-not-published"
	InvalidSignature       ProblemKind = "invalid-signature"
	UntrustedCertificate   ProblemKind = "untrusted-certificate"
	NoTransparencyProof    ProblemKind = "no-transparency-proof"
	InvalidStatement       ProblemKind = "invalid-statement"
	SubjectMismatch        ProblemKind = "subject-mismatch"
	PublisherMismatch      ProblemKind = "publisher-mismatch"
	PublisherNotAllowed    ProblemKind = "publisher-not-allowed"
	MissingAttestation     ProblemKind = "missing-attestation"
	UnknownPredicate       ProblemKind = "unknown-predicate"
	Yanked                 ProblemKind = "yanked"
	NotPinned              ProblemKind = "not-pinned"
	NotFound               ProblemKind = "not-found"
	UnsupportedRequirement ProblemKind = "unsupported-requirement"
	IndexError             ProblemKind = "index-error"
	Network                ProblemKind = "network"
	PolicyExpired          ProblemKind = "policy-expired"
	// IndexMismatch: the index serves something other than what was asked
	// (another project's or release's document or files, or one filename
	// listed twice). Contrary evidence (issue #8).
	IndexMismatch ProblemKind = "index-mismatch"
)

// ProblemKinds lists every kind, in SPEC §5's order (for SARIF rules and
// documentation).
var ProblemKinds = []ProblemKind{
	DigestMismatch, PinNotPublished, InvalidSignature, UntrustedCertificate,
	NoTransparencyProof, InvalidStatement, SubjectMismatch, PublisherMismatch,
	PublisherNotAllowed, MissingAttestation, UnknownPredicate, Yanked,
	NotPinned, NotFound, UnsupportedRequirement, IndexError, Network,
	PolicyExpired, IndexMismatch, PublisherInconsistent, ProvenanceRegressed, PublisherChanged,
}

// Problem is one piece of evidence against a file or package, or one reason
// it could not be checked. Message names the package or file and the cause.
type Problem struct {
	Kind    ProblemKind
	Message string
}

// Publisher is a Trusted Publisher as a PEP 740 provenance bundle names it
// (pypi-attestations' Publisher). Empty strings mean "not named".
type Publisher struct {
	Kind        string // "GitHub", "GitLab", "Google", …
	Repository  string // GitHub "owner/repo", GitLab "group/project"
	Workflow    string // GitHub workflow file name, GitLab CI file path
	Environment string // "" when the provenance names none
	Email       string // Google service account
}

// Identity is what the signing certificate says about who signed, read from
// its SAN and Fulcio extensions.
type Identity struct {
	SAN               string // URI or e-mail subject alternative name
	Issuer            string // OIDC issuer (Fulcio …1.8, falling back to …1.1)
	SourceRepository  string // Source Repository URI (…1.12)
	SourceRef         string // Source Repository Ref (…1.14), e.g. refs/tags/v1.0
	SourceDigest      string // Source Repository Digest (…1.13), the commit
	BuildConfig       string // Build Config URI (…1.18)
	RunInvocation     string // Run Invocation URI (…1.21), the CI run
	RunnerEnvironment string // Runner Environment (…1.11): github-hosted, self-hosted
	Environment       string // Deployment Environment (…1.23), "" when absent
}

// Attestation is the outcome of verifying one PEP 740 attestation of a
// file.
//
// Identity, LogIndex and IntegratedTime are filled whenever sigstore-go
// verified the signature, also when a later check failed; PredicateType
// once the statement was read. When the signature itself failed, Identity
// is what the certificate claims, read without trusting it, and
// IdentityUnverified says so.
type Attestation struct {
	PredicateType      string
	Verified           bool // signature, certificate, log entry, statement and publisher all verified
	Publisher          Publisher
	Identity           Identity
	IdentityUnverified bool // Identity comes from a certificate whose signature did not verify
	LogIndex           int64
	IntegratedTime     time.Time
	TimeSource         TimeSource // the verified time the certificate was checked at; "" when none verified
	Problems           []Problem
}

// Bytes says where the bytes a file's evidence rests on came from this run
// (issue #8): a report must never claim a download it did not make, since
// only bytes fetched from the index this run show what the index serves.
type Bytes string

// The byte sources of a file.
const (
	// BytesDownloaded: fetched from the index this run and hashed.
	BytesDownloaded Bytes = "downloaded"
	// BytesCache: served from the local cache, hashed this run, but not
	// fetched from the index this run (a tampering mirror would go unseen).
	BytesCache Bytes = "cache"
	// BytesNotDownloaded: never hashed this run (--no-download, a failed
	// transfer, or a file not checked): the evidence rests on the index's
	// digest alone.
	BytesNotDownloaded Bytes = "not-downloaded"
	// BytesLocal: a local file (pyverify verify), hashed this run.
	BytesLocal Bytes = "local"
)

// File is everything established about one distribution file of a
// release.
type File struct {
	Filename string
	URL      string
	Size     int64
	SHA256   string // the digest the index lists (or the local file's, for verify)
	Bytes    Bytes  // where the hashed bytes came from; BytesNotDownloaded when none were hashed
	Evidence Evidence
	// Verification is VerificationCached when the attestations' result
	// came from the verification cache, not from sigstore-go this run.
	Verification Verification
	Attestations []Attestation
	// Problems concern the file itself; each attestation's problems are on
	// the attestation only (stored once, STYLE §8). AllProblems lists both.
	Problems []Problem
}

// AllProblems returns every problem of f: its own, then each attestation's,
// in order.
func (f File) AllProblems() []Problem {
	out := slices.Clone(f.Problems)
	for _, a := range f.Attestations {
		out = append(out, a.Problems...)
	}
	return out
}

// Package is the outcome for one requested package (one requirement).
type Package struct {
	Name         string // as requested
	Version      string // resolved or pinned version; "" when unknown
	Requirement  string // the requirement as written
	Source       string // "FILE:LINE", or "" for inline / command-line input
	Marker       string // environment marker, kept and shown (SPEC §3)
	Evidence     Evidence
	OK           bool   // the policy is satisfied and the package was fully checked
	Violation    bool   // the policy is violated (or evidence failed): exit 1
	PolicyEntry  string // the policy entry that decided and where, e.g. `packages."acme-*" (pyverify.toml:7)`
	PolicyReason string // the entry's reason, when it gives one
	Problems     []Problem
	Files        []File
	// Continuity compares the release's publishers with the project's
	// earlier releases (issue #9); nil when the policy turned it off or
	// the release was not reached.
	Continuity *Continuity
}

// Summary counts packages by evidence and policy outcome.
type Summary struct {
	Packages   int
	Verified   int
	HashOnly   int
	Failed     int
	Errors     int
	OK         int
	Violations int
}

// Report is the result of an audit, check or verify run: every requested
// package exactly once, in input order.
type Report struct {
	IndexURL string
	Policy   string // where the policy came from
	Packages []Package
	Summary  Summary
	// Interrupted: the run was cancelled (Ctrl-C, SIGTERM) before every
	// package was checked; the unfinished ones are error.
	Interrupted bool
	Unfinished  int // packages not checked because of the interruption
}

// Summarize recomputes r.Summary from r.Packages.
func (r *Report) Summarize() {
	r.Summary = Summary{}
	for _, p := range r.Packages {
		r.Summary.add(p)
	}
}

// add counts p into r's summary, and among the unfinished packages when
// cancellation cut it short (streamed reports keep no Packages).
func (r *Report) add(p Package) {
	r.Summary.add(p)
	if cutShort(p) {
		r.Unfinished++
	}
}

func (s *Summary) add(p Package) {
	s.Packages++
	switch p.Evidence {
	case Verified:
		s.Verified++
	case HashOnly:
		s.HashOnly++
	case Failed:
		s.Failed++
	default:
		s.Errors++
	}
	if p.OK {
		s.OK++
	}
	if p.Violation {
		s.Violations++
	}
}
