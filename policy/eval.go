package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/pyverify/pyverify/pypi"
)

// EvidenceLevel is what the checks established for one file (SPEC §5). Its
// values are SPEC's words.
type EvidenceLevel string

const (
	// Verified: bytes match and at least one attestation verified, with its
	// publisher matching the provenance.
	Verified EvidenceLevel = "verified"
	// HashOnly: bytes match and no attestation is published for the file.
	HashOnly EvidenceLevel = "hash-only"
	// Failed: contrary evidence. The file fails whatever the policy says,
	// so Evaluate does not judge it.
	Failed EvidenceLevel = "failed"
	// Incomplete is SPEC's `error`: the file could not be checked
	// completely. Evaluate cannot judge it either, and in particular never
	// calls it missing-attestation. (It is not named Error because Error is
	// the policy's error type.)
	Incomplete EvidenceLevel = "error"
)

// Evidence is what Evaluate decides on for one package. The verify package
// fills it in; policy defines it so that it never imports verify.
type Evidence struct {
	// Name is the project name as the user wrote it; Evaluate normalises
	// it (PEP 503) to find the entry and uses it as written in messages.
	Name string
	// Files are the checked files of the release (SPEC §3).
	Files []FileEvidence
	// Yanked is true when the release is yanked on the index.
	Yanked bool
	// Pinned is true when the requirement pins the version with == or ===.
	Pinned bool
	// Continuity is what was established about the release's publishers
	// against the project's earlier releases (issue #9); nil when it was
	// not looked at.
	Continuity *Continuity
	// Locked are the attestation identities a PEP 751 lock file records
	// for the package; LockedBy names the lock (and line) for messages.
	Locked   []pypi.Publisher
	LockedBy string
	// Closure is what was established about the release's dependencies
	// (issue #11); nil when they were not examined (no target).
	Closure *Closure
}

// Closure is the dependency-closure fact verify records for a release:
// which of its declared dependencies, for the target environment and the
// requested extras, the audit did not cover.
type Closure struct {
	// Release names the release in messages, e.g. "requests 2.32.3".
	Release string
	// Inputs names what was audited, e.g. "requirements.txt", in messages.
	Inputs string
	// Unlisted are the dependencies not covered.
	Unlisted []Dependency
	// Unknown says why the dependencies could not be read (metadata
	// unavailable); "" when they were.
	Unknown string
}

// Dependency is one declared dependency the audit did not cover.
type Dependency struct {
	// Name is the dependency's project name as declared.
	Name string
	// Requirement is the dependency as declared, without its marker, e.g.
	// "urllib3<3,>=1.21.1".
	Requirement string
	// Audited is the version of that project the audit checked, which does
	// not satisfy Requirement; "" when the project was not audited at all.
	Audited string
}

// ContinuityStatus is how a release's publishers compare with the
// project's previous attested release (issue #9). Its values are the
// report's words.
type ContinuityStatus string

// The continuity statuses.
const (
	// Same: the release is attested by publishers the reference release
	// named, or is unattested where the reference attested nothing of
	// its kind.
	Same ContinuityStatus = "same"
	// Changed: attested by a kind and repository the reference's
	// attestations do not name.
	Changed ContinuityStatus = "changed"
	// Regressed: the reference attested a distribution type (sdist or
	// wheels) and this release has a file of that type without an
	// attestation, or no attested file at all: the stolen-token pattern.
	Regressed ContinuityStatus = "regressed"
	// Inconsistent: the release's own files name different publishers.
	Inconsistent ContinuityStatus = "inconsistent"
	// First: no earlier release has an attested file; nothing to compare.
	First ContinuityStatus = "first"
	// Unknown: the project's history could not be read (no PEP 691 JSON
	// simple page, or an error there).
	Unknown ContinuityStatus = "unknown"
)

// Continuity is the continuity fact verify records for a release.
type Continuity struct {
	Status ContinuityStatus
	// Findings are the facts behind a changed, regressed or inconsistent
	// status, as the violations they become under `continuity = true`:
	// kinds publisher-changed, provenance-regressed and
	// publisher-inconsistent, messages naming the earlier publisher.
	Findings []Violation
	// Why says why the status is unknown, naming the page that failed.
	Why string
}

// FileEvidence is the evidence for one checked file.
type FileEvidence struct {
	Filename string
	Level    EvidenceLevel
	// Publishers holds one identity per verified, trusted attestation
	// (unknown predicate types excluded, SPEC §4.4).
	Publishers []Identity
}

