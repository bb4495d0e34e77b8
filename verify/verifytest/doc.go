// Package verifytest is a small, self-contained Sigstore for tests: a Fulcio
// root and intermediate CA, a certificate-transparency log and a Rekor v1 log,
// all with keys held in memory, that mints PEP 740 attestations and PyPI
// Integrity API provenance objects for any distribution file. Its certificates
// carry real-looking GitHub, GitLab and Google identities with the Fulcio
// extensions, an SCT embedded by the precertificate flow, and Rekor dsse
// entries with a signed entry timestamp and an inclusion proof, so that they
// pass sigstore-go's production verifier options (transparency log, SCT and
// observer timestamp thresholds of 1) unweakened; Spec's fault fields break one
// property at a time for negative tests. With Spec.RekorV2 it mints what
// Rekor v2 returns instead (a hashedrekord 0.0.2 entry with an inclusion proof
// and a signed checkpoint, no integrated time), with an RFC 3161 timestamp
// from its timestamp authority in verification_material.timestamps.
// TrustedRootJSON is the matching trusted_root.json.
//
// Import rule: like its parent verify, it may import sigstore-go and the
// modules in its graph (certificate-transparency-go, rekor, protobuf-specs); it
// is a test helper, imported only by _test.go files (STYLE §1 and §6).
package verifytest
