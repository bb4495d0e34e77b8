package verify_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// TestStoreKeepsCheckedBytes: a Store as the engine's Keep ends with
// exactly the bytes that were hashed, of the packages that are ok: a
// damaged cache copy never reaches the kept file (it is fetched again), a
// tampered package and one the policy rejects leave nothing, and no
// temporary file is left (issue #11).
func TestStoreKeepsCheckedBytes(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, engModel())
	cache := t.TempDir()
	pol, err := policy.Parse("pyverify.toml", []byte("[packages.plain]\nrequire = \"attestation\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := []string{"demo==1.0", "plain==1.0", "tampered==1.0"}
	// Fill the cache, then damage demo's wheel there.
	engEngine(t, srv, w, pypi.Options{CacheDir: cache}, verify.Options{Policy: pol}).Audit(t.Context(), engRequirements(t, reqs...))
	entries, err := filepath.Glob(filepath.Join(cache, "files", "*"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("cache entries %v, %v", entries, err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(e)
		if err != nil {
			t.Fatal(err)
		}
		b[0] ^= 1
		if err := os.WriteFile(e, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	dir := t.TempDir()
	st, err := verify.NewStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := engEngine(t, srv, w, pypi.Options{CacheDir: cache}, verify.Options{Policy: pol, Keep: st.Keep}).Audit(t.Context(), engRequirements(t, reqs...))
	stored, err := st.Commit(rep, "pyverify test")
	if err != nil {
		t.Fatal(err)
	}
	st.Discard()
	want := []string{engWheel("demo", "1.0"), engSdist("demo", "1.0"), "pylock.toml", "requirements.txt"}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DIR (-want +got):\n%s", diff)
	}
	for _, f := range []string{engWheel("demo", "1.0"), engSdist("demo", "1.0")} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !bytes.Equal(b, engContent(f)) {
			t.Errorf("%s = %q, %v; want the bytes the publisher uploaded", f, b, err)
		}
	}
	wantSkipped := []string{"plain 1.0 (violates the policy)", "tampered 1.0 (violates the policy)"}
	if diff := cmp.Diff(wantSkipped, stored.Skipped); diff != "" {
		t.Errorf("Skipped (-want +got):\n%s", diff)
	}
}