// Identity is the Trusted Publisher behind one verified attestation: the
// provenance's publisher (which verify has matched against the
// certificate, SPEC §4.5) plus what only the certificate says.
type Identity struct {
	Kind        string // GitHub, GitLab, Google
	Repository  string // owner/name or namespace/project
	Workflow    string // GitHub workflow file name, GitLab CI file path
	Environment string // "" when none
	Email       string // Google service account
	Ref         string // source ref from the certificate, e.g. refs/tags/v1
	Runner      string // runner environment: github-hosted or self-hosted
}

// IdentityOf is the identity of an attestation by publisher pub whose
// certificate names the source ref and the runner environment: the one
// place a pypi.Publisher becomes what the policy matches against.
func IdentityOf(pub pypi.Publisher, ref, runner string) Identity {
	return Identity{Kind: pub.Kind, Repository: pub.Repository, Workflow: pub.Workflow,
		Environment: pub.Environment, Email: pub.Email, Ref: ref, Runner: runner}
}

// String describes the identity for messages, e.g.
// "github.com/evil/fork (release.yml)".
func (id Identity) String() string {
	var who string
	switch {
	case strings.EqualFold(id.Kind, GitHub):
		who = "github.com/" + id.Repository
	case strings.EqualFold(id.Kind, GitLab):
		who = "gitlab.com/" + id.Repository
	case id.Email != "":
		who = id.Email
	case id.Repository != "":
		who = id.Kind + " " + id.Repository
	default:
		who = "an unnamed " + id.Kind + " publisher"
	}
	return who + details(id.Workflow, "", id.Environment, runnerNote(id.Runner))
}

// runnerNote mentions the runner only when it is not the usual one.
func runnerNote(r string) string {
	if r == runnerGitHubHosted {
		return ""
	}
	return r
}

// ViolationKind is a SPEC §5 problem slug that the policy can raise.
type ViolationKind string

const (
	// MissingAttestation: require = "attestation" and a checked file is
	// hash-only.
	MissingAttestation ViolationKind = "missing-attestation"
	// PublisherNotAllowed: the entry lists publishers and a verified file
	// is attested by none of them (under either level, SPEC §6).
	PublisherNotAllowed ViolationKind = "publisher-not-allowed"
	// Yanked: deny-yanked and the release is yanked.
	Yanked ViolationKind = "yanked"
	// NotPinned: require-pinned and the requirement has no ==/===.
	NotPinned ViolationKind = "not-pinned"
	// PolicyExpired: an entry more specific than the one that decided has
	// expired and stopped applying.
	PolicyExpired ViolationKind = "policy-expired"
	// PublisherInconsistent, ProvenanceRegressed and PublisherChanged are
	// continuity findings (issue #9), violations under `continuity = true`
	// when the entry pins no publishers.
	PublisherInconsistent ViolationKind = "publisher-inconsistent"
	ProvenanceRegressed   ViolationKind = "provenance-regressed"
	PublisherChanged      ViolationKind = "publisher-changed"
	// IndexError: a check the policy asks for could not be made (the
	// project's history for continuity, the dependencies for
	// require-complete): the package is incomplete.
	IndexError ViolationKind = "index-error"
	// UnlistedDependency: a dependency of the release is not in the
	// audited set, or only at a version that does not satisfy it (issue
	// #11): incomplete under require-complete, else a note.
	UnlistedDependency ViolationKind = "unlisted-dependency"
)

// Violation is one reason the policy gives about a package. Message names
// the package, the file when there is one, and the rule (FILE:LINE).
type Violation struct {
	Kind    ViolationKind
	Message string
}

// Decision is the policy's verdict on one package, and why (SPEC §5: `ok`
// with the reasons).
type Decision struct {
	// Entry is the entry that decided, e.g. `packages."acme-*"`, or
	// "top level".
	Entry string
	// Location is where that rule is written: FILE:LINE, or the file (or
	// "built-in default") when it is the implicit top-level default.
	Location string
	// Require is the evidence level that applied.
	Require Level
	// Publishers are the publishers the entry allows; nil = any.
	Publishers []Publisher
	// Reason is the entry's `reason`, if any.
	Reason string
	// Violations make the package violate the policy (exit 1).
	Violations []Violation
	// Notes are reported but do not violate: a policy-expired entry whose
	// fallback still passes. When the fallback fails, policy-expired is a
	// violation instead, since it is part of why the package fails.
	Notes []Violation
	// Incomplete are checks the policy asks for that could not be made:
	// the package is not ok, but not a violation either (exit 3).
	Incomplete []Violation
}

