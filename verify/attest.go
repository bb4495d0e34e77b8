package verify

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"google.golang.org/protobuf/encoding/protojson"
)

// bundleMediaType is the Sigstore bundle version PEP 740 attestations
// convert to (pypi-attestations' Attestation.to_bundle).
const bundleMediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

// Verifier verifies PEP 740 attestations against one trusted root (SPEC
// §4.4–4.5). It is safe for concurrent use.
type Verifier struct {
	tr *TrustedRoot
	sv *sgverify.Verifier
}

// NewVerifier returns a Verifier for tr with the production sigstore-go
// options of the corpus README rule 2: one transparency-log entry, one
// signed certificate timestamp and one observer timestamp required. The
// integrated time that anchors the certificate counts only through a
// verified signed entry timestamp; a Rekor v2 entry has none, and its time
// comes from an RFC 3161 timestamp instead (rekorv2.go). No option weakens
// these.
func NewVerifier(tr *TrustedRoot) (*Verifier, error) {
	if tr == nil || tr.tr == nil {
		return nil, errors.New("sigstore verifier: no trusted root")
	}
	sv, err := sgverify.NewVerifier(tr.tr,
		sgverify.WithTransparencyLog(1),
		sgverify.WithSignedCertificateTimestamps(1),
		sgverify.WithObserverTimestamps(1),
	)
	if err != nil {
		return nil, fmt.Errorf("sigstore verifier: %w", err)
	}
	return &Verifier{tr: tr, sv: sv}, nil
}

// FileVerification is what the attestations of one file establish.
//
// Evidence is Verified when at least one attestation verified completely
// (signature, certificate, log entry, statement, publisher, known
// predicate); HashOnly when there is no provenance, no attestation, or only
// attestations of unknown predicate types; Failed when any attestation
// failed, whatever else verified (SPEC §4: an attestation that does not
// verify is never ignored). It never says anything about the file's bytes:
// the caller compares the digest.
//
// Problems holds every problem of every attestation (each message names the
// file and the attestation); Attestations[i].Problems holds the same
// problems for that attestation alone, so a renderer shows one or the
// other, not both.
type FileVerification struct {
	Evidence     Evidence
	Attestations []Attestation
	Problems     []Problem
}

// VerifyFile verifies every attestation of every bundle of prov for the file
// filename whose sha256 is sha256hex (the digest the index lists, which the
// caller has checked the bytes against). prov == nil means no provenance is
// published: HashOnly.
//
// A bundle with a publisher must be matched by each of its attestations'
// certificates (SPEC §4.5). A bundle without one (a bare attestation file)
// has no claim to match: its attestations verify on signature, log entry and
// statement, and their Publisher is read from the verified certificate, so
// the policy still decides on the real signer; a certificate that does not
// identify a GitHub, GitLab or Google Trusted Publisher completely is
// publisher-mismatch.
func (v *Verifier) VerifyFile(filename, sha256hex string, prov *Provenance) FileVerification {
	var fv FileVerification
	if prov == nil {
		fv.Evidence = HashOnly
		return fv
	}
	var verified, failed bool
	n := 0
	for _, b := range prov.Bundles {
		for _, ra := range b.Attestations {
			n++
			a := v.verifyAttestation(filename, sha256hex, n, b.Publisher, ra)
			fv.Attestations = append(fv.Attestations, a)
			fv.Problems = append(fv.Problems, a.Problems...)
			if a.Verified {
				verified = true
			}
			for _, p := range a.Problems {
				if p.Kind != UnknownPredicate {
					failed = true
				}
			}
		}
	}
	switch {
	case failed:
		fv.Evidence = Failed
	case verified:
		fv.Evidence = Verified
	default:
		fv.Evidence = HashOnly
	}
	return fv
}

// verifyAttestation verifies the n-th (1-based) attestation of a file:
// sigstore-go first, then the statement, then the publisher, then the
// predicate type. It stops at the first problem.
func (v *Verifier) verifyAttestation(filename, sha256hex string, n int, pub Publisher, ra RawAttestation) Attestation {
	a := Attestation{Publisher: pub}
	fail := func(kind ProblemKind, cause string) Attestation {
		a.Verified = false
		a.Problems = append(a.Problems, Problem{
			Kind:    kind,
			Message: fmt.Sprintf("%s: attestation %d: %s", filename, n, cause),
		})
		return a
	}

	b, entries, err := toBundle(ra)
	logIDs := make([]string, 0, len(entries))
	for _, e := range entries {
		logIDs = append(logIDs, hex.EncodeToString(e.GetLogId().GetKeyId()))
	}
	if err == nil {
		var res *sgverify.VerificationResult
		res, err = v.sv.Verify(b, sgverify.NewPolicy(sgverify.WithoutArtifactUnsafe(), sgverify.WithoutIdentitiesUnsafe()))
		if err == nil {
			err = checkRekorV2Windows(entries, res, v.tr.tr.RekorLogs())
		}
		if err == nil {
			a.TimeSource = timeSourceOf(res)
			return v.checkVerified(a, fail, filename, sha256hex, ra, entries, res)
		}
		err = explainLogFailure(err, b, entries, v.tr.tr)
	}
	return fail(sigstoreProblem(err, logIDs, v.tr.tr.RekorLogs()))
}

