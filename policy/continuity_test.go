package policy_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
)

// TestEvaluateContinuity: under continuity = true (the default) the
// continuity findings are violations and an unknown history makes the
// package incomplete; an entry that pins publishers judges by its pins;
// continuity = false, top level or per entry, turns the checks off.
func TestEvaluateContinuity(t *testing.T) {
	t.Parallel()
	regressed := &policy.Continuity{Status: policy.Regressed, Findings: []policy.Violation{
		{Kind: policy.ProvenanceRegressed, Message: "demo: 1.0 was attested by acme/demo (release.yml); 1.1's demo-1.1.tar.gz has no attestation"},
	}}
	changed := &policy.Continuity{Status: policy.Changed, Findings: []policy.Violation{
		{Kind: policy.PublisherChanged, Message: "demo: attested by github.com/evil/demo, but 1.0 was attested by github.com/acme/demo"},
	}}
	unknown := &policy.Continuity{Status: policy.Unknown, Why: "GET https://x/simple/demo/: HTTP 503"}
	hashOnly := []policy.FileEvidence{{Filename: "demo-1.1.tar.gz", Level: policy.HashOnly}}
	tests := []struct {
		name           string
		src            string
		cont           *policy.Continuity
		wantViolations []policy.ViolationKind
		wantIncomplete []policy.ViolationKind
	}{
		{"default: a regression violates", "", regressed, []policy.ViolationKind{policy.ProvenanceRegressed}, nil},
		{"default: unknown history is incomplete", "", unknown, nil, []policy.ViolationKind{policy.IndexError}},
		{"not looked at", "", nil, nil, nil},
		{"continuity = false", "continuity = false\n", regressed, nil, nil},
		{"continuity = false, unknown", "continuity = false\n", unknown, nil, nil},
		{"entry turns it off", "[packages.demo]\ncontinuity = false\n", regressed, nil, nil},
		{"entry turns it on", "continuity = false\n[packages.demo]\ncontinuity = true\n", regressed, []policy.ViolationKind{policy.ProvenanceRegressed}, nil},
		{"pinned publishers under require = attestation judge instead", "[packages.demo]\nrequire = \"attestation\"\npublishers = [{kind = \"GitHub\", repository = \"acme/demo\"}]\n", regressed, []policy.ViolationKind{policy.MissingAttestation}, nil},
		{"pinned publishers under require = hash: a regression still violates", "[packages.demo]\nrequire = \"hash\"\npublishers = [{kind = \"GitHub\", repository = \"acme/demo\"}]\n", regressed, []policy.ViolationKind{policy.ProvenanceRegressed}, nil},
		{"pinned publishers: a change is theirs to judge", "[packages.demo]\npublishers = [{kind = \"GitHub\", repository = \"acme/demo\"}]\n", changed, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := policy.Default()
			if tt.src != "" {
				p = mustParse(t, tt.src)
			}
			d := p.Evaluate(policy.Evidence{Name: "demo", Files: hashOnly, Pinned: true, Continuity: tt.cont}, now)
			if diff := cmp.Diff(tt.wantViolations, kindsOf(d.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantIncomplete, kindsOf(d.Incomplete)); diff != "" {
				t.Errorf("incomplete (-want +got):\n%s", diff)
			}
		})
	}
}

func kindsOf(vs []policy.Violation) []policy.ViolationKind {
	var out []policy.ViolationKind
	for _, v := range vs {
		out = append(out, v.Kind)
	}
	return out
}

// TestEvaluateLockedIdentities: a PEP 751 lock's attestation identities
// bind each checked file like a pin with require = "attestation".
func TestEvaluateLockedIdentities(t *testing.T) {
	t.Parallel()
	locked := []pypi.Publisher{{Kind: "GitHub", Repository: "acme/demo", Workflow: "release.yml"}}
	acme := policy.Identity{Kind: "GitHub", Repository: "acme/demo", Workflow: "release.yml"}
	evil := policy.Identity{Kind: "GitHub", Repository: "evil/demo", Workflow: "release.yml"}
	tests := []struct {
		name  string
		files []policy.FileEvidence
		want  []policy.ViolationKind
	}{
		{"attested by the locked publisher", []policy.FileEvidence{{Filename: "a.whl", Level: policy.Verified, Publishers: []policy.Identity{acme}}}, nil},
		{"attested by another", []policy.FileEvidence{{Filename: "a.whl", Level: policy.Verified, Publishers: []policy.Identity{evil}}}, []policy.ViolationKind{policy.PublisherNotAllowed}},
		{"no attestation", []policy.FileEvidence{{Filename: "a.whl", Level: policy.HashOnly}}, []policy.ViolationKind{policy.MissingAttestation}},
		{"failed files are judged elsewhere", []policy.FileEvidence{{Filename: "a.whl", Level: policy.Failed}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := policy.Default().Evaluate(policy.Evidence{Name: "demo", Files: tt.files, Pinned: true, Locked: locked, LockedBy: "the lock file (pylock.toml:3)"}, now)
			if diff := cmp.Diff(tt.want, kindsOf(d.Violations)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
			for _, v := range d.Violations {
				if !strings.Contains(v.Message, "pylock.toml:3") || !strings.Contains(v.Message, "a.whl") {
					t.Errorf("message %q does not name the lock and the file", v.Message)
				}
			}
		})
	}
}