// OK reports whether the decision has no violation.
func (d Decision) OK() bool { return len(d.Violations) == 0 }

// TopLevel is Decision.Entry when no [packages.*] entry applies.
const TopLevel = "top level"

// Evaluate decides whether e satisfies the policy at time now (SPEC §6).
// The most specific unexpired entry applies (Lookup). Under require =
// "attestation" every hash-only file is missing-attestation. When the entry
// lists publishers, every verified file needs an attestation from one of
// them, under "attestation" and "hash" alike (publisher-not-allowed).
// deny-yanked and require-pinned add yanked and not-pinned. Failed and
// incomplete files are left to the caller: they are never judged here.
func (p *Policy) Evaluate(e Evidence, now time.Time) Decision {
	entry, expired := p.Lookup(e.Name, now)
	d := Decision{Entry: TopLevel, Location: p.location(p.requireLine), Require: p.Require}
	if entry != nil {
		d.Entry = entry.key
		d.Location = p.location(entry.Line)
		d.Reason = entry.Reason
		d.Publishers = entry.Publishers
		if entry.Require != "" {
			d.Require = entry.Require
		}
	}
	if d.Require == "" {
		d.Require = Hash
	}
	name := e.Name
	for _, f := range e.Files {
		switch f.Level {
		case HashOnly:
			if d.Require == Attestation {
				d.Violations = append(d.Violations, Violation{MissingAttestation, fmt.Sprintf(
					"%s: %s has no attestation, but the policy requires one for %s (%s)",
					name, f.Filename, name, d.Location)})
			}
		case Verified:
			if len(d.Publishers) == 0 || allowedBy(d.Publishers, f.Publishers) {
				continue
			}
			var by string
			if len(f.Publishers) == 0 {
				by = "has no attestation with a known publisher"
			} else {
				ids := make([]string, len(f.Publishers))
				for i, id := range f.Publishers {
					ids[i] = id.String()
				}
				by = "is attested by " + strings.Join(ids, " and ")
			}
			d.Violations = append(d.Violations, Violation{PublisherNotAllowed, fmt.Sprintf(
				"%s: %s %s, not by a publisher the policy allows for %s (%s)",
				name, f.Filename, by, name, d.Location)})
		}
	}
	d.Violations = append(d.Violations, lockedViolations(e)...)
	if e.Yanked && p.DenyYanked {
		d.Violations = append(d.Violations, Violation{Yanked, fmt.Sprintf(
			"%s: the release is yanked, and the policy denies yanked releases (%s)", name, p.location(p.yankedLine))})
	}
	if c := e.Continuity; continuityOn(p, entry) && c != nil {
		switch c.Status {
		case Unknown:
			d.Incomplete = append(d.Incomplete, Violation{IndexError, fmt.Sprintf(
				"%s: publisher continuity could not be checked: %s (continuity = true, %s)", name, c.Why, p.location(p.continuityLine))})
		default:
			for _, f := range c.Findings {
				// Pinned publishers judge who signed (publisher-not-allowed);
				// a file that lost its attestation is still a regression.
				if len(d.Publishers) == 0 || f.Kind == ProvenanceRegressed {
					d.Violations = append(d.Violations, f)
				}
			}
		}
	}
	if !e.Pinned && p.RequirePinned {
		d.Violations = append(d.Violations, Violation{NotPinned, fmt.Sprintf(
			"%s: the requirement does not pin a version with == or ===, and the policy requires pinned requirements (%s)", name, p.location(p.pinnedLine))})
	}
	var notes []Violation
	for _, x := range expired {
		when := "at " + x.expiresText
		if len(x.expiresText) == len(time.DateOnly) {
			when = "after " + x.expiresText
		}
		msg := fmt.Sprintf("%s: the policy entry %s (%s) expired %s", name, x.key, p.location(x.Line), when)
		if x.Reason != "" {
			msg += fmt.Sprintf(" (reason: %s)", x.Reason)
		}
		msg += fmt.Sprintf(", so %s (%s) applies instead", d.Entry, d.Location)
		notes = append(notes, Violation{PolicyExpired, msg})
	}
	if len(d.Violations) > 0 {
		d.Violations = append(d.Violations, notes...)
	} else {
		d.Notes = notes
	}
	if gaps := p.closureGaps(e.Closure); p.RequireComplete {
		d.Incomplete = append(d.Incomplete, gaps...)
	} else {
		d.Notes = append(d.Notes, gaps...)
	}
	return d
}

