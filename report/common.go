package report

import (
	"fmt"
	"slices"
	"strings"
)

// Policy results shown per package: the policy column of SPEC §7's table.
const (
	policyOK         = "ok"
	policyViolation  = "VIOLATION"
	policyIncomplete = "incomplete"
	// policyNotApplicable: the requirement's marker is false for the
	// target, so there is nothing to judge (issue #11).
	policyNotApplicable = "not applicable"
)

// policyResult is a package's policy outcome: a violation (exit 1), fully
// checked and satisfied, or neither because something could not be checked
// (exit 3).
func policyResult(p Package) string {
	switch {
	case p.Violation:
		return policyViolation
	case p.OK:
		return policyOK
	case p.Applicable != nil && !*p.Applicable:
		return policyNotApplicable
	}
	return policyIncomplete
}

// located is a problem with the file it concerns ("" for the package).
type located struct {
	File string
	Problem
}

// sortedProblems returns ps sorted by (kind, message), exact duplicates
// dropped, without modifying ps (STYLE §5.5: stable output whatever order
// the checks finished in).
func sortedProblems(ps []Problem) []Problem {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b Problem) int {
		if c := strings.Compare(a.Kind, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.Compact(out)
}

// fileProblems is every problem of f: its own, and those of its
// attestations that it does not already list, sorted by (kind, message). An
// attestation that does not verify is never ignored (SPEC §4), even if the
// engine recorded the problem on the attestation only.
func fileProblems(f File) []Problem {
	all := slices.Clone(f.Problems)
	for _, a := range f.Attestations {
		all = append(all, a.Problems...)
	}
	return sortedProblems(all)
}

// packageProblems lists every problem of p in display order: the
// package's own, then each file's, in file order.
func packageProblems(p Package) []located {
	var out []located
	for _, pr := range sortedProblems(p.Problems) {
		out = append(out, located{Problem: pr})
	}
	for _, f := range p.Files {
		for _, pr := range fileProblems(f) {
			out = append(out, located{File: f.Filename, Problem: pr})
		}
	}
	return out
}

// where prefixes a problem's message with the file it concerns, unless the
// message already names it (SPEC §5 asks messages to name the file, so
// usually it does, and the report should not say it twice).
func (l located) where() string {
	if l.File == "" || strings.Contains(l.Message, l.File) {
		return l.Message
	}
	return l.File + ": " + l.Message
}

// publisherName is a one-line name for an attestation's publisher, with
// its forge: "GitHub owner/repo (workflow.yml)" for GitHub and GitLab,
// "Google" and the e-mail for Google.
func publisherName(pub Publisher) string {
	name := pub.Repository
	if name == "" {
		name = pub.Email
	}
	name = strings.TrimSpace(pub.Kind + " " + name)
	if pub.Workflow != "" {
		name += " (" + pub.Workflow + ")"
	}
	return name
}

// publishers returns the distinct publishers of p's verified attestations,
// in order of first appearance.
func publishers(p Package) []string {
	var out []string
	for _, f := range p.Files {
		for _, a := range f.Attestations {
			if !a.Verified {
				continue
			}
			if n := publisherName(a.Publisher); n != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// publisherCell is the table's publisher column (SPEC §7): who published
// the package, or the first problem when the evidence failed or is
// incomplete, or when no attestation verified.
func publisherCell(p Package) string {
	if p.Applicable != nil && !*p.Applicable {
		return "not checked"
	}
	probs := packageProblems(p)
	pubs := publishers(p)
	bad := p.Evidence == "failed" || p.Evidence == "error"
	if len(pubs) > 0 && !(bad && len(probs) > 0) {
		return strings.Join(pubs, ", ")
	}
	if len(probs) > 0 {
		return probs[0].Kind
	}
	return "no attestation"
}

// packageLabel is "name version", or the name alone when the version is
// unknown.
func packageLabel(p Package) string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + " " + p.Version
}

// nameWithMarker is the package name followed by its environment marker,
// which SPEC §3 says is kept and shown: `demo ; python_version < "3.9"`.
func nameWithMarker(p Package) string {
	if p.Marker == "" {
		return p.Name
	}
	return p.Name + " ; " + p.Marker
}

// bytesNote says, for a package shown as passing evidence, that some of
// its files' bytes were not fetched from the index this run: "from cache"
// or "not downloaded" (issue #8: --no-download and cache hits must never
// read like a full check). It is "" when every such file was downloaded
// this run, or for a local file.
func bytesNote(p Package) string {
	var cache, none bool
	for _, f := range p.Files {
		if f.Evidence != "verified" && f.Evidence != "hash-only" {
			continue
		}
		switch f.Bytes {
		case "cache":
			cache = true
		case "not-downloaded", "":
			none = true
		}
	}
	switch {
	case none:
		return "not downloaded"
	case cache:
		return "from cache"
	}
	return ""
}

// evidenceCell is a package's evidence with its bytes note, for tables:
// "hash-only (not downloaded)".
func evidenceCell(p Package) string {
	if n := bytesNote(p); n != "" {
		return p.Evidence + " (" + n + ")"
	}
	return p.Evidence
}

// bytesWords says in words where a file's bytes came from.
func bytesWords(b string) string {
	switch b {
	case "downloaded":
		return "downloaded from the index this run"
	case "cache":
		return "from the local cache, not fetched from the index this run"
	case "local":
		return "the local file"
	}
	return "not downloaded: nothing was hashed, the evidence rests on the index's digest"
}

// verificationWords says how a file's attestations were checked, for the
// detail view: only a cached result needs saying.
func verificationWords(v string) string {
	if v == "cached" { // verify.VerificationCached
		return "from the verification cache: an earlier run verified this very provenance document for this file and digest against the same trusted root; not verified again this run"
	}
	return ""
}

// summaryLine is SPEC §7's one-line summary, for example
// "3 packages: 1 verified, 1 hash-only, 1 failed; 1 policy violation".
func summaryLine(s Summary) string {
	var b strings.Builder
	b.WriteString(plural(s.Packages, "package", "packages"))
	if s.Packages == 0 {
		return b.String()
	}
	var ev []string
	for _, c := range []struct {
		n    int
		name string
	}{{s.Verified, "verified"}, {s.HashOnly, "hash-only"}, {s.Failed, "failed"}} {
		if c.n > 0 {
			ev = append(ev, fmt.Sprintf("%d %s", c.n, c.name))
		}
	}
	if s.Error > 0 {
		ev = append(ev, plural(s.Error, "error", "errors"))
	}
	if s.NotApplicable > 0 {
		ev = append(ev, fmt.Sprintf("%d not applicable to the target", s.NotApplicable))
	}
	b.WriteString(": " + strings.Join(ev, ", "))
	var pol []string
	if s.Violations > 0 {
		pol = append(pol, plural(s.Violations, "policy violation", "policy violations"))
	}
	if n := s.Packages - s.OK - s.Violations - s.NotApplicable; n > 0 {
		pol = append(pol, fmt.Sprintf("%d incomplete", n))
	}
	if len(pol) == 0 {
		pol = append(pol, "policy satisfied")
	}
	b.WriteString("; " + strings.Join(pol, ", "))
	var notFetched []string
	if s.FilesFromCache > 0 {
		notFetched = append(notFetched, fmt.Sprintf("%d from cache", s.FilesFromCache))
	}
	if s.FilesNotDownloaded > 0 {
		notFetched = append(notFetched, fmt.Sprintf("%d not downloaded", s.FilesNotDownloaded))
	}
	if len(notFetched) > 0 {
		n := s.FilesFromCache + s.FilesNotDownloaded
		b.WriteString("; " + plural(n, "file's", "files'") + " bytes not fetched from the index this run (" + strings.Join(notFetched, ", ") + ")")
	}
	if s.FilesSkipped > 0 {
		b.WriteString("; " + plural(s.FilesSkipped, "file", "files") + " skipped, not installed by the target")
	}
	if s.FilesVerificationCached > 0 {
		b.WriteString("; " + plural(s.FilesVerificationCached, "file's", "files'") + " attestations not verified again this run (verification cache)")
	}
	return b.String()
}

// targetWords describes the target of an audit (issue #11):
// "Python 3.12 (cp), platforms manylinux_2_28_x86_64"; "" for none.
func targetWords(t *Target) string {
	if t == nil {
		return ""
	}
	s := fmt.Sprintf("Python %s (%s), %s %s", t.PythonVersion, t.Implementation,
		map[bool]string{true: "platform", false: "platforms"}[len(t.Platforms) == 1], strings.Join(t.Platforms, ", "))
	if len(t.ABIs) > 0 {
		s += ", ABIs " + strings.Join(t.ABIs, ", ")
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// orDash shows an unknown value as "-" rather than an empty cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// continuityWords says in words how a release's publishers compare with
// the project's previous attested release (issue #9); "" when not checked.
func continuityWords(c *Continuity) string {
	if c == nil {
		return ""
	}
	var before []string
	for _, p := range c.PreviousPublishers {
		before = append(before, publisherName(p))
	}
	by := strings.Join(before, ", ")
	switch c.Status {
	case "same":
		return fmt.Sprintf("same publisher as %s (%s)", c.ComparedWith, by)
	case "changed":
		return fmt.Sprintf("changed: %s was attested by %s", c.ComparedWith, by)
	case "regressed":
		return fmt.Sprintf("regressed: %s was attested by %s", c.ComparedWith, by)
	case "inconsistent":
		return "inconsistent: this release's files name different publishers"
	case "first":
		return "first: no earlier release has an attested file, nothing to compare"
	case "unknown":
		return "unknown: " + c.Why
	}
	return c.Status
}
