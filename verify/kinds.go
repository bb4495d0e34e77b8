package verify

// KindInfo is what pyverify says about a problem kind: the one table every
// renderer reads (SARIF rules, the text detail's "means", the markdown
// legend, the manual's test), so that a kind's title, help and severity
// are written once (STYLE §8 "one fact, one place").
type KindInfo struct {
	Kind ProblemKind
	// Title is a one-line name, for SARIF's shortDescription.
	Title string
	// Help says what the problem means and what to do next.
	Help string
	// Contrary: contrary evidence, the file is not what it claims to be
	// (SPEC §5 "failed"), whatever the policy says.
	Contrary bool
	// Violation: the policy raises it as a violation by default (exit 1),
	// so SARIF reports it as an error like contrary evidence.
	Violation bool
}

// Kinds lists every problem kind in SPEC §5's order, then the kinds the
// issues added.
var Kinds = []KindInfo{
	{Kind: DigestMismatch, Title: "Artifact bytes do not match the expected sha256", Contrary: true,
		Help: "the bytes served are not the bytes the index lists (or that you pinned): do not install; retry " +
			"from another network or mirror and report it to the index"},
	{Kind: PinNotPublished, Title: "A hash pin matches no published file", Contrary: true,
		Help: "a --hash pin matches none of the release's published files: the pin is stale or the release " +
			"changed; find out where the pin came from before updating it"},
	{Kind: InvalidSignature, Title: "Attestation signature does not verify", Contrary: true,
		Help: "an attestation's signature does not verify over its statement, or its RFC 3161 timestamp is " +
			"damaged or not over that signature: the attestation or the file was tampered with; do not " +
			"install, and report it to the project and the index"},
	{Kind: UntrustedCertificate, Title: "Signing certificate is not trusted", Contrary: true,
		Help: "the signing certificate does not chain to the trusted root's Fulcio at signing time (or its SCT " +
			"is invalid), or the log or timestamp authority that vouches for the signing time is not in the " +
			"trusted root or was outside its validity window then: do not trust the attestation; check " +
			"--trusted-root (an old root lacks new logs and timestamp authorities), then report it"},
	{Kind: NoTransparencyProof, Title: "No valid transparency-log entry", Contrary: true,
		Help: "the attestation has no valid transparency-log entry (inclusion proof or promise), no trusted " +
			"signing time (a Rekor v2 entry needs an RFC 3161 timestamp), or only an entry of a type pyverify " +
			"cannot verify: it cannot be shown to have been logged publicly; do not trust it, and check " +
			"--trusted-root"},
	{Kind: InvalidStatement, Title: "Attestation is not an in-toto Statement v1", Contrary: true,
		Help: "the attestation's payload is not an in-toto Statement v1: it is malformed or forged; do not " +
			"trust it, and report it to the index"},
	{Kind: SubjectMismatch, Title: "Attestation subject is another file", Contrary: true,
		Help: "the attestation is about another file name or digest than this file: it was made for another " +
			"artifact; do not install"},
	{Kind: PublisherMismatch, Title: "Certificate identity does not match the publisher", Contrary: true,
		Help: "the signing certificate's identity does not match the publisher the provenance names: the " +
			"claimed Trusted Publisher did not make it; do not install, and report it to the project"},
	{Kind: PublisherNotAllowed, Title: "Publisher not allowed by the policy", Violation: true,
		Help: "the attestation verified, but its publisher is not one the policy allows for this package: the " +
			"project may have moved, or someone else published it; update the policy only if the project " +
			"really moved"},
	{Kind: MissingAttestation, Title: "Policy requires an attestation; none verified", Violation: true,
		Help: "the policy requires a verified attestation and this file has none: install only if hash-only " +
			"evidence is acceptable, ask the project to adopt Trusted Publishing, or relax the policy entry " +
			"with a reason and an expiry date"},
	{Kind: UnknownPredicate, Title: "Attestation of an unknown predicate type",
		Help: "an attestation verified but has a predicate type pyverify does not know: it is reported, not " +
			"trusted, and counts as no evidence either way; no action unless you expected it to count"},
	{Kind: Yanked, Title: "Release is yanked",
		Help: "the maintainers yanked this release: move to another version unless you need exactly this one"},
	{Kind: NotPinned, Title: "Requirement is not pinned",
		Help: "the requirement is not pinned with == or ===, so the newest matching release was checked, which " +
			"may not be what pip installs later: pin the version, and its hashes"},
	{Kind: NotFound, Title: "Project, release or file not found on the index",
		Help: "the index has no such project, release or file: check the name, the version and --index-url"},
	{Kind: UnsupportedRequirement, Title: "Requirement cannot be checked against the index",
		Help: "URL, VCS and local-path requirements cannot be checked against the index, so nothing was " +
			"verified: use a pinned index requirement, or check the artifact with pyverify verify"},
	{Kind: IndexError, Title: "No usable answer from the index (or, offline, from the cache)",
		Help: "the file could not be checked for want of a usable answer: an error status from the index (for " +
			"example 403 from the Integrity API), a malformed document, or, with --offline, nothing in the " +
			"cache (the index was never asked): retry later, check --index-url, or run once online to fill " +
			"the cache"},
	{Kind: Network, Title: "The index could not be reached",
		Help: "the index could not be reached after several tries, so the file could not be checked: retry, and " +
			"check connectivity and proxies"},
	{Kind: PolicyExpired, Title: "Policy entry has expired",
		Help: "a policy entry's expiry date has passed, so the entry no longer applies: review it, then renew " +
			"or remove it"},
	{Kind: IndexMismatch, Title: "The index served another project or release than asked", Contrary: true,
		Help: "the index served something other than what was asked (another project's or release's document or " +
			"files, or one filename listed twice): the index or a mirror in between is lying; do not install, " +
			"check --index-url, and report it to whoever runs the index"},
	{Kind: PublisherInconsistent, Title: "The release's files name different publishers", Violation: true,
		Help: "the files of this release are attested by different publishers (another kind or repository): one " +
			"of them may be an impostor; do not install until you know why, and pin the right publisher in " +
			"the policy"},
	{Kind: ProvenanceRegressed, Title: "An earlier release was attested; this file is not", Violation: true,
		Help: "an earlier release was attested by a Trusted Publisher, but this release has a file of the same " +
			"type without an attestation, or no attested file at all: the pattern of an upload with a stolen API token; do not install " +
			"until the project confirms the release, then allow it with a policy entry (reason and expiry)"},
	{Kind: PublisherChanged, Title: "The publisher differs from the previous attested release", Violation: true,
		Help: "this release is attested by a publisher the previous attested release did not name: the project " +
			"moved, or its publishing was hijacked; confirm with the project, then pin the new publisher in " +
			"the policy (publishers = [...])"},
	{Kind: UnlistedDependency, Title: "A dependency of the release is not audited",
		Help: "the release depends, in the target environment, on a project the audit did not check (or " +
			"only at a version that does not satisfy it), so what an installer adds was never verified: lock the " +
			"dependencies with uv or pip and audit the lock, or set require-complete = false to accept it"},
	{Kind: InstalledModified, Title: "An installed file differs from the wheel it came from", Contrary: true,
		Help: "a file installed in the environment differs from the wheel it was installed from, is " +
			"missing, or its RECORD was edited: what runs is not what was published; find out who changed it, then " +
			"reinstall the package (pip install --force-reinstall --no-deps NAME==VERSION)"},
}

// ProblemKinds lists every kind, in the order of Kinds (for SARIF rules
// and documentation).
var ProblemKinds = func() []ProblemKind {
	out := make([]ProblemKind, len(Kinds))
	for i, k := range Kinds {
		out[i] = k.Kind
	}
	return out
}()

// Info returns what the table says about k; ok is false for a kind it
// does not list.
func Info(k ProblemKind) (KindInfo, bool) {
	for _, ki := range Kinds {
		if ki.Kind == k {
			return ki, true
		}
	}
	return KindInfo{}, false
}