// lockHint is how to close a gap in the closure: resolving is the
// installers' job, pyverify audits what they lock.
const lockHint = "lock the dependencies with uv (uv pip compile, uv export) or pip (pip lock, pip-compile) and audit the lock"

// closureGaps words the dependencies the audit did not cover (issue #11).
func (p *Policy) closureGaps(c *Closure) []Violation {
	if c == nil {
		return nil
	}
	rule := fmt.Sprintf("require-complete = %t, %s", p.RequireComplete, p.location(p.completeLine))
	var out []Violation
	if c.Unknown != "" {
		out = append(out, Violation{IndexError, fmt.Sprintf(
			"%s: its dependencies could not be read (%s), so whether the audit covers them is unknown (%s)", c.Release, c.Unknown, rule)})
	}
	for _, dep := range c.Unlisted {
		msg := fmt.Sprintf("%s requires %s; not in %s, so not audited", c.Release, dep.Requirement, c.Inputs)
		if dep.Audited != "" {
			msg = fmt.Sprintf("%s requires %s; %s has %s %s, which does not satisfy it, so what an installer picks is not what was audited",
				c.Release, dep.Requirement, c.Inputs, dep.Name, dep.Audited)
		}
		out = append(out, Violation{UnlistedDependency, fmt.Sprintf("%s: %s (%s)", msg, lockHint, rule)})
	}
	return out
}

// allowedBy reports whether any identity matches any allowed publisher.
func allowedBy(pubs []Publisher, ids []Identity) bool {
	for _, id := range ids {
		for _, pub := range pubs {
			if pub.Matches(id) {
				return true
			}
		}
	}
	return false
}

// ContinuityFor reports whether the continuity checks apply to the
// project name at now (issue #9), so that the engine fetches the project's
// history only when the policy will read it.
func (p *Policy) ContinuityFor(name string, now time.Time) bool {
	entry, _ := p.Lookup(name, now)
	return continuityOn(p, entry)
}

// continuityOn: the entry's continuity, else the top level's. An entry
// that pins publishers and requires attestations judges every file by its
// pins (publisher-not-allowed, missing-attestation), so the history adds
// nothing; one that pins publishers under require = "hash" still needs it
// to see a file that lost its attestation.
func continuityOn(p *Policy, entry *Entry) bool {
	on := p.Continuity
	if entry != nil {
		if entry.Continuity != nil {
			on = *entry.Continuity
		}
		req := entry.Require
		if req == "" {
			req = p.Require
		}
		if len(entry.Publishers) > 0 && req == Attestation {
			on = false
		}
	}
	return on
}

// lockedViolations holds a package to the attestation identities a PEP 751
// lock file records for it: each checked file must carry a verified
// attestation from one of them. A lock that names its publishers asks for
// what a policy pin with require = "attestation" asks for, so a hash-only
// file is missing-attestation and another publisher is
// publisher-not-allowed. Files that failed or could not be checked are
// judged elsewhere.
func lockedViolations(e Evidence) []Violation {
	if len(e.Locked) == 0 {
		return nil
	}
	var (
		allowed []Publisher
		names   []string
	)
	for _, id := range e.Locked {
		pid := IdentityOf(id, "", "")
		allowed = append(allowed, PublisherFor(pid))
		names = append(names, pid.String())
	}
	want := strings.Join(names, " or ")
	var out []Violation
	for _, f := range e.Files {
		switch f.Level {
		case HashOnly:
			out = append(out, Violation{MissingAttestation,
				fmt.Sprintf("%s: %s has no attestation, but %s records it as attested by %s", e.Name, f.Filename, e.LockedBy, want)})
		case Verified:
			if allowedBy(allowed, f.Publishers) {
				continue
			}
			var got []string
			for _, g := range f.Publishers {
				got = append(got, g.String())
			}
			out = append(out, Violation{PublisherNotAllowed,
				fmt.Sprintf("%s: %s is attested by %s, but %s records %s", e.Name, f.Filename, strings.Join(got, ", "), e.LockedBy, want)})
		}
	}
	return out
}
