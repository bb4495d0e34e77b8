package verify_test

// Real Rekor v2 bundles: sigstore-conformance's rekor2-dsse-* cases (an
// in-toto DSSE envelope logged to the Sigstore staging Rekor v2 log as
// hashedrekord 0.0.2, with an RFC 3161 timestamp from the staging TSA),
// converted to PEP 740 attestation objects (testdata/README.md), and checked
// against the staging trusted root they ship with. Their subject is "a.txt",
// so none can be evidence for a Python distribution; what they show is how
// far each gets.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/verify"
)

const (
	conformanceFile   = "a.txt"
	conformanceSHA256 = "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf"
)

func TestConformanceRekorV2(t *testing.T) {
	t.Parallel()
	tests := []struct {
		attestation, root string
		want              outcome
		wantTime          verify.TimeSource
		wantCause         string
	}{
		// Entry, checkpoint, timestamp, certificate and signature verify;
		// pyverify's own statement check then refuses "a.txt", which is
		// not a Python distribution (SPEC §4.4).
		{"a.txt.happy-path.attestation", "trusted_root.json", failed(verify.SubjectMismatch), verify.TimeRFC3161, `statement is about "a.txt", not this file`},
		// Signed with another key: the DSSE check alone fails.
		{"a.txt.invalid-sig_fail.attestation", "trusted_root.json", failed(verify.InvalidSignature), "", "DSSE signature does not verify"},
		// Validly signed envelopes that are not the one logged.
		{"a.txt.mismatch-envelope_fail.attestation", "trusted_root.json", failed(verify.NoTransparencyProof), "", "or its inclusion proof is broken"},
		{"a.txt.mismatch-sig_fail.attestation", "trusted_root.json", failed(verify.NoTransparencyProof), "", "or its inclusion proof is broken"},
		// The dsse 0.0.2 type the Rekor v2 spec dropped (conformance
		// commit 1a8529b, removed in e2cc8e5).
		{"a.txt.dsse-v002.attestation", "trusted_root.dsse-v002.json", failed(verify.NoTransparencyProof), "", "not evidence of tampering"},
	}
	for _, tt := range tests {
		t.Run(tt.attestation, func(t *testing.T) {
			t.Parallel()
			rootJSON, err := os.ReadFile(filepath.Join("testdata", "rekor2", tt.root))
			if err != nil {
				t.Fatal(err)
			}
			tr, err := verify.LoadTrustedRoot(tt.root, rootJSON)
			if err != nil {
				t.Fatal(err)
			}
			v, err := verify.NewVerifier(tr)
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join("testdata", "rekor2", tt.attestation))
			if err != nil {
				t.Fatal(err)
			}
			prov, err := verify.DecodeProvenance(tt.attestation, data)
			if err != nil {
				t.Fatal(err)
			}
			fv := v.VerifyFile(conformanceFile, conformanceSHA256, prov)
			got := outcome{Evidence: fv.Evidence}
			for _, p := range fv.AllProblems() {
				got.Kinds = append(got.Kinds, p.Kind)
				if !strings.Contains(p.Message, tt.wantCause) {
					t.Errorf("problem %q does not say %q", p.Message, tt.wantCause)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s\nproblems: %v", diff, fv.AllProblems())
			}
			if len(fv.Attestations) != 1 || fv.Attestations[0].TimeSource != tt.wantTime {
				t.Errorf("attestations %+v, want one with time source %q", fv.Attestations, tt.wantTime)
			}
		})
	}
}
