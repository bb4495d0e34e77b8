package report

import "github.com/pyverify/pyverify/verify"

// Explain returns what a problem kind means and what to do next, from the
// one table of kinds (verify.Kinds), or "" for a kind it does not know.
// The text detail view and SARIF's rule help both read it, so the two
// never disagree.
func Explain(kind string) string {
	ki, _ := verify.Info(verify.ProblemKind(kind))
	return ki.Help
}

// title is a kind's one-line name, for SARIF rules' shortDescription.
func title(kind string) string {
	ki, _ := verify.Info(verify.ProblemKind(kind))
	return ki.Title
}

// contrary reports whether a kind means a file is not what it claims to
// be (SPEC §5 "failed"): it fails the file whatever the policy says.
func contrary(kind string) bool {
	ki, _ := verify.Info(verify.ProblemKind(kind))
	return ki.Contrary
}

// errorLevel reports whether a kind is an error in SARIF: contrary
// evidence, or a violation the policy raises by default.
func errorLevel(kind string) bool {
	ki, _ := verify.Info(verify.ProblemKind(kind))
	return ki.Contrary || ki.Violation
}

// problemKinds is every kind in the table's order, as strings: the SARIF
// rules.
var problemKinds = func() []string {
	out := make([]string, len(verify.Kinds))
	for i, k := range verify.Kinds {
		out[i] = string(k.Kind)
	}
	return out
}()
