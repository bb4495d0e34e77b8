package verify

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pyverify/pyverify/pypi"
)

func TestCheckStatement(t *testing.T) {
	t.Parallel()
	const digest = "01577e2314093011854ec7e888dc3fd25e19031bc121a8c394430da06e1fd4dc"
	stmt := func(subjects string) string {
		return `{"_type":"https://in-toto.io/Statement/v1","subject":` + subjects + `,"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`
	}
	subject := func(name, sha string) string {
		return `{"name":"` + name + `","digest":{"sha256":"` + sha + `"}}`
	}
	tests := []struct {
		name     string
		filename string
		sha256   pypi.SHA256
		payload  string
		want     ProblemKind
	}{
		{"matches", "abi3info-2024.10.3-py3-none-any.whl", digest, stmt("[" + subject("abi3info-2024.10.3-py3-none-any.whl", digest) + "]"), ""},
		{"equivalent wheel name", "abi3info-2024.10.03-py3-none-any.whl", digest, stmt("[" + subject("abi3info-2024.10.3-py3-none-any.whl", digest) + "]"), ""},
		{"equivalent sdist name", "pep740_sampleproject-1.0.0.tar.gz", digest, stmt("[" + subject("pep740-sampleproject-1.0.0.tar.gz", digest) + "]"), ""},
		// Case is folded where a digest is parsed (pypi.ParseSHA256's
		// callers); one that was not parsed is never compared loosely.
		{"caller digest in upper case", "a-1.0.tar.gz", "01577E2314093011854EC7E888DC3FD25E19031BC121A8C394430DA06E1FD4DC", stmt("[" + subject("a-1.0.tar.gz", digest) + "]"), SubjectMismatch},
		{"predicate may be an object", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x","predicate":{"k":1}}`, ""},
		{"not JSON", "a-1.0.tar.gz", digest, `{"_type":`, InvalidStatement},
		{"wrong type", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v0.1","subject":[` + subject("a-1.0.tar.gz", digest) + `]}`, InvalidStatement},
		{"_type not a string", "a-1.0.tar.gz", digest, `{"_type":1}`, InvalidStatement},
		{"no subject", "a-1.0.tar.gz", digest, stmt("[]"), SubjectMismatch},
		{"two subjects", "a-1.0.tar.gz", digest, stmt("[" + subject("a-1.0.tar.gz", digest) + "," + subject("a-1.0.tar.gz", digest) + "]"), SubjectMismatch},
		{"other file", "a-1.0.tar.gz", digest, stmt("[" + subject("a-1.1.tar.gz", digest) + "]"), SubjectMismatch},
		{"wheel for sdist", "a-1.0.tar.gz", digest, stmt("[" + subject("a-1.0-py3-none-any.whl", digest) + "]"), SubjectMismatch},
		{"other digest", "a-1.0.tar.gz", digest, stmt("[" + subject("a-1.0.tar.gz", "00"+digest[2:]) + "]"), SubjectMismatch},
		{"subject digest in upper case", "a-1.0.tar.gz", digest, stmt("[" + subject("a-1.0.tar.gz", "01577E2314093011854EC7E888DC3FD25E19031BC121A8C394430DA06E1FD4DC") + "]"), SubjectMismatch},
		{"no sha256", "a-1.0.tar.gz", digest, stmt(`[{"name":"a-1.0.tar.gz","digest":{"sha512":"00"}}]`), SubjectMismatch},
		{"predicate may be absent", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x"}`, ""},
		{"predicate may be empty", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x","predicate":{}}`, ""},
		// in-toto Statement v1 and pypi-attestations (sigstore-python's
		// _Statement) require these; Go's encoding/json alone would accept
		// them, matching keys case-insensitively and keeping the last of
		// duplicated keys.
		{"no predicateType", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicate":null}`, InvalidStatement},
		{"predicateType not a string", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":1}`, InvalidStatement},
		{"predicate a string", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x","predicate":"p"}`, InvalidStatement},
		{"predicate an array", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x","predicate":[]}`, InvalidStatement},
		{"no subject field", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","predicateType":"x"}`, InvalidStatement},
		{"subject not an array", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":` + subject("a-1.0.tar.gz", digest) + `,"predicateType":"x"}`, InvalidStatement},
		{"subject element not an object", "a-1.0.tar.gz", digest, stmt(`["a-1.0.tar.gz"]`), InvalidStatement},
		{"digest value not a string", "a-1.0.tar.gz", digest, stmt(`[{"name":"a-1.0.tar.gz","digest":{"sha256":1}}]`), InvalidStatement},
		{"key case differs", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","SUBJECT":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x"}`, InvalidStatement},
		{"_type key case differs", "a-1.0.tar.gz", digest, `{"_TYPE":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x"}`, InvalidStatement},
		{"subject name key case differs", "a-1.0.tar.gz", digest, stmt(`[{"NAME":"a-1.0.tar.gz","digest":{"sha256":"` + digest + `"}}]`), SubjectMismatch},
		{"duplicated subject key", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.1.tar.gz", digest) + `],"subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x"}`, InvalidStatement},
		{"duplicated _type key", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v0.1","_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x"}`, InvalidStatement},
		{"duplicated sha256 key", "a-1.0.tar.gz", digest, stmt(`[{"name":"a-1.0.tar.gz","digest":{"sha256":"00","sha256":"` + digest + `"}}]`), InvalidStatement},
		{"duplicated key inside the predicate", "a-1.0.tar.gz", digest, `{"_type":"https://in-toto.io/Statement/v1","subject":[` + subject("a-1.0.tar.gz", digest) + `],"predicateType":"x","predicate":{"k":1,"k":2}}`, InvalidStatement},
		{"trailing data", "a-1.0.tar.gz", digest, stmt("["+subject("a-1.0.tar.gz", digest)+"]") + `{}`, InvalidStatement},
		{"subject with empty name", "a-1.0.tar.gz", digest, stmt("[" + subject("", digest) + "]"), SubjectMismatch},
		// The file's digest must be a sha256: an empty one must not equal
		// an empty subject digest.
		{"file digest empty", "a-1.0.tar.gz", "", stmt("[" + subject("a-1.0.tar.gz", "") + "]"), SubjectMismatch},
		{"file digest not hex", "a-1.0.tar.gz", "zz", stmt("[" + subject("a-1.0.tar.gz", "zz") + "]"), SubjectMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := checkStatement(tt.filename, tt.sha256, []byte(tt.payload))
			if got.Kind != tt.want {
				t.Errorf("checkStatement kind = %q (%s), want %q", got.Kind, got.Cause, tt.want)
			}
			if got.Kind != "" && got.Cause == "" {
				t.Errorf("problem %s without a cause", got.Kind)
			}
		})
	}
}

func TestCheckStatementPredicateType(t *testing.T) {
	t.Parallel()
	const digest = "01577e2314093011854ec7e888dc3fd25e19031bc121a8c394430da06e1fd4dc"
	got := checkStatement("a-1.0.tar.gz", digest, []byte(`{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a-1.0.tar.gz","digest":{"sha256":"`+digest+`"}}],"predicateType":"https://example.com/p","predicate":null}`))
	want := statementCheck{PredicateType: "https://example.com/p"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checkStatement (-want +got):\n%s", diff)
	}
}

func TestKnownPredicate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{PredicatePyPIPublish, true},
		{PredicateSLSAProvenance, true},
		{"https://slsa.dev/provenance/v0.2", false},
		{"", false},
	} {
		if got := KnownPredicate(tt.in); got != tt.want {
			t.Errorf("KnownPredicate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
