package verifytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Attestation is a PEP 740 attestation object as PyPI serves it
// (pypi-attestations' Attestation model).
type Attestation struct {
	Version              int                  `json:"version"`
	VerificationMaterial VerificationMaterial `json:"verification_material"`
	Envelope             Envelope             `json:"envelope"`
}

// VerificationMaterial holds the DER leaf certificate (base64) and the Rekor
// TransparencyLogEntry objects (protobuf-JSON) of an Attestation.
type VerificationMaterial struct {
	Certificate         string            `json:"certificate"`
	TransparencyEntries []json.RawMessage `json:"transparency_entries"`
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
		logKey := s.rekorKey
		if spec.UnknownLog {
			logKey = s.strayKey
		}
		e, err := s.logEntry(logKey, l.cert, payload, sig, l.signedAt, spec.CorruptSET)
		if err != nil {
			return nil, nil, err
		}
		raw, err := marshalEntry(e)
		if err != nil {
			return nil, nil, err
		}
		a.VerificationMaterial.TransparencyEntries = append(a.VerificationMaterial.TransparencyEntries, raw)
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
