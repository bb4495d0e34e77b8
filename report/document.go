package report

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// SchemaVersion is the version of the JSON schema of SPEC §7. Fields may be
// added within a version, never renamed or removed.
const SchemaVersion = 1

// ToolName is the name reported in Document.Tool and in SARIF's driver.
const ToolName = "pyverify"

// Document is the wire model of a run: JSON schema v1 of SPEC §7. Its JSON
// field names are a public contract (STYLE §5.2): add fields, never rename
// or remove them. Every renderer reads a Document, never a verify.Report.
type Document struct {
	SchemaVersion int       `json:"schema_version"`
	Tool          Tool      `json:"tool"`
	IndexURL      string    `json:"index_url"`
	Policy        string    `json:"policy"`
	Packages      []Package `json:"packages"`
	// Interrupted: the run was cancelled before every package was checked
	// (an addition to SPEC §7; omitted when false).
	Interrupted bool `json:"interrupted,omitempty"`
	// Target is the environment the audit was narrowed to (issue #11);
	// absent when every file was checked.
	Target  *Target `json:"target,omitempty"`
	Summary Summary `json:"summary"`
}

// Target is the environment of --python-version, --platform,
// --implementation and --abi (issue #11). ABIs are as given: empty means
// the defaults pip derives.
type Target struct {
	PythonVersion  string   `json:"python_version"`
	Platforms      []string `json:"platforms"`
	Implementation string   `json:"implementation"`
	ABIs           []string `json:"abis"`
}

// SkippedFile is a file of the release the target would not install, so
// it was not checked, and why.
type SkippedFile struct {
	Filename string `json:"filename"`
	Reason   string `json:"reason"`
}

