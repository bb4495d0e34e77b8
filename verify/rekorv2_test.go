package verify_test

// Rekor v2 entries and RFC 3161 timestamps (issue #10): one case per way such
// an attestation can be right or wrong, minted by the virtual Sigstore and
// checked by the production Verifier, asserting the problem kind and which
// time anchored the certificate.

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

func TestSyntheticRekorV2AndTimestamps(t *testing.T) {
	t.Parallel()
	v2 := func(f func(*verifytest.Spec)) verifytest.Spec {
		return withSpec(func(s *verifytest.Spec) {
			s.RekorV2 = true
			if f != nil {
				f(s)
			}
		})
	}
	tests := []struct {
		name     string
		spec     verifytest.Spec
		want     outcome
		wantTime verify.TimeSource
		// wantCause is a fragment the problem's message must hold.
		wantCause string
	}{
		{name: "Rekor v1 entry only (today's attestations)", spec: acme, want: outcome{Evidence: verify.Verified}, wantTime: verify.TimeRekorIntegrated},
		{name: "Rekor v1 entry and a TSA timestamp", spec: withSpec(func(s *verifytest.Spec) { s.Timestamp = true }), want: outcome{Evidence: verify.Verified}, wantTime: verify.TimeRekorIntegrated},
		{name: "Rekor v2 entry and a TSA timestamp", spec: v2(nil), want: outcome{Evidence: verify.Verified}, wantTime: verify.TimeRFC3161},

		// A timestamp is a time, not a log entry: WithTransparencyLog(1) still holds.
		{name: "TSA timestamp without any log entry", spec: withSpec(func(s *verifytest.Spec) { s.NoTlogEntry, s.Timestamp = true, true }), want: failed(verify.NoTransparencyProof), wantCause: "no transparency-log entry"},
		{name: "Rekor v2 entry without a timestamp", spec: v2(func(s *verifytest.Spec) { s.NoTimestamp = true }), want: failed(verify.NoTransparencyProof), wantCause: "RFC 3161"},
		{name: "timestamp from a TSA the root does not know", spec: v2(func(s *verifytest.Spec) { s.UnknownTSA = true }), want: failed(verify.UntrustedCertificate), wantCause: "timestamp authority"},
		{name: "timestamp from a TSA outside its validity window", spec: v2(func(s *verifytest.Spec) { s.StaleTSA = true }), want: failed(verify.UntrustedCertificate), wantCause: "validity window"},
		{name: "timestamp signature corrupted", spec: v2(func(s *verifytest.Spec) { s.CorruptTimestamp = true }), want: failed(verify.InvalidSignature), wantCause: "timestamp"},
		{name: "timestamp after the certificate expired", spec: v2(func(s *verifytest.Spec) { s.TimestampAfterCertExpiry = true }), want: failed(verify.UntrustedCertificate), wantCause: "at the signing time"},
		{name: "Rekor v1 entry with a timestamp after the certificate expired", spec: withSpec(func(s *verifytest.Spec) { s.Timestamp, s.TimestampAfterCertExpiry = true, true }), want: failed(verify.UntrustedCertificate)},
		{name: "Rekor v1 log outside its validity window", spec: withSpec(func(s *verifytest.Spec) { s.StaleLog = true }), want: failed(verify.UntrustedCertificate), wantCause: "trusted from"},
		{name: "Rekor v2 log outside its validity window", spec: v2(func(s *verifytest.Spec) { s.StaleLog = true }), want: failed(verify.UntrustedCertificate), wantCause: "trusted from"},
		{name: "Rekor v2 entry from a log not in the root", spec: v2(func(s *verifytest.Spec) { s.UnknownLog = true }), want: failed(verify.UntrustedCertificate), wantCause: "log the trusted root does not know"},
		{name: "Rekor v2 dsse 0.0.2 entry", spec: v2(func(s *verifytest.Spec) { s.DSSEV2 = true }), want: failed(verify.NoTransparencyProof), wantCause: "unsupported"},
		{name: "Rekor v2 inclusion proof corrupted", spec: v2(func(s *verifytest.Spec) { s.CorruptInclusionProof = true }), want: failed(verify.NoTransparencyProof), wantCause: "or its inclusion proof"},
		{name: "Rekor v2 entry, signature corrupted", spec: v2(func(s *verifytest.Spec) { s.CorruptSignature = true }), want: failed(verify.InvalidSignature), wantCause: "DSSE signature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fv := synVerify(t, 0, synSHA256, tt.spec)
			if diff := cmp.Diff(tt.want, outcomeOf(t, fv)); diff != "" {
				t.Errorf("outcome mismatch (-want +got):\n%s\nproblems: %v", diff, fv.AllProblems())
			}
			if len(fv.Attestations) != 1 {
				t.Fatalf("%d attestations, want 1", len(fv.Attestations))
			}
			if got := fv.Attestations[0].TimeSource; got != tt.wantTime {
				t.Errorf("TimeSource = %q, want %q", got, tt.wantTime)
			}
			for _, p := range fv.AllProblems() {
				if !strings.Contains(p.Message, tt.wantCause) {
					t.Errorf("problem %q does not say %q", p.Message, tt.wantCause)
				}
			}
		})
	}
}
