package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/pyverify/pyverify/pypi"
)

// StatementTypeV1 is the in-toto Statement v1 type every PEP 740
// attestation statement must have (SPEC §4.4).
const StatementTypeV1 = "https://in-toto.io/Statement/v1"

// The predicate types SPEC §4.4 knows. An attestation with any other
// predicate type is reported as unknown-predicate and is no evidence.
const (
	// PredicatePyPIPublish is PyPI's publish attestation (PEP 740).
	PredicatePyPIPublish = "https://docs.pypi.org/attestations/publish/v1"
	// PredicateSLSAProvenance is SLSA build provenance v1.
	PredicateSLSAProvenance = "https://slsa.dev/provenance/v1"
)

// KnownPredicate reports whether predicateType is one SPEC §4.4 trusts.
func KnownPredicate(predicateType string) bool {
	return predicateType == PredicatePyPIPublish || predicateType == PredicateSLSAProvenance
}

// statement is the part of an in-toto Statement v1 that the checks read.
// The predicate itself is never interpreted: PEP 740 publish predicates are
// null or {}, and SLSA predicates say nothing the certificate does not.
type statement struct {
	Type          string
	Subject       []subject
	PredicateType string
}

// subject is one in-toto ResourceDescriptor of a statement's subject list.
type subject struct {
	Name   string
	Digest map[string]string
}

// maxStatementDepth bounds the nesting of a statement's JSON, so that a
// deeply nested predicate cannot exhaust the stack of decodeStrictJSON.
const maxStatementDepth = 64

// parseStatement decodes an in-toto Statement v1 strictly (SPEC §4.4):
// keys match exactly (encoding/json alone would match "SUBJECT" to
// "subject"), a duplicated key anywhere is an error (a parser that keeps the
// first and one that keeps the last would read different statements), and
// the fields in-toto and pypi-attestations (sigstore-python's _Statement)
// require must be present with their types: "_type" and "predicateType"
// strings, "subject" an array of objects whose "name" is a string and whose
// "digest" maps algorithm names to strings, "predicate" absent, null or an
// object.
func parseStatement(payload []byte) (statement, error) {
	v, err := decodeStrictJSON(payload)
	if err != nil {
		return statement{}, err
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return statement{}, errors.New("not a JSON object")
	}
	var st statement
	if st.Type, err = stringField(obj, "_type", true); err != nil {
		return statement{}, err
	}
	if st.PredicateType, err = stringField(obj, "predicateType", true); err != nil {
		return statement{}, err
	}
	switch p := obj["predicate"].(type) {
	case nil, map[string]any:
	default:
		return statement{}, fmt.Errorf("predicate is a %s, want an object or null", jsonKind(p))
	}
	raw, ok := obj["subject"]
	if !ok {
		return statement{}, errors.New("no subject field")
	}
	subs, ok := raw.([]any)
	if !ok {
		return statement{}, fmt.Errorf("subject is a %s, want an array", jsonKind(raw))
	}
	for i, rs := range subs {
		so, ok := rs.(map[string]any)
		if !ok {
			return statement{}, fmt.Errorf("subject[%d] is a %s, want an object", i, jsonKind(rs))
		}
		var s subject
		if s.Name, err = stringField(so, "name", false); err != nil {
			return statement{}, fmt.Errorf("subject[%d]: %w", i, err)
		}
		if rd, ok := so["digest"]; ok && rd != nil {
			d, ok := rd.(map[string]any)
			if !ok {
				return statement{}, fmt.Errorf("subject[%d].digest is a %s, want an object", i, jsonKind(rd))
			}
			s.Digest = make(map[string]string, len(d))
			for alg, dv := range d {
				ds, ok := dv.(string)
				if !ok {
					return statement{}, fmt.Errorf("subject[%d].digest.%s is a %s, want a string", i, alg, jsonKind(dv))
				}
				s.Digest[alg] = ds
			}
		}
		st.Subject = append(st.Subject, s)
	}
	return st, nil
}

