package verify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// att is a minimal well-formed attestation object; its fields are valid
// base64 but mean nothing (decoding checks structure only).
const att = `{"version":1,"verification_material":{"certificate":"AQID","transparency_entries":[{"logIndex":"1"}]},"envelope":{"statement":"e30=","signature":"BAUG"}}`

// prov wraps attestations into an Integrity API provenance object with a
// GitHub publisher.
func prov(atts ...string) string {
	return `{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"o/r","workflow":"w.yml","environment":null,"claims":null},"attestations":[` + strings.Join(atts, ",") + `]}]}`
}

func TestDecodeProvenance(t *testing.T) {
	t.Parallel()
	one := verify.RawAttestation{
		Certificate:         []byte{1, 2, 3},
		TransparencyEntries: nil, // compared separately
		Statement:           []byte("{}"),
		Signature:           []byte{4, 5, 6},
	}
	gh := verify.Publisher{Kind: "GitHub", Repository: "o/r", Workflow: "w.yml"}
	tests := []struct {
		name string
		in   string
		want *verify.Provenance
	}{
		{"integrity API object", prov(att, att), &verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: gh, Attestations: []verify.RawAttestation{one, one}}}}},
		{"bare attestation", att, &verify.Provenance{Bundles: []verify.AttestationBundle{{Attestations: []verify.RawAttestation{one}}}}},
		{"no version means 1", strings.Replace(prov(att), `"version":1,`, "", 1), &verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: gh, Attestations: []verify.RawAttestation{one}}}}},
		{"no bundles", `{"version":1,"attestation_bundles":[]}`, &verify.Provenance{Bundles: []verify.AttestationBundle{}}},
		{
			"GitLab CI file path",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitLab","repository":"g/p","workflow_filepath":".gitlab-ci.yml","environment":"release"},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "GitLab", Repository: "g/p", Workflow: ".gitlab-ci.yml", Environment: "release"}}}},
		},
		{
			// pypi-attestations' GitHubPublisher has "workflow" only and
			// GitLabPublisher "workflow_filepath" only; the other key is an
			// unknown field and ignored, never the workflow to check.
			"GitHub reads workflow, not workflow_filepath",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"o/r","workflow":"release.yml","workflow_filepath":"evil.yml"},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "GitHub", Repository: "o/r", Workflow: "release.yml"}}}},
		},
		{
			"GitHub with workflow_filepath only",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"o/r","workflow_filepath":"release.yml"},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "GitHub", Repository: "o/r"}}}},
		},
		{
			"GitLab reads workflow_filepath, not workflow",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitLab","repository":"g/p","workflow_filepath":".gitlab-ci.yml","workflow":"evil.yml"},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "GitLab", Repository: "g/p", Workflow: ".gitlab-ci.yml"}}}},
		},
		{
			"Google ignores repository fields and claims",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"Google","email":"a@b.iam.gserviceaccount.com","repository":"o/r","claims":{"x":1}},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "Google", Email: "a@b.iam.gserviceaccount.com"}}}},
		},
		{
			"kind in another case is kept as written",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"github","repository":"o/r","workflow":"release.yml"},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "github", Repository: "o/r", Workflow: "release.yml"}}}},
		},
		{
			"Google",
			`{"version":1,"attestation_bundles":[{"publisher":{"kind":"Google","email":"a@b.iam.gserviceaccount.com"},"attestations":[]}]}`,
			&verify.Provenance{Bundles: []verify.AttestationBundle{{Publisher: verify.Publisher{Kind: "Google", Email: "a@b.iam.gserviceaccount.com"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := verify.DecodeProvenance("x.provenance", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range got.Bundles {
				for i := range b.Attestations {
					if n := len(b.Attestations[i].TransparencyEntries); n != 1 {
						t.Errorf("got %d transparency entries, want 1", n)
					}
					b.Attestations[i].TransparencyEntries = nil
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DecodeProvenance (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeProvenanceErrors(t *testing.T) {
	t.Parallel()
	badSig := strings.Replace(att, `"signature":"BAUG"`, `"signature":"B@UG"`, 1)
	atts := func(n int) string { return strings.TrimSuffix(strings.Repeat(att+",", n), ",") }
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", `{"version":`, "x.provenance: want a JSON object"},
		{"array", `[]`, "x.provenance: want a JSON object"},
		{"null", `null`, "x.provenance: null, want an object"},
		{"neither shape", `{"version":1}`, "x.provenance: neither a provenance object"},
		{"unknown provenance version", `{"version":2,"attestation_bundles":[]}`, "x.provenance: unsupported version 2 (want 1)"},
		{"version as string", `{"version":"1","attestation_bundles":[]}`, "x.provenance: version: not a number"},
		{"bundles null", `{"version":1,"attestation_bundles":null}`, "x.provenance: attestation_bundles: null, want an array"},
		{"bundles object", `{"version":1,"attestation_bundles":{}}`, "x.provenance: attestation_bundles: want a JSON array"},
		{"bundle not object", `{"version":1,"attestation_bundles":[1]}`, "x.provenance: attestation_bundles[0]: want a JSON object"},
		{"no publisher", `{"version":1,"attestation_bundles":[{"attestations":[]}]}`, "x.provenance: attestation_bundles[0].publisher: missing"},
		{"publisher without kind", `{"version":1,"attestation_bundles":[{"publisher":{},"attestations":[]}]}`, "x.provenance: attestation_bundles[0].publisher: kind: missing"},
		{"publisher field of wrong type", `{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":1},"attestations":[]}]}`, "x.provenance: attestation_bundles[0].publisher: repository: not a string or null"},
		{"no attestations", `{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub"}}]}`, "x.provenance: attestation_bundles[0].attestations: missing"},
		{"bad base64", prov(att, badSig), "x.provenance: attestation_bundles[0].attestations[1]: bad base64 in envelope.signature"},
		{"unknown attestation version", prov(strings.Replace(att, `"version":1`, `"version":3`, 1)), "x.provenance: attestation_bundles[0].attestations[0]: unsupported version 3 (want 1)"},
		{"no envelope", prov(`{"version":1,"verification_material":{"certificate":"AQID","transparency_entries":[]}}`), "x.provenance: attestation_bundles[0].attestations[0]: envelope: missing"},
		{"certificate not string", prov(strings.Replace(att, `"certificate":"AQID"`, `"certificate":7`, 1)), "attestations[0]: verification_material.certificate: not a string"},
		{"empty statement", prov(strings.Replace(att, `"statement":"e30="`, `"statement":""`, 1)), "attestations[0]: envelope.statement: empty"},
		{"entries missing", prov(strings.Replace(att, `,"transparency_entries":[{"logIndex":"1"}]`, "", 1)), "attestations[0].verification_material.transparency_entries: missing"},
		{"entry not object", prov(strings.Replace(att, `[{"logIndex":"1"}]`, `["x"]`, 1)), "attestations[0].verification_material.transparency_entries[0]: want a JSON object"},
		{"bare attestation, bad base64", badSig, "x.provenance: bad base64 in envelope.signature"},
		// Issue #8: a document that says two things, or more than any real
		// provenance, is refused before any attestation is decoded.
		{"repeated key", `{"version":1,"version":1,"attestation_bundles":[]}`, `x.provenance: duplicated key "version"`},
		{"repeated key in an attestation", prov(strings.Replace(att, `"signature":"BAUG"`, `"signature":"BAUG","signature":"BAUG"`, 1)), `duplicated key "signature"`},
		{"too many attestations", string(verifytest.HostileProvenance(verify.MaxAttestations + 1)), "x.provenance: too many attestations (65, at most 64)"},
		{"too many over two bundles", `{"attestation_bundles":[{"publisher":{"kind":"GitHub"},"attestations":[` + atts(33) +
			`]},{"attestations":[` + atts(32) + `],"publisher":{"kind":"GitHub"}}]}`, "x.provenance: too many attestations (65, at most 64)"},
		{"too many behind an escaped key", strings.Replace(string(verifytest.HostileProvenance(100)), `"attestations"`, `"attestation\u0073"`, 1), "x.provenance: too many attestations (100, at most 64)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := verify.DecodeProvenance("x.provenance", []byte(tt.in))
			if err == nil {
				t.Fatalf("DecodeProvenance succeeded: %+v", p)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.provenance: ") {
				t.Errorf("error %q, want it to start with the file name and contain %q", err, tt.want)
			}
		})
	}
}

// FuzzDecodeProvenance checks that decoding never panics, that every error
// names the file, and that what decodes is complete: every attestation has
// a certificate, a statement and a signature, and every bundle of an
// Integrity API object has a publisher kind.
func FuzzDecodeProvenance(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.provenance"))
	if err != nil {
		f.Fatal(err)
	}
	more, err := filepath.Glob(filepath.Join("testdata", "*.publish.attestation"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range append(seeds, more...) {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(prov(att, att)))
	f.Add([]byte(att))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := verify.DecodeProvenance("fuzz.provenance", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.provenance: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		bare := len(p.Bundles) == 1 && p.Bundles[0].Publisher == verify.Publisher{}
		for _, b := range p.Bundles {
			if b.Publisher.Kind == "" && !bare {
				t.Errorf("bundle without publisher kind in a provenance object")
			}
			for _, a := range b.Attestations {
				if len(a.Certificate) == 0 || len(a.Statement) == 0 || len(a.Signature) == 0 {
					t.Errorf("attestation with an empty field: %+v", a)
				}
			}
		}
	})
}
