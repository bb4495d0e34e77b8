package verify

import (
	"slices"
	"time"

	"github.com/pyverify/pyverify/pypi"
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
	// NotApplicable: the requirement's marker is false for the audit's
	// target (issue #11), so nothing was checked; it is shown and does not
	// affect the exit code. It is outside the order above.
	NotApplicable Evidence = "not-applicable"
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
	// UnlistedDependency: a dependency the release declares for the
	// target is not audited, or not at a version that satisfies it (issue
	// #11); policy require-complete decides whether it is incomplete.
	UnlistedDependency ProblemKind = "unlisted-dependency"
	// InstalledModified: an installed file differs from the wheel it was
	// installed from, or is missing. Contrary evidence (issue #12).
	InstalledModified ProblemKind = "installed-modified"
)

// Problem is one piece of evidence against a file or package, or one reason
// it could not be checked. Message names the package or file and the cause.
type Problem struct {
	Kind    ProblemKind
	Message string
}

// Publisher is pypi.Publisher, the one Trusted Publisher type (PEP 740's
// vocabulary); the alias keeps verify's signatures readable.
type Publisher = pypi.Publisher

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
	SHA256   pypi.SHA256 // the digest the index lists (or the local file's, for verify)
	// RequiresPython is the file's requires_python as the index lists it,
	// "" when none (kept for the lock pyverify download writes).
	RequiresPython string
	Bytes          Bytes // where the hashed bytes came from; BytesNotDownloaded when none were hashed
	Evidence       Evidence
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
	Name         string        // as requested
	Version      string        // resolved or pinned version; "" when unknown
	Requirement  string        // the requirement as written
	Source       pypi.Position // where the requirement was read; zero for inline / command-line input
	Marker       string        // environment marker, kept and shown (SPEC §3)
	Evidence     Evidence
	OK           bool   // the policy is satisfied and the package was fully checked
	Violation    bool   // the policy is violated (or evidence failed): exit 1
	PolicyEntry  string // the policy entry that decided and where, e.g. `packages."acme-*" (pyverify.toml:7)`
	PolicyReason string // the entry's reason, when it gives one
	Problems     []Problem
	Files        []File
	// Notes are facts about how the requirement was read that are not
	// problems but must not go unsaid (pins that are not compared, pins
	// dropped when lines were merged).
	Notes []string
	// NotApplicable says why the requirement does not apply to the target
	// (its marker is false there); "" when it applies (issue #11).
	NotApplicable string
	// SkippedFiles are the release's files the target would not install,
	// each with why; nil without a target.
	SkippedFiles []SkippedFile
	// Continuity compares the release's publishers with the project's
	// earlier releases (issue #9); nil when the policy turned it off or
	// the release was not reached.
	Continuity *Continuity
	// Installed binds an installed distribution's files to the wheel
	// checked (audit --path, issue #12); nil for other requirements.
	Installed *Installed
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
	// NotApplicable counts requirements whose marker is false for the
	// target; they are neither errors nor OK.
	NotApplicable int
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
	// Target is the environment the audit was narrowed to; nil = none.
	Target *pypi.Target
	// DownloadSize is the sum of the declared sizes of the files whose
	// bytes the run set out to hash (0 with --no-download), so that the
	// command can say when an audit without a target is large.
	DownloadSize int64
}

// Summarize recomputes r.Summary from r.Packages.
func (r *Report) Summarize() {
	r.Summary = Summary{}
	for _, p := range r.Packages {
		r.Summary.add(p)
	}
}

// add counts p into r's summary, its files' declared sizes into
// DownloadSize, and p among the unfinished packages when cancellation cut
// it short (streamed reports keep no Packages).
func (r *Report) add(p Package, downloads bool) {
	r.Summary.add(p)
	if cutShort(p) {
		r.Unfinished++
	}
	if downloads {
		for _, f := range p.Files {
			r.DownloadSize += f.Size
		}
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
	case NotApplicable:
		s.NotApplicable++
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