// stringField returns obj[key] when it is a string; absent (or null, when
// not required) is "".
func stringField(obj map[string]any, key string, required bool) (string, error) {
	v, ok := obj[key]
	if !ok || (v == nil && !required) {
		if required {
			return "", fmt.Errorf("no %s field", key)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s is a %s, want a string", key, jsonKind(v))
	}
	return s, nil
}

// jsonKind names the JSON type of a value decodeStrictJSON returned.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// decodeStrictJSON decodes one JSON value (objects as map[string]any,
// numbers as json.Number), rejecting duplicated object keys, nesting deeper
// than maxStatementDepth and anything after the value.
func decodeStrictJSON(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := decodeStrictValue(d, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

func decodeStrictValue(d *json.Decoder, depth int) (any, error) {
	if depth > maxStatementDepth {
		return nil, fmt.Errorf("nested deeper than %d levels", maxStatementDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := map[string]any{}
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			k, ok := kt.(string)
			if !ok {
				return nil, fmt.Errorf("object key %v is not a string", kt)
			}
			if _, dup := obj[k]; dup {
				return nil, fmt.Errorf("duplicated key %q", k)
			}
			if obj[k], err = decodeStrictValue(d, depth+1); err != nil {
				return nil, err
			}
		}
		if _, err := d.Token(); err != nil { // '}'
			return nil, err
		}
		return obj, nil
	case json.Delim('['):
		arr := []any{}
		for d.More() {
			v, err := decodeStrictValue(d, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		if _, err := d.Token(); err != nil { // ']'
			return nil, err
		}
		return arr, nil
	case json.Delim('}'), json.Delim(']'):
		return nil, fmt.Errorf("unexpected %v", tok)
	}
	return tok, nil
}

// statementCheck is the outcome of checkStatement: the statement's
// predicate type (when it could be read) and, when the statement is not
// about this file, the problem kind and its cause in words.
type statementCheck struct {
	PredicateType string
	Kind          ProblemKind // "" when the statement is about this file
	Cause         string
}

// checkStatement applies SPEC §4.4's statement rules (corpus README rule 3)
// to a DSSE payload that sigstore-go has already verified: an in-toto
// Statement v1 (else invalid-statement) with exactly one subject whose name
// is equivalent to filename (pypi.EquivalentFilenames, rule 5) and whose
// sha256 is exactly digest in lowercase hex (else subject-mismatch), as
// pypi-attestations' Attestation.verify compares them. Whether the predicate
// type is known is left to the caller, which decides it only after the
// publisher check.
func checkStatement(filename string, digest pypi.SHA256, payload []byte) statementCheck {
	st, err := parseStatement(payload)
	if err != nil {
		return statementCheck{Kind: InvalidStatement, Cause: fmt.Sprintf("signed payload is not an in-toto Statement v1: %v", err)}
	}
	if st.Type != StatementTypeV1 {
		return statementCheck{Kind: InvalidStatement, Cause: fmt.Sprintf("signed statement has _type %q, want %q", st.Type, StatementTypeV1)}
	}
	c := statementCheck{PredicateType: st.PredicateType}
	if len(st.Subject) != 1 {
		c.Kind, c.Cause = SubjectMismatch, fmt.Sprintf("statement has %d subjects, want exactly 1", len(st.Subject))
		return c
	}
	sub := st.Subject[0]
	if sub.Name == "" {
		c.Kind, c.Cause = SubjectMismatch, "statement subject has no name"
		return c
	}
	if !pypi.EquivalentFilenames(sub.Name, filename) {
		c.Kind, c.Cause = SubjectMismatch, fmt.Sprintf("statement is about %q, not this file", sub.Name)
		return c
	}
	got, ok := sub.Digest["sha256"]
	switch {
	case !digest.Valid():
		// Cannot happen from the engine, which checks the index digest;
		// without it an empty subject digest would equal an empty file one.
		c.Kind, c.Cause = SubjectMismatch, fmt.Sprintf("the file's sha256 %q is not 64 lower-case hex digits, so the statement subject cannot be compared with it", digest)
	case !ok:
		c.Kind, c.Cause = SubjectMismatch, "statement subject has no sha256 digest"
	case got != string(digest):
		c.Kind, c.Cause = SubjectMismatch, fmt.Sprintf("statement subject has sha256 %s but the file's is %s", got, digest)
	}
	return c
}
