package report

import "github.com/pyverify/pyverify/verify"

// explanations holds, for every problem kind of SPEC §5, what it means and
// what to do next. The text format's detail view and SARIF's rule help both
// read it, so the two never disagree.
var explanations = map[string]string{
	"digest-mismatch": "the bytes served are not the bytes the index lists (or that you pinned): " +
		"do not install; retry from another network or mirror and report it to the index",
	"pin-not-published": "a --hash pin matches none of the release's published files: the pin is stale " +
		"or the release changed; find out where the pin came from before updating it",
	"invalid-signature": "an attestation's signature does not verify over its statement, or its RFC 3161 " +
		"timestamp is damaged or not over that signature: the attestation or the file was tampered with; " +
		"do not install, and report it to the project and the index",
	"untrusted-certificate": "the signing certificate does not chain to the trusted root's Fulcio at signing time " +
		"(or its SCT is invalid), or the log or timestamp authority that vouches for the signing time is not " +
		"in the trusted root or was outside its validity window then: do not trust the attestation; check " +
		"--trusted-root (an old root lacks new logs and timestamp authorities), then report it",
	"no-transparency-proof": "the attestation has no valid transparency-log entry (inclusion proof or promise), " +
		"no trusted signing time (a Rekor v2 entry needs an RFC 3161 timestamp), or only an entry of a type " +
		"pyverify cannot verify: it cannot be shown to have been logged publicly; do not trust it, and check " +
		"--trusted-root",
	"invalid-statement": "the attestation's payload is not an in-toto Statement v1: it is malformed or forged; " +
		"do not trust it, and report it to the index",
	"subject-mismatch": "the attestation is about another file name or digest than this file: it was made for " +
		"another artifact; do not install",
	"publisher-mismatch": "the signing certificate's identity does not match the publisher the provenance names: " +
		"the claimed Trusted Publisher did not make it; do not install, and report it to the project",
	"publisher-not-allowed": "the attestation verified, but its publisher is not one the policy allows for this " +
		"package: the project may have moved, or someone else published it; update the policy only if the " +
		"project really moved",
	"missing-attestation": "the policy requires a verified attestation and this file has none: install only if " +
		"hash-only evidence is acceptable, ask the project to adopt Trusted Publishing, or relax the policy " +
		"entry with a reason and an expiry date",
	"unknown-predicate": "an attestation verified but has a predicate type pyverify does not know: it is " +
		"reported, not trusted, and counts as no evidence either way; no action unless you expected it to count",
	"yanked": "the maintainers yanked this release: move to another version unless you need exactly this one",
	"not-pinned": "the requirement is not pinned with == or ===, so the newest matching release was checked, " +
		"which may not be what pip installs later: pin the version, and its hashes",
	"not-found": "the index has no such project, release or file: check the name, the version and --index-url",
	"unsupported-requirement": "URL, VCS and local-path requirements cannot be checked against the index, so " +
		"nothing was verified: use a pinned index requirement, or check the artifact with pyverify verify",
	"index-error": "the file could not be checked for want of a usable answer: an error status from the index (for " +
		"example 403 from the Integrity API), a malformed document, or, with --offline, nothing in the cache (the " +
		"index was never asked): retry later, check --index-url, or run once online to fill the cache",
	"network": "the index could not be reached after several tries, so the file could not be checked: retry, " +
		"and check connectivity and proxies",
	"policy-expired": "a policy entry's expiry date has passed, so the entry no longer applies: review it, " +
		"then renew or remove it",
	"index-mismatch": "the index served something other than what was asked (another project's or release's " +
		"document or files, or one filename listed twice): the index or a mirror in between is lying; do not " +
		"install, check --index-url, and report it to whoever runs the index",
	"publisher-inconsistent": "the files of this release are attested by different publishers (another kind or " +
		"repository): one of them may be an impostor; do not install until you know why, and pin the right " +
		"publisher in the policy",
	"provenance-regressed": "an earlier release was attested by a Trusted Publisher, but this release has a file of " +
		"the same type without an attestation: the pattern of an upload with a stolen API token; do not install " +
		"until the project confirms the release, then allow it with a policy entry (reason and expiry)",
	"publisher-changed": "this release is attested by a publisher the previous attested release did not name: the " +
		"project moved, or its publishing was hijacked; confirm with the project, then pin the new publisher in " +
		"the policy (publishers = [...])",
	"installed-modified": "a file installed in the environment differs from the wheel it was installed from, is " +
		"missing, or its RECORD was edited: what runs is not what was published; find out who changed it, then " +
		"reinstall the package (pip install --force-reinstall --no-deps NAME==VERSION)",
}

// Explain returns what a problem kind of SPEC §5 means and what to do
// next, or "" for a kind it does not know.
func Explain(kind string) string {
	return explanations[kind]
}

// titles are one-line names of each problem kind, for SARIF rules'
// shortDescription and the markdown legend.
var titles = map[string]string{
	"digest-mismatch":         "Artifact bytes do not match the expected sha256",
	"pin-not-published":       "A hash pin matches no published file",
	"invalid-signature":       "Attestation signature does not verify",
	"untrusted-certificate":   "Signing certificate is not trusted",
	"no-transparency-proof":   "No valid transparency-log entry",
	"invalid-statement":       "Attestation is not an in-toto Statement v1",
	"subject-mismatch":        "Attestation subject is another file",
	"publisher-mismatch":      "Certificate identity does not match the publisher",
	"publisher-not-allowed":   "Publisher not allowed by the policy",
	"missing-attestation":     "Policy requires an attestation; none verified",
	"unknown-predicate":       "Attestation of an unknown predicate type",
	"yanked":                  "Release is yanked",
	"not-pinned":              "Requirement is not pinned",
	"not-found":               "Project, release or file not found on the index",
	"unsupported-requirement": "Requirement cannot be checked against the index",
	"index-error":             "No usable answer from the index (or, offline, from the cache)",
	"network":                 "The index could not be reached",
	"policy-expired":          "Policy entry has expired",
	"index-mismatch":          "The index served another project or release than asked",
	"publisher-inconsistent":  "The release's files name different publishers",
	"provenance-regressed":    "An earlier release was attested; this file is not",
	"publisher-changed":       "The publisher differs from the previous attested release",
	"installed-modified":      "An installed file differs from the wheel it came from",
}

// contraryEvidence are the kinds that mean a file is not what it claims to
// be (SPEC §5 "failed"): they fail the file whatever the policy says.
var contraryEvidence = map[string]bool{
	"digest-mismatch":       true,
	"pin-not-published":     true,
	"invalid-signature":     true,
	"untrusted-certificate": true,
	"no-transparency-proof": true,
	"invalid-statement":     true,
	"subject-mismatch":      true,
	"publisher-mismatch":    true,
	"index-mismatch":        true,
	"installed-modified":    true,
}

// policyViolations are the kinds the policy raises as violations by
// default: SARIF rules for them are errors, like contrary evidence.
var policyViolations = map[string]bool{
	"publisher-not-allowed":  true,
	"missing-attestation":    true,
	"publisher-inconsistent": true,
	"provenance-regressed":   true,
	"publisher-changed":      true,
}

// problemKinds is every SPEC §5 kind in SPEC's order, as strings: the
// SARIF rules, and the set Explain must cover.
var problemKinds = func() []string {
	out := make([]string, len(verify.ProblemKinds))
	for i, k := range verify.ProblemKinds {
		out[i] = string(k)
	}
	return out
}()
