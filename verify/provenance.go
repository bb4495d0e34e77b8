package verify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pyverify/pyverify/pypi"
)

// Provenance is a decoded PEP 740 provenance object: what PyPI's Integrity
// API serves for a file (pypi-attestations' Provenance), or one bare
// attestation wrapped into that shape (SPEC §4.3).
type Provenance struct {
	Bundles []AttestationBundle
}

// AttestationBundle is the set of attestations one Trusted Publisher made
// for a file (pypi-attestations' AttestationBundle). A bundle decoded from a
// bare attestation file has no publisher: its Publisher.Kind is "".
type AttestationBundle struct {
	Publisher    Publisher
	Attestations []RawAttestation
}

// RawAttestation is one PEP 740 attestation with its base64 fields decoded,
// not yet verified.
type RawAttestation struct {
	Certificate         []byte            // DER leaf certificate (verification_material.certificate)
	TransparencyEntries []json.RawMessage // Rekor TransparencyLogEntry objects, protobuf JSON
	Statement           []byte            // the DSSE payload: an in-toto statement (envelope.statement)
	Signature           []byte            // the DSSE signature over Statement (envelope.signature)
	Timestamps          [][]byte          // RFC 3161 timestamp responses (verification_material.timestamps), see timestamps.go
}

// MaxAttestations bounds the attestations one provenance document may hold,
// over all its bundles. Real provenance has one or two bundles of one
// attestation each; 30,000 minimal ones fit in pypi.MaxProvenanceSize, and
// verifying and reporting them cost ~150 MB per file (issue #8). A document
// with more is refused before any attestation is decoded.
const MaxAttestations = 64

// provenanceVersion and attestationVersion are the only versions PEP 740
// defines for the provenance object and the attestation object.
const (
	provenanceVersion  = 1
	attestationVersion = 1
)

