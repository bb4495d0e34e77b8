package verify

import (
	"errors"
	"fmt"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/root"
)

// Errors the conversion of a PEP 740 attestation to a Sigstore bundle
// returns, before sigstore-go runs (see toBundle).
var (
	// errMalformedLogEntry: a transparency entry is not a Rekor
	// TransparencyLogEntry sigstore-go accepts (bad protobuf JSON, body of
	// the wrong kind, no inclusion proof). Such an entry proves nothing was
	// logged, so it is no-transparency-proof, whether it was damaged or
	// forged: telling those apart would need the log it fails to prove.
	errMalformedLogEntry = errors.New("malformed transparency-log entry")
	// errMalformedCertificate: the signing certificate is not DER X.509.
	// That is invalid-signature: the certificate is not what was signed
	// and logged, and there is nothing to anchor in the trusted root.
	errMalformedCertificate = errors.New("malformed signing certificate")
	// errCertificateNotLeaf: the signing certificate is a CA certificate
	// (basic constraints CA or the certSign key usage). Fulcio issues
	// signing certificates only as leaves, so this is untrusted-certificate.
	errCertificateNotLeaf = errors.New("signing certificate is a CA certificate")
)

// sigstoreProblem maps an error from verifying one attestation with
// sigstore-go v1.3.0 (or from converting it to a bundle) to the SPEC §5
// problem kind, with the cause in words; the error text follows in
// parentheses. It is the one place that reads sigstore-go's error messages
// (corpus README "Problem kinds used … and how sigstore-go v1.3.0 reports
// them").
//
// sigstore-go compares the Rekor entry with the bundle before it checks the
// DSSE signature, so tampering mostly surfaces as a log-inclusion error:
// those that say the logged signature, certificate or payload differ are
// invalid-signature. It also skips, silently, entries from logs the root
// does not know and entries whose signed entry timestamp does not verify,
// and then fails with the same threshold error for both; entryLogIDs (the
// hex log ids of the attestation's transparency entries) and trustedLogs
// (root.TrustedRoot.RekorLogs(), keyed the same way) tell them apart: no
// entry from a trusted log means the attestation is not anchored in the
// root (untrusted-certificate), a trusted entry that did not count means its
// proof failed (no-transparency-proof). An error it cannot place is
// invalid-signature: a failed verification is never ignored.
func sigstoreProblem(err error, entryLogIDs []string, trustedLogs map[string]*root.TransparencyLog) (ProblemKind, string) {
	msg := err.Error()
	has := func(s string) bool { return strings.Contains(msg, s) }
	with := func(kind ProblemKind, cause string) (ProblemKind, string) {
		return kind, fmt.Sprintf("%s (%v)", cause, err)
	}
	var v2 *v2MismatchError
	switch {
	case errors.Is(err, errUnsupportedLogEntry):
		return with(NoTransparencyProof, "its transparency-log entry is of a type pyverify cannot verify, so nothing it can check proves the signature was logged; this is unsupported, not evidence of tampering")
	case errors.Is(err, errLogOutsideValidity):
		return with(UntrustedCertificate, "its transparency-log entry comes from a log the trusted root does not trust at the signing time, so it is not anchored in the trusted root")
	case errors.As(err, &v2) && v2.dsseErr != nil:
		// The entry commits to the envelope's signature; checked alone,
		// that signature fails, so it is what changed.
		return with(InvalidSignature, fmt.Sprintf("its DSSE signature does not verify over the statement with its certificate's key (%v), so its Rekor v2 entry, which commits to both, does not match either", v2.dsseErr))
	case errors.As(err, &v2):
		return with(NoTransparencyProof, "its Rekor v2 entry does not match the attestation: either the certificate or the signed statement differs from what was logged, or its inclusion proof is broken (a Rekor v2 entry is recomputed from the attestation, so the two look alike); nothing proves this signature was logged")
	case errors.Is(err, errMalformedLogEntry):
		return with(NoTransparencyProof, "its transparency-log entry is malformed, so nothing proves the signature was logged")
	case errors.Is(err, errCertificateNotLeaf):
		return with(UntrustedCertificate, "its signing certificate is a CA certificate, not a Fulcio signing (leaf) certificate")
	case errors.Is(err, errMalformedCertificate):
		return with(InvalidSignature, "its signing certificate is not a valid X.509 certificate")
	case has("not enough verified log entries"):
		if len(entryLogIDs) == 0 {
			return NoTransparencyProof, "it has no transparency-log entry: nothing proves the signature was logged, and there is no trusted signing time"
		}
		for _, id := range entryLogIDs {
			if _, ok := trustedLogs[id]; ok {
				return with(NoTransparencyProof, "its transparency-log entry does not verify (the log's signed entry timestamp does not match), so nothing proves the signature was logged")
			}
		}
		return UntrustedCertificate, fmt.Sprintf("its transparency-log entry was made by a log the trusted root does not know (log id %s), so it is not anchored in the trusted root", strings.Join(entryLogIDs, ", "))
	case has("integrated time outside certificate validity"):
		return with(UntrustedCertificate, "its signing certificate was not valid when the log recorded the signature")
	case has("transparency log signature does not match"),
		has("transparency log certificate does not match"),
		has("does not match envelope payload hash"),
		has("is not a dsse_v001 or intoto_v002 entry"),
		has("failed to decode envelope payload"):
		return with(InvalidSignature, "the signature, certificate or statement is not what the transparency log recorded")
	case has("failed to verify timestamps"):
		// The entry verified, but nothing gave a trusted time: a Rekor v2
		// entry has no signed entry timestamp, so the time must come from
		// an RFC 3161 timestamp (verification_material.timestamps).
		return timestampProblem(err, has, with)
	case has("failed to verify log inclusion"):
		return with(NoTransparencyProof, "its transparency-log entry does not verify, so nothing proves the signature was logged at a trusted time")
	case has("failed to verify leaf certificate"):
		return with(UntrustedCertificate, "its signing certificate does not chain to a Fulcio CA of the trusted root, or was not valid, at the signing time the log or the timestamp gives")
	case has("failed to verify signed certificate timestamp"):
		return with(UntrustedCertificate, "its signing certificate has no valid timestamp from a certificate transparency log of the trusted root")
	case has("failed to fetch envelope statement"):
		return with(InvalidStatement, "the signed payload is not an in-toto statement")
	}
	return with(InvalidSignature, "its signature does not verify")
}

