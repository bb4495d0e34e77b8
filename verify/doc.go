// Package verify decides whether Python distributions are what their
// publishers built. It holds the checks of SPEC §4 — the recomputed sha256,
// the PEP 740 attestations verified with sigstore-go against a trusted root,
// the in-toto statement and the Trusted Publisher identity — and the
// concurrent audit engine that runs them for every requirement and applies
// the policy.
//
// Import rule: verify may import pypi and policy from this module, and it is
// the only package (with verify/verifytest) that imports sigstore-go. The
// domain result types in report.go carry no JSON tags; the wire schema
// belongs to package report.
package verify