// checkVerified applies the statement, publisher and predicate checks to an
// attestation sigstore-go verified, and fills in what the certificate and
// the log entry say.
func (v *Verifier) checkVerified(a Attestation, fail func(ProblemKind, string) Attestation, filename, sha256hex string,
	ra RawAttestation, entries []*protorekor.TransparencyLogEntry, res *sgverify.VerificationResult) Attestation {
	for _, ts := range res.VerifiedTimestamps {
		if ts.Type == "Tlog" {
			a.IntegratedTime = ts.Timestamp.UTC()
			break
		}
	}
	trusted := v.tr.tr.RekorLogs()
	for _, e := range entries {
		if _, ok := trusted[hex.EncodeToString(e.GetLogId().GetKeyId())]; ok {
			a.LogIndex = e.GetLogIndex()
			break
		}
	}
	if res.Signature == nil || res.Signature.Certificate == nil {
		return fail(InvalidSignature, "sigstore verified no signing certificate")
	}
	cert, err := x509.ParseCertificate(ra.Certificate)
	if err != nil { // cannot happen: sigstore-go parsed it
		return fail(InvalidSignature, fmt.Sprintf("its signing certificate is not a valid X.509 certificate (%v)", err))
	}
	id, err := readIdentity(cert, *res.Signature.Certificate)
	if err != nil {
		return fail(InvalidSignature, fmt.Sprintf("its signing certificate is malformed (%v)", err))
	}
	a.Identity = id.Identity

	sc := checkStatement(filename, sha256hex, ra.Statement)
	a.PredicateType = sc.PredicateType
	if sc.Kind != "" {
		return fail(sc.Kind, sc.Cause)
	}
	if a.Publisher.Kind == "" {
		// Nothing names the publisher: read it from the certificate, and
		// hold it to the same rules, so that a certificate that names no
		// Trusted Publisher (a personal e-mail, an unknown issuer, a
		// GitHub identity without its workflow) is never evidence.
		a.Publisher = derivePublisher(id)
		if a.Publisher.Kind == "" {
			return fail(PublisherMismatch, fmt.Sprintf("the attestation comes without provenance naming its publisher, and its certificate (%s, issued by %s) is not one of a Trusted Publisher pyverify knows (GitHub, GitLab, Google)", orNone(id.SAN), orNone(id.Issuer)))
		}
		if cause := matchPublisher(a.Publisher, id); cause != "" {
			return fail(PublisherMismatch, "the attestation comes without provenance naming its publisher, and its certificate does not name one completely: "+cause)
		}
	} else if cause := matchPublisher(a.Publisher, id); cause != "" {
		return fail(PublisherMismatch, cause)
	}
	if !KnownPredicate(sc.PredicateType) {
		return fail(UnknownPredicate, fmt.Sprintf("predicate type %q is not one pyverify knows; the attestation verifies but is no evidence", sc.PredicateType))
	}
	a.Verified = true
	return a
}

// toBundle converts a PEP 740 attestation to a Sigstore bundle (corpus README
// rule 1, pypi-attestations' Attestation.to_bundle): the DER leaf as the
// certificate, the transparency entries as Rekor TransparencyLogEntry
// protobuf JSON, and a DSSE envelope with the in-toto payload type. It also
// returns the parsed entries, as far as they parsed, for the log-id
// inspection of sigstoreProblem.
func toBundle(ra RawAttestation) (*bundle.Bundle, []*protorekor.TransparencyLogEntry, error) {
	var entries []*protorekor.TransparencyLogEntry
	for k, raw := range ra.TransparencyEntries {
		var e protorekor.TransparencyLogEntry
		if err := protojson.Unmarshal(raw, &e); err != nil {
			return nil, entries, fmt.Errorf("%w %d: %w", errMalformedLogEntry, k, err)
		}
		entries = append(entries, &e)
	}
	if err := checkEntryKinds(entries); err != nil {
		return nil, entries, err
	}
	cert, err := x509.ParseCertificate(ra.Certificate)
	if err != nil {
		return nil, entries, fmt.Errorf("%w: %w", errMalformedCertificate, err)
	}
	if cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign != 0 {
		// Go's chain verification accepts a CA as the leaf; a signing
		// certificate never is one (sigstore-python refuses it too).
		return nil, entries, fmt.Errorf("%w: subject %q", errCertificateNotLeaf, cert.Subject)
	}
	pb := &protobundle.Bundle{
		MediaType: bundleMediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{
				Certificate: &protocommon.X509Certificate{RawBytes: ra.Certificate},
			},
			TlogEntries:               entries,
			TimestampVerificationData: timestampData(ra),
		},
		Content: &protobundle.Bundle_DsseEnvelope{
			DsseEnvelope: &protodsse.Envelope{
				Payload:     ra.Statement,
				PayloadType: bundle.IntotoMediaType,
				Signatures:  []*protodsse.Signature{{Sig: ra.Signature}},
			},
		},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		// The certificate and envelope are set and well-formed, so what
		// NewBundle rejects is the log entries (unparseable body, kind
		// mismatch, missing inclusion proof or checkpoint).
		return nil, entries, fmt.Errorf("%w: %w", errMalformedLogEntry, err)
	}
	return b, entries, nil
}
