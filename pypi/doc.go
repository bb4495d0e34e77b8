// Package pypi holds pyverify's Python packaging vocabulary and its client for
// the Warehouse (PyPI) index. The vocabulary half parses and compares what
// Python tools write: PEP 503 project names, PEP 440 versions and specifier
// sets, distribution filenames (wheels and sdists, with the equivalence rules
// pypi-attestations applies to PEP 740 subjects), pip requirements files
// (SPEC §3), PEP 751 lock files (pylock.toml) and installed distributions
// (a virtualenv's *.dist-info: METADATA, WHEEL, RECORD, direct_url.json). The client half fetches JSON API metadata, Integrity API
// provenance and artifacts, streaming every download through sha256 so that
// memory is bounded by concurrency rather than artifact size. Its cache keeps
// metadata with its HTTP validators and freshness (conditional requests,
// RFC 9111) and artifacts by sha256; cachedir.go measures, prunes and empties
// the whole cache directory for `pyverify cache`.
//
// Import rule: pypi is the bottom of pyverify's import graph. It imports
// nothing from this module; its third-party dependencies are
// golang.org/x/sync and, for PEP 751 lock files, which are TOML,
// github.com/pelletier/go-toml/v2. tomlpos.go is the positioned TOML layer
// (ParseTOML) that lock files and the policy package's pyverify.toml share,
// so both place their errors at FILE:LINE(:COL) the same way. Test helpers
// live in pypi/pypitest, which only _test.go files may import.
package pypi
