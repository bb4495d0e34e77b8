// Package report turns a verify.Report into what users and machines read.
// It owns the JSON wire schema (Document, schema_version 1 of SPEC §7, the
// only type in pyverify whose field names are a public contract) and one
// pure renderer per output format — text, json, sarif and markdown — behind
// a single Write entry point (STYLE §5). Renderers never touch the network,
// never detect terminals, never reorder packages and never decide exit
// codes: cmd derives those from the domain report (SPEC §8), so every format
// gates CI alike.
//
// Import rule: report may import verify (and pypi/policy types) from this
// module and no third-party package; cmd is its only importer.
package report