// Tool names the program that wrote the document (SPEC §7 "tool").
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Source locates a requirement: structured for the renderers (SARIF
// reads its File and Line), the string "FILE:LINE" in JSON (SPEC §7), ""
// for the zero Source.
type Source pypi.Position

// String returns "FILE:LINE" (see pypi.Position.String).
func (s Source) String() string { return pypi.Position(s).String() }

// MarshalText writes s as the JSON field "source" has always read.
func (s Source) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a "source" field back (a golden test's input, a
// saved report): FILE:LINE with LINE ≥ 1 splits at the last colon; any
// other text is kept whole as File with no line, so that it marshals back
// to the same text and locates nothing in SARIF.
func (s *Source) UnmarshalText(b []byte) error {
	text := string(b)
	*s = Source{File: text}
	if i := strings.LastIndexByte(text, ':'); i > 0 {
		n, err := strconv.Atoi(text[i+1:])
		if p := (Source{File: text[:i], Line: n}); err == nil && n >= 1 && p.String() == text {
			*s = p
		}
	}
	return nil
}

// Package is the outcome for one requested package, in input order (SPEC
// §7). Marker, Violation and PolicyEntry are additions to SPEC's example.
type Package struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Requirement string `json:"requirement"`
	// Source is where the requirement was read, "FILE:LINE" on the wire,
	// "" for inline input.
	Source Source `json:"source"`
	// Marker is the PEP 508 environment marker, kept and shown (SPEC §3).
	Marker string `json:"marker,omitempty"`
	// Evidence is verified, hash-only, failed or error (SPEC §5).
	Evidence string `json:"evidence"`
	// OK: the policy is satisfied and the package was fully checked.
	OK bool `json:"ok"`
	// Violation: the policy is violated (tampering included); exit 1.
	Violation bool `json:"violation"`
	// PolicyEntry names the policy entry that decided, e.g. packages."acme-*".
	PolicyEntry string `json:"policy_entry,omitempty"`
	// PolicyReason is that entry's `reason`, when it gives one.
	PolicyReason string    `json:"policy_reason,omitempty"`
	Problems     []Problem `json:"problems"`
	Files        []File    `json:"files"`
	// Notes are facts about how the requirement was read that are not
	// problems (pins that are not compared, pins dropped when merging).
	Notes []string `json:"notes,omitempty"`
	// Continuity compares the release's publishers with the project's
	// previous attested release (issue #9); absent when not checked.
	Continuity *Continuity `json:"continuity,omitempty"`
	// Applicable says whether the requirement's marker holds for the
	// target (issue #11); absent without a target, where markers are not
	// evaluated. A package that is not applicable was not checked and
	// does not affect the exit code; NotApplicableReason says why.
	Applicable          *bool  `json:"applicable,omitempty"`
	NotApplicableReason string `json:"not_applicable_reason,omitempty"`
	// SkippedFiles are the release's files the target would not install
	// (issue #11); absent when none were skipped.
	SkippedFiles []SkippedFile `json:"skipped_files,omitempty"`
	// Installed binds an installed distribution to the wheel checked
	// (audit --path, issue #12); absent for other requirements.
	Installed *Installed `json:"installed,omitempty"`
}

// Installed is where an installed distribution is and how its files bind
// to the wheel checked (issue #12).
type Installed struct {
	Path        string   `json:"path"`
	Wheel       string   `json:"wheel,omitempty"`
	RecordFiles int      `json:"record_files"`
	Bound       int      `json:"bound"`
	Modified    []string `json:"modified"`
	NotBound    []string `json:"not_bound"`
	Note        string   `json:"note,omitempty"`
}

// Continuity is a release's publisher continuity (issue #9).
type Continuity struct {
	// Status is same, changed, regressed, inconsistent, first or unknown.
	Status string `json:"status"`
	// ComparedWith is the reference release, when there is one.
	ComparedWith string `json:"compared_with,omitempty"`
	// PreviousPublishers are the publishers the reference's verified
	// attestations name.
	PreviousPublishers []Publisher `json:"previous_publishers"`
	// Why says why the status is unknown.
	Why string `json:"why,omitempty"`
}

// File is what was established about one distribution file (SPEC §7).
// Problems holds the file's own problems; the JSON renderer adds those of
// its attestations, which are stored on the attestations only.
type File struct {
	Filename string `json:"filename"`
	URL      string `json:"url"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	// Bytes says where the hashed bytes came from this run: "downloaded"
	// (from the index), "cache" (the local cache, not fetched from the
	// index this run), "not-downloaded" (never hashed: the evidence rests
	// on the index's digest) or "local" (pyverify verify's own file).
	Bytes string `json:"bytes"`
	// Downloaded is true only when Bytes is "downloaded" (SPEC §7's field,
	// kept for readers of schema v1).
	Downloaded bool   `json:"downloaded"`
	Evidence   string `json:"evidence"`
	// Verification is "cached" when the attestations' result came from
	// the verification cache (issue #13): the same provenance document,
	// file and trusted root were verified by an earlier run, and nothing
	// was verified with Sigstore this run. Omitted when verified this run.
	Verification string        `json:"verification,omitempty"`
	Attestations []Attestation `json:"attestations"`
	Problems     []Problem     `json:"problems"`
}

// Attestation is the outcome of verifying one PEP 740 attestation (SPEC §7).
// Problems is an addition: why this attestation did not verify.
type Attestation struct {
	PredicateType string    `json:"predicate_type"`
	Verified      bool      `json:"verified"`
	Publisher     Publisher `json:"publisher"`
	Identity      Identity  `json:"identity"`
	// IdentityUnverified: the signature did not verify, so Identity is only
	// what the certificate claims (an addition; omitted when false).
	IdentityUnverified bool  `json:"identity_unverified,omitempty"`
	LogIndex           int64 `json:"log_index"`
	// IntegratedTime is the transparency log's integrated time in UTC
	// (RFC 3339), null when unknown.
	IntegratedTime *time.Time `json:"integrated_time"`
	// TimeSource is the verified time the certificate was checked at:
	// "rekor-integrated" (a Rekor v1 integrated time with its signed entry
	// timestamp) or "rfc3161" (a timestamp authority's, as Rekor v2
	// entries need); null when none verified. An addition to SPEC §7.
	TimeSource *string   `json:"time_source"`
	Problems   []Problem `json:"problems"`
}

// Publisher is the Trusted Publisher a provenance bundle names (SPEC §7,
// pypi-attestations' Publisher). Environment is null when the provenance
// names none; Email (Google) is omitted when empty.
type Publisher struct {
	Kind        string  `json:"kind"`
	Repository  string  `json:"repository"`
	Workflow    string  `json:"workflow"`
	Environment *string `json:"environment"`
	Email       string  `json:"email,omitempty"`
}

// Identity is what the signing certificate says (SPEC §7 "identity"): its
// SAN and OIDC issuer, plus the Fulcio extensions this run read, each
// omitted when the certificate lacks it.
type Identity struct {
	SAN                   string `json:"san"`
	Issuer                string `json:"issuer"`
	SourceRepository      string `json:"source_repository,omitempty"`
	SourceRef             string `json:"source_ref,omitempty"`
	SourceDigest          string `json:"source_digest,omitempty"`
	BuildConfig           string `json:"build_config,omitempty"`
	RunInvocation         string `json:"run_invocation,omitempty"`
	RunnerEnvironment     string `json:"runner_environment,omitempty"`
	DeploymentEnvironment string `json:"deployment_environment,omitempty"`
}

// Problem is one SPEC §5 problem: a stable kind slug and a human message
// naming the file and the cause.
type Problem struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

// Summary counts packages by evidence and by policy outcome (SPEC §7).
type Summary struct {
	Packages   int `json:"packages"`
	Verified   int `json:"verified"`
	HashOnly   int `json:"hash_only"`
	Failed     int `json:"failed"`
	Error      int `json:"error"`
	OK         int `json:"ok"`
	Violations int `json:"violations"`
	// FilesFromCache and FilesNotDownloaded count the files whose bytes
	// were not fetched from the index this run (issue #8).
	FilesFromCache     int `json:"files_from_cache"`
	FilesNotDownloaded int `json:"files_not_downloaded"`
	// NotApplicable counts the requirements whose marker is false for the
	// target, FilesSkipped the files the target would not install (issue
	// #11); both are omitted when zero.
	NotApplicable int `json:"not_applicable,omitempty"`
	FilesSkipped  int `json:"files_skipped,omitempty"`
	// FilesVerificationCached counts the files whose attestations'
	// result came from the verification cache (issue #13); omitted when 0.
	FilesVerificationCached int `json:"files_verification_cached,omitempty"`
}

// add counts the wire package p, as verify.Summary does, plus its files
// whose bytes were not fetched from the index.
func (s *Summary) add(p Package) {
	s.Packages++
	switch verify.Evidence(p.Evidence) {
	case verify.Verified:
		s.Verified++
	case verify.HashOnly:
		s.HashOnly++
	case verify.Failed:
		s.Failed++
	case verify.NotApplicable:
		// Not-applicable packages are counted apart, never as errors.
		s.NotApplicable++
	default:
		s.Error++
	}
	if p.OK {
		s.OK++
	}
	if p.Violation {
		s.Violations++
	}
	s.FilesSkipped += len(p.SkippedFiles)
	for _, f := range p.Files {
		switch verify.Bytes(f.Bytes) {
		case verify.BytesCache:
			s.FilesFromCache++
		case verify.BytesNotDownloaded:
			s.FilesNotDownloaded++
		}
		if f.Verification == string(verify.VerificationCached) {
			s.FilesVerificationCached++
		}
	}
}

// Meta is what the report needs to know about the running program rather
// than about the packages.
type Meta struct {
	ToolVersion string // e.g. "0.1.0", reported as tool.version
}

// FromVerify converts the domain report r into the wire Document (STYLE
// §5.2). Packages keep their order; slices are never nil, so problems and
// files marshal as [] (SPEC §7); times become UTC; missing evidence becomes
// "error", because a check that did not run is never a pass. The summary is
// recomputed from the packages so it always agrees with them. r is not
// modified; a nil r gives an empty document.
func FromVerify(r *verify.Report, m Meta) *Document {
	d := &Document{
		SchemaVersion: SchemaVersion,
		Tool:          Tool{Name: ToolName, Version: m.ToolVersion},
		Packages:      []Package{},
	}
	if r == nil {
		return d
	}
	d.IndexURL = r.IndexURL
	d.Policy = r.Policy
	d.Interrupted = r.Interrupted
	if t := r.Target; t != nil {
		d.Target = &Target{PythonVersion: t.PythonVersion, Platforms: slices.Clone(t.Platforms), Implementation: t.Implementation,
			ABIs: slices.Clone(t.ABIs)}
		if d.Target.Implementation == "" {
			d.Target.Implementation = "cp"
		}
		if d.Target.ABIs == nil {
			d.Target.ABIs = []string{}
		}
	}
	for _, p := range r.Packages {
		d.Packages = append(d.Packages, fromPackageFor(p, r.Target != nil))
	}
	for _, p := range d.Packages {
		d.Summary.add(p)
	}
	return d
}

// bytesOrNone maps an unset byte source to "not-downloaded": a report
// never claims bytes it did not hash.
func bytesOrNone(b verify.Bytes) verify.Bytes {
	if b == "" {
		return verify.BytesNotDownloaded
	}
	return b
}

// evidenceOrError maps "nothing established" to error (SPEC §5: a file that
// could not be checked is never shown as verified or hash-only).
func evidenceOrError(e verify.Evidence) verify.Evidence {
	if e == "" {
		return verify.Error
	}
	return e
}

// fromPackageFor is fromPackage in a report for a target (issue #11),
// where every package says whether it applies there.
func fromPackageFor(p verify.Package, targeted bool) Package {
	wp := fromPackage(p)
	if targeted {
		applicable := p.NotApplicable == ""
		wp.Applicable = &applicable
	}
	return wp
}

func fromPackage(p verify.Package) Package {
	out := Package{
		Name:                p.Name,
		Version:             p.Version,
		Requirement:         p.Requirement,
		Source:              Source(p.Source),
		Marker:              p.Marker,
		Evidence:            string(evidenceOrError(p.Evidence)),
		OK:                  p.OK,
		Violation:           p.Violation,
		PolicyEntry:         p.PolicyEntry,
		PolicyReason:        p.PolicyReason,
		Problems:            fromProblems(p.Problems),
		Notes:               p.Notes,
		Files:               make([]File, 0, len(p.Files)),
		NotApplicableReason: p.NotApplicable,
	}
	for _, sf := range p.SkippedFiles {
		out.SkippedFiles = append(out.SkippedFiles, SkippedFile{Filename: sf.Filename, Reason: sf.Reason})
	}
	for _, f := range p.Files {
		out.Files = append(out.Files, fromFile(f))
	}
	if in := p.Installed; in != nil {
		out.Installed = &Installed{Path: in.Path, Wheel: in.Wheel, RecordFiles: in.RecordFiles, Bound: in.Bound,
			Modified: append([]string{}, in.Modified...), NotBound: append([]string{}, in.NotBound...), Note: in.Note}
	}
	if c := p.Continuity; c != nil {
		out.Continuity = &Continuity{Status: string(c.Status), ComparedWith: c.ComparedWith, Why: c.Why,
			PreviousPublishers: make([]Publisher, 0, len(c.PreviousPublishers))}
		for _, pub := range c.PreviousPublishers {
			out.Continuity.PreviousPublishers = append(out.Continuity.PreviousPublishers, fromPublisher(pub))
		}
	}
	return out
}

func fromFile(f verify.File) File {
	out := File{
		Filename:     f.Filename,
		URL:          pypi.RedactURL(f.URL), // an index may hand out URLs with credentials in them
		Size:         f.Size,
		SHA256:       string(f.SHA256),
		Bytes:        string(bytesOrNone(f.Bytes)),
		Downloaded:   f.Bytes == verify.BytesDownloaded,
		Evidence:     string(evidenceOrError(f.Evidence)),
		Verification: string(f.Verification),
		Attestations: make([]Attestation, 0, len(f.Attestations)),
		Problems:     fromProblems(f.Problems),
	}
	for _, a := range f.Attestations {
		out.Attestations = append(out.Attestations, fromAttestation(a))
	}
	return out
}

func fromAttestation(a verify.Attestation) Attestation {
	out := Attestation{
		PredicateType: a.PredicateType,
		Verified:      a.Verified,
		Publisher:     fromPublisher(a.Publisher),
		Identity: Identity{
			SAN:                   a.Identity.SAN,
			Issuer:                a.Identity.Issuer,
			SourceRepository:      a.Identity.SourceRepository,
			SourceRef:             a.Identity.SourceRef,
			SourceDigest:          a.Identity.SourceDigest,
			BuildConfig:           a.Identity.BuildConfig,
			RunInvocation:         a.Identity.RunInvocation,
			RunnerEnvironment:     a.Identity.RunnerEnvironment,
			DeploymentEnvironment: a.Identity.Environment,
		},
		IdentityUnverified: a.IdentityUnverified,
		LogIndex:           a.LogIndex,
		Problems:           fromProblems(a.Problems),
	}
	if !a.IntegratedTime.IsZero() {
		t := a.IntegratedTime.UTC()
		out.IntegratedTime = &t
	}
	if a.TimeSource != "" {
		src := string(a.TimeSource)
		out.TimeSource = &src
	}
	return out
}

// fromProblems copies problems in their domain order; renderers sort them
// where SPEC asks for stable output.
func fromProblems(ps []verify.Problem) []Problem {
	out := make([]Problem, 0, len(ps))
	for _, p := range ps {
		out = append(out, Problem{Kind: string(p.Kind), Message: p.Message})
	}
	return out
}

func fromPublisher(p verify.Publisher) Publisher {
	out := Publisher{Kind: p.Kind, Repository: p.Repository, Workflow: p.Workflow, Email: p.Email}
	if env := p.Environment; env != "" {
		out.Environment = &env
	}
	return out
}
