package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
)

// TestEvaluateClosure: dependencies the audit did not cover make the
// package incomplete under require-complete (the default), and are notes
// under require-complete = false; unreadable dependencies are said as
// such (issue #11).
func TestEvaluateClosure(t *testing.T) {
	t.Parallel()
	closure := &policy.Closure{Release: "requests 2.32.3", Inputs: "requirements.txt",
		Unlisted: []policy.Dependency{
			{Name: "urllib3", Requirement: "urllib3<3,>=1.21.1"},
			{Name: "idna", Requirement: "idna<4,>=2.5", Audited: "1.0"},
		}}
	unlisted := "requests 2.32.3 requires urllib3<3,>=1.21.1; not in requirements.txt, so not audited: " +
		"lock the dependencies with uv (uv pip compile, uv export) or pip (pip lock, pip-compile) and audit the lock"
	unsatisfied := "requests 2.32.3 requires idna<4,>=2.5; requirements.txt has idna 1.0, which does not satisfy it, " +
		"so what an installer picks is not what was audited: lock the dependencies with uv (uv pip compile, uv export) or pip (pip lock, pip-compile) and audit the lock"
	tests := []struct {
		name           string
		src            string
		closure        *policy.Closure
		wantIncomplete []policy.Violation
		wantNotes      []policy.Violation
	}{
		{name: "complete", closure: &policy.Closure{Release: "requests 2.32.3", Inputs: "requirements.txt"}},
		{name: "not examined", closure: nil},
		{
			name:    "unlisted and unsatisfied, default policy",
			closure: closure,
			wantIncomplete: []policy.Violation{
				{Kind: policy.UnlistedDependency, Message: unlisted + " (require-complete = true, pyverify.toml)"},
				{Kind: policy.UnlistedDependency, Message: unsatisfied + " (require-complete = true, pyverify.toml)"},
			},
		},
		{
			name:    "require-complete = false: notes",
			src:     "require-complete = false\n",
			closure: closure,
			wantNotes: []policy.Violation{
				{Kind: policy.UnlistedDependency, Message: unlisted + " (require-complete = false, pyverify.toml:1)"},
				{Kind: policy.UnlistedDependency, Message: unsatisfied + " (require-complete = false, pyverify.toml:1)"},
			},
		},
		{
			name:    "unknown metadata",
			closure: &policy.Closure{Release: "requests 2.32.3", Inputs: "requirements.txt", Unknown: "requests-2.32.3-py3-none-any.whl.metadata: 503"},
			wantIncomplete: []policy.Violation{{Kind: policy.IndexError, Message: "requests 2.32.3: its dependencies could not be read " +
				"(requests-2.32.3-py3-none-any.whl.metadata: 503), so whether the audit covers them is unknown (require-complete = true, pyverify.toml)"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := mustParse(t, tt.src)
			d := p.Evaluate(policy.Evidence{Name: "requests", Pinned: true, Closure: tt.closure,
				Files: []policy.FileEvidence{{Filename: "requests-2.32.3-py3-none-any.whl", Level: policy.HashOnly}}}, now)
			if diff := cmp.Diff(tt.wantIncomplete, d.Incomplete); diff != "" {
				t.Errorf("Incomplete (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantNotes, d.Notes); diff != "" {
				t.Errorf("Notes (-want +got):\n%s", diff)
			}
			if len(d.Violations) != 0 {
				t.Errorf("Violations = %v, want none: an incomplete closure is not contrary evidence", d.Violations)
			}
		})
	}
}
