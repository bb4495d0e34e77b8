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
	b.WriteString(": " + strings.Join(ev, ", "))
	var pol []string
	if s.Violations > 0 {
		pol = append(pol, plural(s.Violations, "policy violation", "policy violations"))
	}
	if n := s.Packages - s.OK - s.Violations; n > 0 {
		pol = append(pol, fmt.Sprintf("%d incomplete", n))
	}
	if len(pol) == 0 {
		pol = append(pol, "policy satisfied")
	}
	b.WriteString("; " + strings.Join(pol, ", "))
	return b.String()
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
