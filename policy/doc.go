// Package policy reads pyverify's TOML policy (pyverify.toml, or the
// [tool.pyverify] table of pyproject.toml) and decides, for one package at a
// time, whether the evidence the verify package gathered is enough (SPEC §6).
// Decoding is strict: unknown keys, wrong types, bad globs, unknown publisher
// kinds and fields a publisher kind does not have are errors of type *Error
// that name FILE:LINE:COLUMN, so `pyverify policy check` and every command
// stop with exit 2 before anything is verified (SPEC §8). Evaluation is a pure
// function of a Policy, an Evidence value and a clock: the most specific
// unexpired entry decides, and each violation it finds carries a SPEC §5
// problem slug and a message naming the package, the file and the rule.
//
// Import rule: policy may import pypi (names, versions, publishers and the
// positioned TOML tree, pypi.ParseTOML, it decodes) from this module, and the
// TOML library (github.com/pelletier/go-toml/v2) from outside it; it never
// imports verify, report, sigstore-go or cobra. The verify package fills in
// Evidence, which is defined here, on the consumer's side.
package policy
