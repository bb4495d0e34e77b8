package verifytest

import "strings"

// hostileAttestation is a minimal attestation that decodes and fails: the
// shape an index can repeat tens of thousands of times within
// pypi.MaxProvenanceSize (issue #8).
const hostileAttestation = `{"verification_material":{"certificate":"AA==","transparency_entries":[]},"envelope":{"statement":"AA==","signature":"AA=="}}`

// HostileProvenance is a provenance object of n hostile attestations in
// one bundle, for the tests and the benchmark of issue #8's memory bound.
func HostileProvenance(n int) []byte {
	atts := strings.TrimSuffix(strings.Repeat(hostileAttestation+",", n), ",")
	return []byte(`{"version":1,"attestation_bundles":[{"publisher":{"kind":"GitHub","repository":"acme/demo","workflow":"release.yml"},"attestations":[` + atts + `]}]}`)
}