// DecodeProvenance decodes a PEP 740 provenance document named name (the
// name only appears in errors). It accepts the Integrity API shape
// {"version":1,"attestation_bundles":[…]} and a single attestation object
// (pypi-attestations' ".publish.attestation" files), which becomes one
// bundle without a publisher.
//
// Decoding is strict about JSON types and versions (PEP 740 defines version
// 1 only; a missing version means 1, as pypi-attestations' models default
// it) and lenient about unknown fields, which later PEP 740 revisions and new
// publisher kinds may add. It checks structure only: whether a certificate
// or statement means anything is VerifyFile's job, so that a bad attestation
// is reported as a problem of that attestation. Errors name the file and the
// JSON path, and decoding never panics.
func DecodeProvenance(name string, data []byte) (*Provenance, error) {
	if json.Valid(data) { // else decodeObject says what is wrong
		if n := countAttestations(data); n > MaxAttestations {
			return nil, fmt.Errorf("%s: too many attestations (%d, at most %d)", name, n, MaxAttestations)
		}
		// Last-wins decoding of a repeated key would let one document say
		// two things (issue #8), as the statement parser also refuses.
		if err := pypi.CheckStrictJSON(data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	top, err := decodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if _, ok := top["attestation_bundles"]; !ok {
		if _, isAttestation := top["verification_material"]; isAttestation {
			a, err := decodeAttestation(top)
			if err != nil {
				return nil, describe(name, "", err)
			}
			return &Provenance{Bundles: []AttestationBundle{{Attestations: []RawAttestation{a}}}}, nil
		}
		return nil, fmt.Errorf("%s: neither a provenance object (no attestation_bundles) nor an attestation (no verification_material)", name)
	}
	if err := checkVersion(top, provenanceVersion); err != nil {
		return nil, describe(name, "", err)
	}
	rawBundles, err := decodeArray(top["attestation_bundles"])
	if err != nil {
		return nil, fmt.Errorf("%s: attestation_bundles: %w", name, err)
	}
	p := &Provenance{Bundles: make([]AttestationBundle, 0, len(rawBundles))}
	for i, rb := range rawBundles {
		b, err := decodeBundle(rb)
		if err != nil {
			return nil, describe(name, fmt.Sprintf("attestation_bundles[%d]", i), err)
		}
		p.Bundles = append(p.Bundles, b)
	}
	return p, nil
}

// countAttestations counts the attestations of the provenance document data
// (valid JSON) where DecodeProvenance looks for them, without decoding any:
// the token walk holds one token at a time and skips each attestation in
// place, so a hostile document costs little more than its bytes before it
// is refused. A repeated key is counted each time, so the count is never
// below what decoding would find; what is not shaped like provenance counts
// as far as it is, and decoding reports it.
func countAttestations(data []byte) int {
	d := json.NewDecoder(bytes.NewReader(data))
	n := 0
	if !enter(d, '{') {
		return 0
	}
	for d.More() {
		if key, _ := d.Token(); key != "attestation_bundles" {
			skipValue(d)
			continue
		}
		if !enter(d, '[') {
			return n
		}
		for d.More() {
			if !enter(d, '{') {
				return n
			}
			for d.More() {
				if key, _ := d.Token(); key != "attestations" {
					skipValue(d)
					continue
				}
				if !enter(d, '[') {
					return n
				}
				for d.More() {
					n++
					skipValue(d)
				}
				_, _ = d.Token() // ']'
			}
			_, _ = d.Token() // '}'
		}
		_, _ = d.Token() // ']'
	}
	return n
}

// enter reads the next token and reports whether it opens delim.
func enter(d *json.Decoder, delim json.Delim) bool {
	tok, err := d.Token()
	return err == nil && tok == delim
}

// skipped is a JSON value read and dropped: encoding/json hands an
// Unmarshaler the value's bytes in place, so skipping copies nothing.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

func skipValue(d *json.Decoder) {
	_ = d.Decode(&skipped{})
}

// pathError is an error whose text starts with a JSON path suffix
// (".attestations[1]: …" or ": …"), so callers can prefix their own path.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// describe turns an error of the value at JSON path base in file name into
// "name: base.path: cause" (base may be empty).
func describe(name, base string, err error) error {
	path := base
	var pe *pathError
	if errors.As(err, &pe) {
		path += pe.path
		err = pe.err
	}
	path = strings.TrimPrefix(path, ".")
	if path == "" {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fmt.Errorf("%s: %s: %w", name, path, err)
}

// at wraps err with the JSON path suffix path.
func at(path string, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return &pathError{path: path + pe.path, err: pe.err}
	}
	return &pathError{path: path, err: err}
}

// decodeBundle decodes one attestation bundle. Its errors start with a path
// suffix (see pathError).
func decodeBundle(data json.RawMessage) (AttestationBundle, error) {
	obj, err := decodeObject(data)
	if err != nil {
		return AttestationBundle{}, at("", err)
	}
	var b AttestationBundle
	rawPub, ok := obj["publisher"]
	if !ok || isNull(rawPub) {
		return AttestationBundle{}, at(".publisher", errors.New("missing"))
	}
	if b.Publisher, err = decodePublisher(rawPub); err != nil {
		return AttestationBundle{}, at(".publisher", err)
	}
	rawAtts, ok := obj["attestations"]
	if !ok {
		return AttestationBundle{}, at(".attestations", errors.New("missing"))
	}
	atts, err := decodeArray(rawAtts)
	if err != nil {
		return AttestationBundle{}, at(".attestations", err)
	}
	for j, ra := range atts {
		aobj, err := decodeObject(ra)
		if err != nil {
			return AttestationBundle{}, at(fmt.Sprintf(".attestations[%d]", j), err)
		}
		a, err := decodeAttestation(aobj)
		if err != nil {
			return AttestationBundle{}, at(fmt.Sprintf(".attestations[%d]", j), err)
		}
		b.Attestations = append(b.Attestations, a)
	}
	return b, nil
}

// decodePublisher decodes a Trusted Publisher object. The fields read are
// those of pypi-attestations' model for the kind: GitHubPublisher
// {repository, workflow, environment}, GitLabPublisher {repository,
// workflow_filepath, environment} (the CI file lands in Workflow),
// GooglePublisher {email}. Fields of other kinds, "claims" and unknown
// fields are ignored, as pydantic ignores them, so that a GitHub publisher's
// "workflow_filepath" can never stand in for its "workflow". A kind pyverify
// does not know (including another spelling, "github") keeps its name and
// the repository fields for the report; matchPublisher fails it.
func decodePublisher(data json.RawMessage) (Publisher, error) {
	obj, err := decodeObject(data)
	if err != nil {
		return Publisher{}, err
	}
	var p Publisher
	if p.Kind, err = requiredString(obj, "kind"); err != nil {
		return Publisher{}, err
	}
	if p.Kind == "" {
		return Publisher{}, errors.New("kind: empty")
	}
	type field struct {
		key string
		dst *string
	}
	var fields []field
	switch p.Kind {
	case publisherGitHub:
		fields = []field{{"repository", &p.Repository}, {"workflow", &p.Workflow}, {"environment", &p.Environment}}
	case publisherGitLab:
		fields = []field{{"repository", &p.Repository}, {"workflow_filepath", &p.Workflow}, {"environment", &p.Environment}}
	case publisherGoogle:
		fields = []field{{"email", &p.Email}}
	default:
		fields = []field{{"repository", &p.Repository}, {"workflow", &p.Workflow}, {"environment", &p.Environment}, {"email", &p.Email}}
	}
	for _, f := range fields {
		if *f.dst, err = optionalString(obj, f.key); err != nil {
			return Publisher{}, err
		}
	}
	return p, nil
}

// decodeAttestation decodes one attestation object (pypi-attestations'
// Attestation). Its errors start with a path suffix.
func decodeAttestation(obj map[string]json.RawMessage) (RawAttestation, error) {
	var a RawAttestation
	if err := checkVersion(obj, attestationVersion); err != nil {
		return RawAttestation{}, at("", err)
	}
	vm, err := requiredObject(obj, "verification_material")
	if err != nil {
		return RawAttestation{}, at("", err)
	}
	if a.Certificate, err = requiredBase64(vm, "certificate", "verification_material.certificate"); err != nil {
		return RawAttestation{}, at("", err)
	}
	rawEntries, ok := vm["transparency_entries"]
	if !ok {
		return RawAttestation{}, at(".verification_material.transparency_entries", errors.New("missing"))
	}
	entries, err := decodeArray(rawEntries)
	if err != nil {
		return RawAttestation{}, at(".verification_material.transparency_entries", err)
	}
	for k, e := range entries {
		if _, err := decodeObject(e); err != nil {
			return RawAttestation{}, at(fmt.Sprintf(".verification_material.transparency_entries[%d]", k), err)
		}
		a.TransparencyEntries = append(a.TransparencyEntries, e)
	}
	if a.Timestamps, err = decodeTimestamps(vm); err != nil {
		return RawAttestation{}, err
	}
	env, err := requiredObject(obj, "envelope")
	if err != nil {
		return RawAttestation{}, at("", err)
	}
	if a.Statement, err = requiredBase64(env, "statement", "envelope.statement"); err != nil {
		return RawAttestation{}, at("", err)
	}
	if a.Signature, err = requiredBase64(env, "signature", "envelope.signature"); err != nil {
		return RawAttestation{}, at("", err)
	}
	return a, nil
}

// checkVersion requires obj["version"], when present, to be the integer want.
func checkVersion(obj map[string]json.RawMessage, want int) error {
	raw, ok := obj["version"]
	if !ok {
		return nil
	}
	var x any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	err := d.Decode(&x)
	v, ok := x.(json.Number)
	if err != nil || !ok {
		return errors.New("version: not a number")
	}
	if v.String() != fmt.Sprint(want) {
		return fmt.Errorf("unsupported version %s (want %d)", v, want)
	}
	return nil
}

// decodeObject decodes a JSON object, keeping its values raw.
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	if isNull(data) {
		return nil, errors.New("null, want an object")
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, fmt.Errorf("want a JSON object: %w", err)
	}
	return obj, nil
}

// decodeArray decodes a JSON array, keeping its elements raw.
func decodeArray(data []byte) ([]json.RawMessage, error) {
	if isNull(data) {
		return nil, errors.New("null, want an array")
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(data, &arr); err != nil {
		return nil, fmt.Errorf("want a JSON array: %w", err)
	}
	return arr, nil
}

// requiredObject returns the object at obj[key].
func requiredObject(obj map[string]json.RawMessage, key string) (map[string]json.RawMessage, error) {
	raw, ok := obj[key]
	if !ok {
		return nil, fmt.Errorf("%s: missing", key)
	}
	o, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	return o, nil
}

// requiredString returns the string at obj[key]; it must be present and a
// string.
func requiredString(obj map[string]json.RawMessage, key string) (string, error) {
	raw, ok := obj[key]
	if !ok {
		return "", fmt.Errorf("%s: missing", key)
	}
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%s: not a string", key)
	}
	return s, nil
}

// optionalString returns the string at obj[key]; absent and null are "".
func optionalString(obj map[string]json.RawMessage, key string) (string, error) {
	raw, ok := obj[key]
	if !ok || isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s: not a string or null", key)
	}
	return s, nil
}

// requiredBase64 returns the decoded standard-base64 string at obj[key],
// which must be non-empty (PEP 740's certificate, statement and signature
// are never empty). label is the field's path in errors.
func requiredBase64(obj map[string]json.RawMessage, key, label string) ([]byte, error) {
	raw, ok := obj[key]
	if !ok {
		return nil, fmt.Errorf("%s: missing", label)
	}
	var s string
	if isNull(raw) || json.Unmarshal(raw, &s) != nil {
		return nil, fmt.Errorf("%s: not a string", label)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("bad base64 in %s: %w", label, err)
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s: empty", label)
	}
	return b, nil
}

// isNull reports whether data is the JSON literal null.
func isNull(data []byte) bool {
	return string(bytes.TrimSpace(data)) == "null"
}
