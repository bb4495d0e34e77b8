package verify_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/verify"
)

// TestPolicyPinsSkipsFailedAndErrored pins `policy init` (SPEC §6 trust on
// first use): only verified and hash-only packages become entries. A failed
// package (a digest mismatch, a bad attestation) or one that could not be
// checked is never pinned, not even to require = "hash", since an entry
// would weaken what the top level asks; it is listed in skipped with its
// evidence and first problem.
func TestPolicyPinsSkipsFailedAndErrored(t *testing.T) {
	att := verify.Attestation{
		Verified:  true,
		Publisher: verify.Publisher{Kind: "GitHub", Repository: "acme/good", Workflow: "release.yml"},
	}
	pkg := func(name string, ev verify.Evidence, msg string) verify.Package {
		p := verify.Package{Name: name, Evidence: ev}
		if msg != "" {
			p.Problems = []verify.Problem{{Kind: verify.DigestMismatch, Message: msg}}
		}
		return p
	}
	good := pkg("good", verify.Verified, "")
	good.Files = []verify.File{{Filename: "good-1.0-py3-none-any.whl", Evidence: verify.Verified, Attestations: []verify.Attestation{att}}}
	tests := []struct {
		name        string
		pkgs        []verify.Package
		wantPins    []policy.Pin
		wantSkipped []string // prefixes
	}{
		{
			name:     "verified and hash-only are pinned",
			pkgs:     []verify.Package{good, pkg("plain", verify.HashOnly, "")},
			wantPins: []policy.Pin{{Name: "good", Require: policy.Attestation, Publishers: []policy.Publisher{policy.PublisherFor(verify.PolicyIdentity(att))}}, {Name: "plain", Require: policy.Hash}},
		},
		{
			name:        "failed is not pinned",
			pkgs:        []verify.Package{pkg("bad", verify.Failed, "bad-1.0.tar.gz: digest differs")},
			wantSkipped: []string{"bad: failed: bad-1.0.tar.gz: digest differs"},
		},
		{
			name:        "error is not pinned",
			pkgs:        []verify.Package{pkg("gone", verify.Error, "gone: not found")},
			wantSkipped: []string{"gone: error: gone: not found"},
		},
		{
			name:        "failed next to hash-only: only hash-only pinned",
			pkgs:        []verify.Package{pkg("plain", verify.HashOnly, ""), pkg("bad", verify.Failed, "tampered")},
			wantPins:    []policy.Pin{{Name: "plain", Require: policy.Hash}},
			wantSkipped: []string{"bad: failed: tampered"},
		},
	}
	partly := pkg("partly", verify.HashOnly, "")
	partly.Files = []verify.File{
		{Filename: "partly-1.0.tar.gz", Evidence: verify.Verified, Attestations: []verify.Attestation{att}},
		{Filename: "partly-1.0-py3-none-any.whl", Evidence: verify.HashOnly},
	}
	mixed := good
	mixed.Name = "mixed"
	mixed.Continuity = &verify.Continuity{Status: policy.Inconsistent, Findings: []verify.Problem{{Kind: verify.PublisherInconsistent,
		Message: "mixed 1.0: its files name different publishers: a by github.com/acme/good; b by github.com/evil/good"}}}
	tests = append(tests, []struct {
		name        string
		pkgs        []verify.Package
		wantPins    []policy.Pin
		wantSkipped []string
	}{
		{
			name:     "partly attested: hash, with the observed publisher bound",
			pkgs:     []verify.Package{partly},
			wantPins: []policy.Pin{{Name: "partly", Require: policy.Hash, Publishers: []policy.Publisher{policy.PublisherFor(verify.PolicyIdentity(att))}}},
		},
		{
			name:        "publisher-inconsistent: nothing pinned, both named",
			pkgs:        []verify.Package{mixed},
			wantSkipped: []string{"mixed: publisher continuity inconsistent, pin the right publisher yourself: mixed 1.0: its files name different publishers: a by github.com/acme/good; b by github.com/evil/good"},
		},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pins, skipped := verify.PolicyPins(&verify.Report{Packages: tt.pkgs})
			if diff := cmp.Diff(tt.wantPins, pins); diff != "" {
				t.Errorf("pins (-want +got):\n%s", diff)
			}
			if len(skipped) != len(tt.wantSkipped) {
				t.Fatalf("skipped = %q, want %d entries starting %q", skipped, len(tt.wantSkipped), tt.wantSkipped)
			}
			for i, w := range tt.wantSkipped {
				if !strings.HasPrefix(skipped[i], w) {
					t.Errorf("skipped[%d] = %q, want it to start %q", i, skipped[i], w)
				}
			}
		})
	}
}
