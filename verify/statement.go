package verify

import (
	"encoding/json"
	"fmt"
	"strings"

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
	Type    string `json:"_type"`
	Subject []struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	} `json:"subject"`
	PredicateType string `json:"predicateType"`
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
// sha256 is exactly sha256hex in lowercase hex (else subject-mismatch), as
// pypi-attestations' Attestation.verify compares them. Whether the predicate
// type is known is left to the caller, which decides it only after the
// publisher check.
func checkStatement(filename, sha256hex string, payload []byte) statementCheck {
	var st statement
	if err := json.Unmarshal(payload, &st); err != nil {
		return statementCheck{Kind: InvalidStatement, Cause: fmt.Sprintf("signed payload is not an in-toto statement: %v", err)}
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
	if !pypi.EquivalentFilenames(sub.Name, filename) {
		c.Kind, c.Cause = SubjectMismatch, fmt.Sprintf("statement is about %q, not this file", sub.Name)
		return c
	}
	got, ok := sub.Digest["sha256"]
	want := strings.ToLower(sha256hex)
	switch {
	case !ok:
		c.Kind, c.Cause = SubjectMismatch, "statement subject has no sha256 digest"
	case got != want:
		c.Kind, c.Cause = SubjectMismatch, fmt.Sprintf("statement subject has sha256 %s but the file's is %s", got, want)
	}
	return c
}
