package verify

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// The error texts below are sigstore-go v1.3.0's (pkg/verify/signed_entity.go
// and tlog.go), wrapped the way Verifier.Verify wraps them. The corpus test
// checks the same mapping on real attestations.

// trustedLogID is a log id the test root trusts; unknownLogID is not.
const (
	trustedLogID = "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"
	unknownLogID = "d32f30a3c32d639c2b762205a21c7bb07788e68283a4ae6f42118723a1bea496"
)

var testLogs = map[string]*root.TransparencyLog{trustedLogID: {}}

// errV2Inclusion is sigstore-go's error for a Rekor v2 entry whose
// recomputed leaf is not in the tree the checkpoint signs.
var errV2Inclusion = errors.New("failed to verify log inclusion: verifying log entry: verifying inclusion: calculated root: [1] does not match expected root: [2]")

// errTimestamps is sigstore-go's error when no time verified and the one
// RFC 3161 timestamp failed against every TSA with cause.
func errTimestamps(cause string) error {
	return errors.New("failed to verify timestamps: threshold not met for verified signed & log entry integrated timestamps: 0 < 1; error: unable to verify signed timestamps: " + cause)
}

type problemCase struct {
	name   string
	err    error
	logIDs []string
}

func checkKinds(t *testing.T, want ProblemKind, tests []problemCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, cause := sigstoreProblem(tt.err, tt.logIDs, testLogs)
			if got != want {
				t.Errorf("sigstoreProblem(%q) = %s, want %s", tt.err, got, want)
			}
			if cause == "" || strings.HasPrefix(cause, " ") {
				t.Errorf("cause %q is not a sentence", cause)
			}
		})
	}
}

func TestSigstoreProblemInvalidSignature(t *testing.T) {
	t.Parallel()
	checkKinds(t, InvalidSignature, []problemCase{
		{"logged signature differs", errors.New("failed to verify log inclusion: transparency log signature does not match"), []string{trustedLogID}},
		{"logged certificate differs", errors.New("failed to verify log inclusion: transparency log certificate does not match"), []string{trustedLogID}},
		{"logged payload differs", errors.New("failed to verify log inclusion: transparency log dsse/intoto entry payload hash ab does not match envelope payload hash cd"), []string{trustedLogID}},
		{"DSSE signature", errors.New("failed to verify signature: could not verify envelope: no valid signatures"), []string{trustedLogID}},
		{"malformed certificate", fmt.Errorf("%w: x509: malformed certificate", errMalformedCertificate), []string{trustedLogID}},
		{"anything else", errors.New("failed to fetch signature content: surprise"), []string{trustedLogID}},
		{"Rekor v2 entry whose DSSE signature fails alone", &v2MismatchError{err: errV2Inclusion, dsseErr: errors.New("could not verify envelope: accepted signatures do not match threshold")}, []string{trustedLogID}},
		{"timestamp signature", errTimestamps("error parsing response into Timestamp: x509: ECDSA verification failure"), []string{trustedLogID}},
		{"timestamp over another signature", errTimestamps("hashed messages don't match"), []string{trustedLogID}},
		{"timestamp response refused by the TSA", errTimestamps("timestamp response is not valid: the request cannot be handled"), []string{trustedLogID}},
	})
}

func TestSigstoreProblemUntrustedCertificate(t *testing.T) {
	t.Parallel()
	checkKinds(t, UntrustedCertificate, []problemCase{
		{"entry from a log not in the root", errors.New("failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1"), []string{unknownLogID}},
		{"leaf does not chain to the root", errors.New("failed to verify leaf certificate: x509: certificate signed by unknown authority"), []string{trustedLogID}},
		{"SCT", errors.New("failed to verify signed certificate timestamp: only able to verify 0 SCT entries; unable to meet threshold of 1"), []string{trustedLogID}},
		{"certificate expired at integration", errors.New("failed to verify log inclusion: integrated time outside certificate validity"), []string{trustedLogID}},
		{"CA certificate as the signing certificate", fmt.Errorf("%w: subject \"CN=x\"", errCertificateNotLeaf), []string{trustedLogID}},
		{"timestamp from a TSA the root does not hold (certificate embedded)", errTimestamps("certificate embedded in the TSR does not match the provided TSA certificate"), []string{trustedLogID}},
		{"timestamp from a TSA the root does not hold (no certificate)", errTimestamps("error while verifying signer certificate chain: x509: certificate signed by unknown authority"), []string{trustedLogID}},
		{"timestamp from a TSA outside its validity window", errTimestamps("certificate embedded in the TSR does not match the provided TSA certificate\ntimestamp is after the validity period end"), []string{trustedLogID}},
		{"Rekor v2 log outside its validity window", fmt.Errorf("%w: Rekor v2 log https://log2024-1.rekor.sigstore.dev is trusted from …", errLogOutsideValidity), []string{trustedLogID}},
	})
}

func TestSigstoreProblemNoTransparencyProof(t *testing.T) {
	t.Parallel()
	checkKinds(t, NoTransparencyProof, []problemCase{
		{"no entries", errors.New("failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1"), nil},
		{"bad SET from a trusted log", errors.New("failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1"), []string{unknownLogID, trustedLogID}},
		{"bad inclusion proof", errors.New("failed to verify log inclusion: calculated root 00 does not match expected root 11"), []string{trustedLogID}},
		{"no trusted time", errors.New("failed to verify timestamps: threshold not met for verified signed & log entry integrated timestamps: 0 < 1"), []string{trustedLogID}},
		{"Rekor v2 entry without a timestamp authority", errors.New("failed to verify timestamps: threshold not met for verified signed & log entry integrated timestamps: 0 < 1; error: "), []string{trustedLogID}},
		{"Rekor v2 entry whose checkpoint fails", errors.New("failed to verify log inclusion: verifying log entry: invalid checkpoint signature"), []string{trustedLogID}},
		{"duplicated entries", errors.New("failed to verify log inclusion: duplicate tlog entries found"), []string{trustedLogID, trustedLogID}},
		{"malformed entry", fmt.Errorf("%w 0: proto: syntax error", errMalformedLogEntry), nil},
		{"Rekor v2 entry that does not match, DSSE signature verifies", &v2MismatchError{err: errV2Inclusion}, []string{trustedLogID}},
		{"Rekor v2 dsse 0.0.2 entry (unsupported)", fmt.Errorf("%w: entry 0 is a Rekor v2 dsse 0.0.2 entry", errUnsupportedLogEntry), []string{trustedLogID}},
	})
}

func TestSigstoreProblemInvalidStatement(t *testing.T) {
	t.Parallel()
	checkKinds(t, InvalidStatement, []problemCase{
		{"payload not JSON", errors.New("failed to fetch envelope statement: validation error: invalid attestation: decoding json"), []string{trustedLogID}},
	})
}

func TestSigstoreProblemNamesUnknownLog(t *testing.T) {
	t.Parallel()
	_, cause := sigstoreProblem(errors.New("failed to verify log inclusion: not enough verified log entries from transparency log: 0 < 1"), []string{unknownLogID}, testLogs)
	if !strings.Contains(cause, unknownLogID) {
		t.Errorf("cause %q does not name the log id %s", cause, unknownLogID)
	}
}