// timestampProblem maps sigstore-go's "no trusted time" failure, whose text
// joins why each RFC 3161 timestamp failed against each timestamp authority
// of the trusted root (timestamp-authority's pkg/verification texts, and
// root.SigstoreTimestampingAuthority's window checks). A timestamp whose
// signature fails is invalid-signature whatever authority it names; one over
// another signature is invalid-signature; one from an authority of the root
// outside its validity window, or from an authority the root does not hold,
// is untrusted-certificate; none at all is no-transparency-proof.
func timestampProblem(err error, has func(string) bool, with func(ProblemKind, string) (ProblemKind, string)) (ProblemKind, string) {
	switch {
	case !has("unable to verify signed timestamps"):
		return with(NoTransparencyProof, "nothing gives it a trusted signing time: no transparency-log entry has a verified signed entry timestamp (a Rekor v2 entry never has one) and it carries no RFC 3161 timestamp, so the certificate cannot be checked at signing time")
	case has("error parsing response into Timestamp"), has("timestamp response is not valid"), has("error while verifying signature"):
		return with(InvalidSignature, "its RFC 3161 timestamp is damaged or its signature does not verify, so it gives no trusted signing time")
	case has("hashed messages don't match"):
		return with(InvalidSignature, "its RFC 3161 timestamp is over another signature than the attestation's, so it gives no trusted signing time")
	case has("validity period"):
		return with(UntrustedCertificate, "its RFC 3161 timestamp comes from a timestamp authority of the trusted root outside that authority's validity window, so it gives no trusted signing time")
	}
	return with(UntrustedCertificate, "its RFC 3161 timestamp is signed by a timestamp authority the trusted root does not hold, so it gives no trusted signing time")
}
