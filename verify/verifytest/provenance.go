package verifytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
)

// Attestation is a PEP 740 attestation object as PyPI serves it
// (pypi-attestations' Attestation model).
type Attestation struct {
	Version              int                  `json:"version"`
	VerificationMaterial VerificationMaterial `json:"verification_material"`
	Envelope             Envelope             `json:"envelope"`
}

// VerificationMaterial holds the DER leaf certificate (base64), the Rekor
// TransparencyLogEntry objects (protobuf-JSON) and the RFC 3161 timestamp
// responses (base64; packaging.python.org PR #1936, omitted when there are
// none) of an Attestation.
type VerificationMaterial struct {
	Certificate         string            `json:"certificate"`
	TransparencyEntries []json.RawMessage `json:"transparency_entries"`
	Timestamps          []string          `json:"timestamps,omitempty"`
}

// Envelope is PEP 740's reduced DSSE envelope: the in-toto statement and the
// signature, both base64; the payload type is implied.
type Envelope struct {
	Statement string `json:"statement"`
	Signature string `json:"signature"`
}

// Provenance is the Integrity API provenance object (PEP 740 "provenance
// object"): one attestation bundle per publisher.
type Provenance struct {
	Version            int                 `json:"version"`
	AttestationBundles []AttestationBundle `json:"attestation_bundles"`
}

// AttestationBundle is the attestations one Trusted Publisher made for a file.
type AttestationBundle struct {
	Publisher    map[string]any `json:"publisher"`
	Attestations []Attestation  `json:"attestations"`
}

// Attestation mints one PEP 740 attestation object (JSON) for the file
// filename whose sha256 is sha256hex, as spec says.
func (s *Sigstore) Attestation(filename, sha256hex string, spec Spec) ([]byte, error) {
	a, _, err := s.attest(filename, sha256hex, spec)
	if err != nil {
		return nil, err
	}
	return marshal(a)
}

// Provenance mints an Integrity API provenance object (JSON) for the file,
// with one attestation bundle per spec, each holding one attestation and the
// spec's publisher.
func (s *Sigstore) Provenance(filename, sha256hex string, specs ...Spec) ([]byte, error) {
	if len(specs) == 0 {
		return nil, fmt.Errorf("verifytest: provenance for %s: no spec", filename)
	}
	p := Provenance{Version: 1}
	for _, spec := range specs {
		a, pub, err := s.attest(filename, sha256hex, spec)
		if err != nil {
			return nil, err
		}
		p.AttestationBundles = append(p.AttestationBundles, AttestationBundle{Publisher: pub, Attestations: []Attestation{*a}})
	}
	return marshal(p)
}

// MintProvenance is the hook a fake index calls for a file with a
// `<file>.publisher` sidecar: sidecar is one Spec as JSON (see Spec for the
// field names) or a JSON array of them, one attestation bundle each.
func (s *Sigstore) MintProvenance(filename, sha256hex string, sidecar []byte) ([]byte, error) {
	var specs []Spec
	if trimmed := strings.TrimSpace(string(sidecar)); strings.HasPrefix(trimmed, "[") {
		if err := json.Unmarshal(sidecar, &specs); err != nil {
			return nil, fmt.Errorf("verifytest: publisher sidecar of %s: %w", filename, err)
		}
	} else {
		var spec Spec
		if err := json.Unmarshal(sidecar, &spec); err != nil {
			return nil, fmt.Errorf("verifytest: publisher sidecar of %s: %w", filename, err)
		}
		specs = []Spec{spec}
	}
	return s.Provenance(filename, sha256hex, specs...)
}

// attest mints the attestation and the publisher object for one spec.
func (s *Sigstore) attest(filename, sha256hex string, spec Spec) (*Attestation, map[string]any, error) {
	id, err := resolve(spec)
	if err != nil {
		return nil, nil, err
	}
	l, err := s.leafFor(id)
	if err != nil {
		return nil, nil, err
	}
	payload, err := spec.payload(filename, sha256hex)
	if err != nil {
		return nil, nil, err
	}
	sig, err := signEnvelope(l.key, payload)
	if err != nil {
		return nil, nil, err
	}
	a := &Attestation{
		Version: 1,
		VerificationMaterial: VerificationMaterial{
			Certificate:         base64.StdEncoding.EncodeToString(l.cert.Raw),
			TransparencyEntries: []json.RawMessage{},
		},
	}
	if !spec.NoTlogEntry {
		e, err := s.entryFor(spec, l, payload, sig)
		if err != nil {
			return nil, nil, err
		}
		raw, err := marshalEntry(e)
		if err != nil {
			return nil, nil, err
		}
		a.VerificationMaterial.TransparencyEntries = append(a.VerificationMaterial.TransparencyEntries, raw)
	}
	if ts, err := s.timestampFor(spec, l, sig); err != nil {
		return nil, nil, err
	} else if ts != nil {
		a.VerificationMaterial.Timestamps = []string{base64.StdEncoding.EncodeToString(ts)}
	}
	if spec.CorruptSignature {
		sig = append([]byte{}, sig...)
		sig[len(sig)-1] ^= 0x01
	}
	a.Envelope = Envelope{
		Statement: base64.StdEncoding.EncodeToString(payload),
		Signature: base64.StdEncoding.EncodeToString(sig),
	}
	pub := spec.Publisher
	if pub == nil {
		pub = id.publisher()
	}
	return a, pub, nil
}

func marshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("verifytest: encode: %w", err)
	}
	return b, nil
}

// entryFor logs the signature as spec says: in the Rekor v1 log (or the
// stray one), or in a Rekor v2 log.
func (s *Sigstore) entryFor(spec Spec, l *leaf, payload, sig []byte) (*protorekor.TransparencyLogEntry, error) {
	if !spec.RekorV2 {
		logKey := s.rekorKey
		switch {
		case spec.UnknownLog:
			logKey = s.strayKey
		case spec.StaleLog:
			logKey = s.staleKey
		}
		return s.logEntry(logKey, l.cert, payload, sig, l.signedAt, spec.CorruptSET)
	}
	log, kind := s.rekorV2, v2KindHashedRekord
	switch {
	case spec.UnknownLog:
		log = s.strayV2
	case spec.StaleLog:
		log = s.staleV2
	}
	if spec.DSSEV2 {
		kind = v2KindDSSE
	}
	return s.logEntryV2(log, kind, l.cert, payload, sig, spec.CorruptInclusionProof)
}

// timestampFor returns the RFC 3161 timestamp response spec asks for over
// the (uncorrupted) signature sig, or nil.
func (s *Sigstore) timestampFor(spec Spec, l *leaf, sig []byte) ([]byte, error) {
	if !(spec.Timestamp || spec.RekorV2 && !spec.NoTimestamp) {
		return nil, nil
	}
	t := s.tsa
	switch {
	case spec.UnknownTSA:
		t = s.strayTSA
	case spec.StaleTSA:
		t = s.staleTSA
	}
	at := l.signedAt
	if spec.TimestampAfterCertExpiry {
		at = l.cert.NotAfter.Add(5 * time.Minute)
	}
	ts, err := t.stamp(sig, at)
	if err != nil {
		return nil, err
	}
	if spec.CorruptTimestamp {
		// The CMS signature is the last element of the response: its
		// last byte is inside the TSA's ECDSA signature.
		ts[len(ts)-1] ^= 0x01
	}
	return ts, nil
}
