// Command pyverify tells whether Python packages are the ones their
// publishers built.
//
// For every requirement it fetches metadata and artifacts from a
// PyPI-compatible index concurrently, recomputes each artifact's sha256,
// verifies the PEP 740 attestations the index stores for it (Sigstore-signed
// in-toto statements bound to a Trusted Publisher) and evaluates the evidence
// against a policy.
//
// Usage:
//
//	pyverify audit   [-r FILE]... [REQ...]     audit requirements files and inline specs
//	pyverify check   NAME[==VERSION]...        ad hoc lookups; no version = the latest release
//	pyverify verify  FILE... [--provenance F]  local artifacts; provenance from F, else the index
//	pyverify policy  init [-r FILE]...         print a policy pinning the publishers observed now
//	pyverify policy  check [FILE] [-r FILE]    validate a policy file
//	pyverify version
//
// -r FILE reads pip requirements files (includes, constraints, hashes,
// markers) and PEP 751 lock files (pylock.toml, pylock.NAME.toml); -r - reads
// standard input.
//
// Global flags: --index-url URL, --trusted-root FILE, --policy FILE,
// --format text|json|sarif|markdown, -o FILE, --concurrency N,
// --cache-dir DIR, --no-cache, --offline, -q, -v. audit and check also take
// --no-download; check and verify take --repo OWNER/NAME, --owner OWNER and
// --workflow FILE, a one-off GitHub publisher pin.
//
// Exit codes:
//
//	0    every package satisfies the policy
//	1    at least one package violates the policy (tampering included)
//	2    usage or configuration error; nothing was verified
//	3    no violation, but at least one package could not be checked completely
//	130  interrupted by Ctrl-C (SIGINT); 143 by SIGTERM
//
// The exit code is the same whatever --format is. docs/manual.md in the
// repository is the user manual. This package is only the cobra layer: each
// command turns flags into inputs, loads the trusted root and policy, calls
// one engine function and renders the report. Only this package imports
// cobra.
package main
