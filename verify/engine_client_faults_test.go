package verify_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// TestAuditIndexDocumentFaults: what the client refuses in an index's
// documents (issue #8: a repeated object key) is an
// index-error for that package, never network, not-found or a pass.
func TestAuditIndexDocumentFaults(t *testing.T) {
	t.Parallel()
	file := engWheel("pkg-00", "1.0")
	tests := []struct {
		name  string
		fault engFault
	}{
		{"release document repeats a key", engFault{engReleasePath("pkg-00", "1.0"), pypitest.Fault{DuplicateKey: true}}},
		{"provenance repeats a key", engFault{engProvenancePath("pkg-00", "1.0", file), pypitest.Fault{DuplicateKey: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			model, reqs := engManyModel(1)
			model.Projects["pkg-00"]["1.0"][0].Provenance = []byte(`{"version": 1, "attestation_bundles": []}`)
			srv, w := engIndex(t, model)
			srv.Fault(tt.fault.path, tt.fault.fault)
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
			rep := eng.Audit(context.Background(), engRequirements(t, reqs...))
			p := rep.Packages[0]
			var kinds []verify.ProblemKind
			kinds = append(kinds, engKinds(p.Problems)...)
			for _, f := range p.Files {
				kinds = append(kinds, engKinds(f.Problems)...)
			}
			if p.Evidence != verify.Error || p.OK || len(kinds) != 1 || kinds[0] != verify.IndexError {
				t.Errorf("package = %s ok=%v kinds %v, want error with one index-error", p.Evidence, p.OK, kinds)
			}
		})
	}
}

// TestAuditDamagedCacheEntry: a cached artifact whose bytes no longer hash
// to its name is refetched, never reported as the index's digest mismatch
// (issue #8: the cached copy is hashed once, as it streams to the engine).
func TestAuditDamagedCacheEntry(t *testing.T) {
	t.Parallel()
	model, reqs := engManyModel(1)
	srv, w := engIndex(t, model)
	dir := t.TempDir()
	eng := engEngine(t, srv, w, pypi.Options{CacheDir: dir}, verify.Options{})
	want := []engPkg{{Name: "pkg-00", Version: "1.0", Evidence: verify.HashOnly, OK: true, Files: []engFileOut{
		{Filename: engWheel("pkg-00", "1.0"), Downloaded: true, Evidence: verify.HashOnly},
	}}}
	for pass := range 3 {
		if pass == 2 {
			entries, err := filepath.Glob(filepath.Join(dir, "files", "*"))
			if err != nil || len(entries) != 1 {
				t.Fatalf("cache entries %v, %v; want one", entries, err)
			}
			b, err := os.ReadFile(entries[0])
			if err != nil {
				t.Fatal(err)
			}
			b[0] ^= 1 // same size, other bytes
			if err := os.WriteFile(entries[0], b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		rep := eng.Audit(context.Background(), engRequirements(t, reqs...))
		// The middle pass is served from the cache and says so; the
		// damaged copy is fetched again.
		want[0].Files[0].Downloaded = pass != 1
		if diff := cmp.Diff(want, engOutcome(t, rep)); diff != "" {
			t.Errorf("pass %d: packages (-want +got):\n%s", pass, diff)
		}
		wantBytes := []verify.Bytes{verify.BytesDownloaded, verify.BytesCache, verify.BytesDownloaded}[pass]
		if got := rep.Packages[0].Files[0].Bytes; got != wantBytes {
			t.Errorf("pass %d: bytes %q, want %q", pass, got, wantBytes)
		}
	}
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "/files/") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d downloads, want 2: the first and the refetch of the damaged copy", n)
	}
}
