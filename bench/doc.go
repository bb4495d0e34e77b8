// Command bench measures pyverify's audit engine against the issue's
// performance targets: it audits a synthetic index (by default 200 packages
// × 2 files of 200 KiB, every file attested, 50 ms added to every response)
// through the production code path — pypi.Client, verify.Engine and the
// production sigstore-go Verifier — and prints the wall time next to the
// critical-path bound (perfect overlap at the given concurrency) and a
// sequential baseline, with PASS/FAIL against the 1.5× target. With -rss it
// instead audits one 1 GiB artifact streamed from a generator and reports
// the peak resident set size against the 64 MiB target (SPEC §9: memory
// bounded by concurrency, not artifact size). With -hostile it builds the
// pyverify binary and measures its peak RSS auditing 20 packages whose
// provenance holds 30,000 minimal failing attestations each (issue #8), in
// every report format, next to genuine provenance and provenance at the
// attestation cap, against the 128 MiB target. With -rerun it audits one
// world four times on one cache (issue #13) — cold, warm within the
// documents' max-age, warm after it (every document revalidated), and
// --offline — and reports each wall against the cold one with the requests,
// conditional requests, 304s and downloads the fake index saw. With -bytes it audits
// releases of 30 wheels and an sdist each, without and with a target
// environment (issue #11), and reports the bytes each audit downloaded.
// With -installed it measures
// the binary's wall time and peak RSS on `audit --path` of a virtualenv of
// 100 installed distributions (issue #12), next to `audit -r` of the same
// pins.
// With -many N it measures the
// binary auditing N one-file packages (issue #13): peak RSS per report
// format against the 96 MiB target for --format json, CPU per package, and
// a warm re-run with and without the verification cache.
//
// Usage:
//
//	go run ./bench [-packages 200] [-files 2] [-size 200KiB] [-latency 50ms]
//	               [-concurrency 16] [-runs 3] [-sequential=true]
//	go run ./bench -rss [-rss-size 1GiB]
//	go run ./bench -hostile [-hostile-packages 20] [-hostile-attestations 30000]
//	go run ./bench -rerun [-max-age 10m] [-rerun-target 0.10] [-latency 20ms]
//	go run ./bench -bytes [-bytes-packages 10] [-size 200KiB]
//	go run ./bench -continuity [-packages 200] [-latency 50ms]
//	go run ./bench -installed [-installed-packages 100] [-installed-files 20]
//	go run ./bench -many 20000 [-many-attested 2000] [-many-formats json,jsonl,text] [-many-cache=true]
//
// Exit status: 0 when every package verified and the target was met, 1 when
// a package did not come out verified or the run could not be set up, 3
// when the audit was correct but missed the performance target.
//
// Import rule: bench is a tool, not part of pyverify. It imports pypi and
// verify like cmd/pyverify does, and — unlike any other non-test code — the
// test helpers pypi/pypitest (the fake Warehouse) and verify/verifytest (the
// virtual Sigstore), because a benchmark needs a controllable index and
// attestations it can mint; nothing imports bench. It never imports
// sigstore-go itself.
package main
