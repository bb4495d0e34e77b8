package verify_test

// BenchmarkAudit is the go test -bench counterpart of the bench command
// (go run ./bench): a smaller index, so that it fits in a benchmark run,
// audited through the production path (pypi.Client, Engine, the production
// Verifier). Performance claims come from here and from ./bench, never from
// timed assertions in tests.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// Shape of BenchmarkAudit's index: every file attested, latency added to
// every response.
const (
	benchPackages    = 20
	benchFiles       = 2
	benchSize        = 64 << 10
	benchLatency     = 5 * time.Millisecond
	benchConcurrency = 16
)

// newBenchIndex mints the index of BenchmarkAudit: provenance is minted up
// front and served verbatim, so the fake index does no signing while timed.
func newBenchIndex(b *testing.B) (*pypitest.Server, *verify.Verifier, []pypi.Requirement) {
	b.Helper()
	sig, err := verifytest.NewSigstore()
	if err != nil {
		b.Fatal(err)
	}
	tr, err := verify.LoadTrustedRoot("virtual trusted_root.json", sig.TrustedRootJSON())
	if err != nil {
		b.Fatal(err)
	}
	v, err := verify.NewVerifier(tr)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{'b', 'e', 'n', 'c', 'h'})
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{}}
	var reqs []pypi.Requirement
	for i := range benchPackages {
		project := fmt.Sprintf("bench%02d", i+1)
		names := []string{project + "-1.0-py3-none-any.whl", project + "-1.0.tar.gz"}
		var files []pypitest.ModelFile
		for _, name := range names[:benchFiles] {
			content := make([]byte, benchSize)
			_, _ = rng.Read(content)
			sum := sha256.Sum256(content)
			prov, err := sig.MintProvenance(name, hex.EncodeToString(sum[:]),
				fmt.Appendf(nil, `{"kind":"GitHub","repository":"acme/%s","workflow":"release.yml"}`, project))
			if err != nil {
				b.Fatal(err)
			}
			files = append(files, pypitest.ModelFile{Filename: name, Content: content, Provenance: prov})
		}
		model.Projects[project] = map[string][]pypitest.ModelFile{"1.0": files}
		r, err := pypi.ParseRequirement(project + "==1.0")
		if err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, r)
	}
	srv := pypitest.New(model, nil)
	b.Cleanup(srv.Close)
	srv.SetLatency(benchLatency)
	return srv, v, reqs
}

// BenchmarkAudit audits benchPackages packages and reports, besides ns/op,
// "x-bound": the time per audit divided by the critical-path bound, the
// least time perfect overlap allows — requests × latency / concurrency, but
// no less than one package's chain (release document, then provenance ‖
// download: 2 × latency). The target is x-bound ≤ 1.5 (at 50 ms
// latency; see bench/README.md). peak-in-flight is what the index saw.
func BenchmarkAudit(b *testing.B) {
	srv, v, reqs := newBenchIndex(b)
	client, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL(), Concurrency: benchConcurrency, UserAgent: "pyverify-bench"})
	if err != nil {
		b.Fatal(err)
	}
	e := verify.NewEngine(verify.Options{Index: client, Verifier: v, Concurrency: benchConcurrency})
	requests := benchPackages * (1 + 2*benchFiles)
	bound := max(time.Duration(requests)*benchLatency/benchConcurrency, 2*benchLatency)
	ctx := context.Background()

	b.SetBytes(benchPackages * benchFiles * benchSize)
	start := time.Now()
	n := 0
	for b.Loop() {
		rep := e.Audit(ctx, reqs)
		n++
		for _, p := range rep.Packages {
			if p.Evidence != verify.Verified || !p.OK {
				b.Fatalf("%s: %s, want verified: %+v", p.Name, p.Evidence, p.Problems)
			}
		}
	}
	per := time.Since(start) / time.Duration(n)
	b.ReportMetric(float64(per)/float64(bound), "x-bound")
	b.ReportMetric(float64(srv.PeakInFlight()), "peak-in-flight")
}
