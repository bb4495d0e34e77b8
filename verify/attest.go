package verify

import (
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/pyverify/pyverify/pypi"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
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

// maxFileProblems bounds the attestation problems one file lists one by
// one: the first few distinct ones (kind and cause). The rest are counted,
// one summary problem per kind, so that what an index sends cannot flood
// the report (issue #8).
const maxFileProblems = 5

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
// Each problem is stored once (STYLE §8): an attestation's problem is in
// Attestations[i].Problems only, and Problems holds what concerns the file
// as a whole: one "and N more" problem per kind for the attestations not
// listed because the first maxFileProblems distinct problems already are.
// Evidence counts every attestation, listed or not.
type FileVerification struct {
	Evidence     Evidence
	Attestations []Attestation
	Problems     []Problem
}

// AllProblems returns every problem of fv: its own, then each
// attestation's, in order.
func (fv FileVerification) AllProblems() []Problem {
	return File{Problems: fv.Problems, Attestations: fv.Attestations}.AllProblems()
}

// VerifyFile verifies every attestation of every bundle of prov for the file
// filename whose sha256 is digest (the digest the index lists, which the
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
func (v *Verifier) VerifyFile(filename string, digest pypi.SHA256, prov *Provenance) FileVerification {
	if prov == nil {
		return FileVerification{Evidence: HashOnly}
	}
	var (
		fv               FileVerification
		verified, failed bool
		n                int
		listed           = map[attestationProblem]bool{}
		omitted          = map[ProblemKind]int{}
	)
	for _, b := range prov.Bundles {
		for _, ra := range b.Attestations {
			n++
			a, prob := v.verifyAttestation(filename, digest, b.Publisher, ra)
			if prob.kind == "" {
				verified = true
				fv.Attestations = append(fv.Attestations, a)
				continue
			}
			if prob.kind != UnknownPredicate {
				failed = true
			}
			if listed[prob] || len(listed) >= maxFileProblems {
				omitted[prob.kind]++
				continue
			}
			listed[prob] = true
			a.Problems = []Problem{{Kind: prob.kind, Message: fmt.Sprintf("%s: attestation %d: %s", filename, n, prob.cause)}}
			fv.Attestations = append(fv.Attestations, a)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(omitted)) {
		fv.Problems = append(fv.Problems, Problem{Kind: k, Message: fmt.Sprintf(
			"%s: and %d more of kind %s: further attestations with this problem are not listed one by one", filename, omitted[k], k)})
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

// attestationProblem is why one attestation is not evidence: its kind and
// the cause in words (without the file and attestation number, so that equal
// causes compare equal). The zero value means it verified.
type attestationProblem struct {
	kind  ProblemKind
	cause string
}

// verifyAttestation verifies one attestation: sigstore-go first, then the
// statement, then the publisher, then the predicate type, stopping at the
// first problem. The result is built in locals and returned (STYLE §8), so
// it carries what is known of the signer whichever check failed: once
// sigstore-go verified the signature, the certificate's identity, the log
// index, the integrated time and (from the statement on) the predicate type;
// when the signature itself failed, the identity the certificate claims,
// marked IdentityUnverified.
func (v *Verifier) verifyAttestation(filename string, digest pypi.SHA256, pub Publisher, ra RawAttestation) (Attestation, attestationProblem) {
	a := Attestation{Publisher: pub}
	b, entries, err := toBundle(ra)
	var res *sgverify.VerificationResult
	if err == nil {
		res, err = v.sv.Verify(b, sgverify.NewPolicy(sgverify.WithoutArtifactUnsafe(), sgverify.WithoutIdentitiesUnsafe()))
		if err == nil {
			err = checkRekorV2Windows(entries, res, v.tr.tr.RekorLogs())
		}
		if err != nil {
			err = explainLogFailure(err, b, entries, v.tr.tr)
		}
	}
	if err != nil {
		logIDs := make([]string, 0, len(entries))
		for _, e := range entries {
			logIDs = append(logIDs, hex.EncodeToString(e.GetLogId().GetKeyId()))
		}
		a.Identity, a.IdentityUnverified = claimedIdentity(ra.Certificate)
		kind, cause := sigstoreProblem(err, logIDs, v.tr.tr.RekorLogs())
		return a, attestationProblem{kind, cause}
	}

	a.TimeSource = timeSourceOf(res)
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
		return a, attestationProblem{InvalidSignature, "sigstore verified no signing certificate"}
	}
	cert, err := x509.ParseCertificate(ra.Certificate)
	if err != nil { // cannot happen: sigstore-go parsed it
		return a, attestationProblem{InvalidSignature, fmt.Sprintf("its signing certificate is not a valid X.509 certificate (%v)", err)}
	}
	id, err := readIdentity(cert, *res.Signature.Certificate)
	if err != nil {
		return a, attestationProblem{InvalidSignature, fmt.Sprintf("its signing certificate is malformed (%v)", err)}
	}
	a.Identity = id.Identity

	sc := checkStatement(filename, digest, ra.Statement)
	a.PredicateType = sc.PredicateType
	if sc.Kind != "" {
		return a, attestationProblem{sc.Kind, sc.Cause}
	}
	if a.Publisher.Kind == "" {
		// Nothing names the publisher: read it from the certificate, and
		// hold it to the same rules, so that a certificate that names no
		// Trusted Publisher (a personal e-mail, an unknown issuer, a
		// GitHub identity without its workflow) is never evidence.
		a.Publisher = derivePublisher(id)
		if a.Publisher.Kind == "" {
			return a, attestationProblem{PublisherMismatch, fmt.Sprintf("the attestation comes without provenance naming its publisher, and its certificate (%s, issued by %s) is not one of a Trusted Publisher pyverify knows (GitHub, GitLab, Google)", orNone(id.SAN), orNone(id.Issuer))}
		}
		if cause := matchPublisher(a.Publisher, id); cause != "" {
			return a, attestationProblem{PublisherMismatch, "the attestation comes without provenance naming its publisher, and its certificate does not name one completely: " + cause}
		}
	} else if cause := matchPublisher(a.Publisher, id); cause != "" {
		return a, attestationProblem{PublisherMismatch, cause}
	}
	if !KnownPredicate(sc.PredicateType) {
		return a, attestationProblem{UnknownPredicate, fmt.Sprintf("predicate type %q is not one pyverify knows; the attestation verifies but is no evidence", sc.PredicateType)}
	}
	a.Verified = true
	return a, attestationProblem{}
}

// claimedIdentity is what the DER certificate der says about its signer,
// read without trusting it, for an attestation whose signature did not
// verify: the report still shows who claims to have signed (issue #8). ok
// is false when the certificate says nothing readable.
func claimedIdentity(der []byte) (id Identity, ok bool) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return Identity{}, false
	}
	sum, err := certificate.SummarizeCertificate(cert)
	if err != nil {
		return Identity{}, false
	}
	cid, err := readIdentity(cert, sum)
	if err != nil {
		return Identity{}, false
	}
	return cid.Identity, cid.Identity != Identity{}
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
