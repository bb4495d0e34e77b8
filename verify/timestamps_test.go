package verify_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/verify"
)

// withVM returns att with extra members appended to its
// verification_material (for example `,"timestamps":["AQ=="]`).
func withVM(members string) string {
	return strings.Replace(att, `"transparency_entries":[{"logIndex":"1"}]`, `"transparency_entries":[{"logIndex":"1"}]`+members, 1)
}

// TestDecodeTimestamps: verification_material.timestamps (packaging.python.org
// PR #1936) is an optional list of base64 RFC 3161 responses, and the fields
// a later revision may add elsewhere are ignored.
func TestDecodeTimestamps(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want [][]byte
	}{
		{"absent", att, nil},
		{"null", withVM(`,"timestamps":null`), nil},
		{"empty", withVM(`,"timestamps":[]`), nil},
		{"two", withVM(`,"timestamps":["AQID","BAU="]`), [][]byte{{1, 2, 3}, {4, 5}}},
		{"unknown fields around it", strings.Replace(withVM(`,"timestamps":["AQID"],"future":{"x":1}`), `"envelope":{`, `"later":[1],"envelope":{"extra":true,`, 1), [][]byte{{1, 2, 3}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, doc := range []string{tt.in, prov(tt.in)} {
				p, err := verify.DecodeProvenance("x.provenance", []byte(doc))
				if err != nil {
					t.Fatal(err)
				}
				got := p.Bundles[0].Attestations[0].Timestamps
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Timestamps (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDecodeTimestampsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"not an array", withVM(`,"timestamps":"AQID"`), "attestations[0].verification_material.timestamps: want a JSON array"},
		{"not a string", withVM(`,"timestamps":["AQID",7]`), "attestations[0].verification_material.timestamps[1]: not a string"},
		{"null element", withVM(`,"timestamps":[null]`), "attestations[0].verification_material.timestamps[0]: not a string"},
		{"bad base64", withVM(`,"timestamps":["A@ID"]`), "attestations[0].verification_material.timestamps[0]: bad base64"},
		{"empty", withVM(`,"timestamps":[""]`), "attestations[0].verification_material.timestamps[0]: empty"},
		{"more than sigstore-go accepts", withVM(`,"timestamps":[` + strings.Repeat(`"AQ==",`, 32) + `"AQ=="]`), "attestations[0].verification_material.timestamps: 33 timestamps, more than the 32 allowed"},
		// Required fields stay required, whatever else a later revision adds.
		{"certificate missing, unknown fields present", strings.Replace(withVM(`,"timestamps":["AQID"]`), `"certificate":"AQID",`, `"certificate_chain":["AQID"],`, 1), "attestations[0]: verification_material.certificate: missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := verify.DecodeProvenance("x.provenance", []byte(prov(tt.in)))
			if err == nil {
				t.Fatalf("DecodeProvenance succeeded: %+v", p)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x.provenance: ") {
				t.Errorf("error %q, want it to start with the file name and contain %q", err, tt.want)
			}
		})
	}
}
