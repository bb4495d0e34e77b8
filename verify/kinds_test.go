package verify_test

import (
	"testing"

	"github.com/pyverify/pyverify/verify"
)

// TestKindsTable: every kind is listed once, with a title and help, and
// Info finds it; a kind cannot be both contrary evidence and a policy
// violation (the first fails whatever the policy says).
func TestKindsTable(t *testing.T) {
	t.Parallel()
	seen := map[verify.ProblemKind]bool{}
	for _, k := range verify.Kinds {
		if seen[k.Kind] {
			t.Errorf("kind %q listed twice", k.Kind)
		}
		seen[k.Kind] = true
		if k.Title == "" || k.Help == "" {
			t.Errorf("kind %q lacks a title or help", k.Kind)
		}
		if k.Contrary && k.Violation {
			t.Errorf("kind %q is both contrary evidence and a policy violation", k.Kind)
		}
		if got, ok := verify.Info(k.Kind); !ok || got.Kind != k.Kind {
			t.Errorf("Info(%q) = %+v, %v", k.Kind, got, ok)
		}
	}
	if _, ok := verify.Info("no-such-kind"); ok {
		t.Error("Info found a kind the table does not list")
	}
	if len(verify.ProblemKinds) != len(verify.Kinds) {
		t.Errorf("ProblemKinds has %d kinds, the table %d", len(verify.ProblemKinds), len(verify.Kinds))
	}
}
