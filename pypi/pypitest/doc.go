// Package pypitest is a fake Warehouse index for tests, named after
// net/http/httptest (STYLE §6). It serves the JSON API (/pypi/<p>/json,
// /pypi/<p>/<v>/json), the Integrity API (/integrity/<p>/<v>/<file>/provenance)
// the PEP 691 simple pages, the files themselves and their PEP 658
// metadata files from an httptest.Server, building every JSON API
// document at request time from the artifacts it holds, so test authors drop
// bytes in a directory (Serve) or a Model (New) and never hand-edit digests.
// It records requests, the peak number in flight and unexpected paths, and
// injects faults per path (statuses with Retry-After, stalls, bodies longer
// than declared, malformed JSON, redirects, latency).
//
// Import rule: pypitest imports only the standard library. It never imports
// sigstore-go: provenance comes in as a Mint function. Only _test.go files
// import pypitest.
package pypitest
