package verify_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
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

// TestStoreCommitsOnlyVerifiedCopy: one file kept twice (two requirements
// of one release, e.g. under different markers) where the first download
// was tampered with and failed: the ok package must get the copy that
// hashed to its digest, never the first one kept; and a second package
// naming the same filename with other hashes is not written over it.
func TestStoreCommitsOnlyVerifiedCopy(t *testing.T) {
	t.Parallel()
	const name = "demo-1.0-py3-none-any.whl"
	good, bad := []byte("the publisher's wheel"), []byte("the tampered wheel!!")
	sum := func(b []byte) pypi.SHA256 { return pypi.SHA256(fmt.Sprintf("%x", sha256.Sum256(b))) }
	file := func(b []byte) verify.File {
		return verify.File{Filename: name, Size: int64(len(b)), SHA256: sum(b), Bytes: verify.BytesDownloaded}
	}
	tests := []struct {
		name      string
		kept      [][]byte // in the order the engine kept them
		pkgs      []verify.Package
		wantBytes []byte
		wantPkgs  int
	}{
		{
			name: "failed copy kept first",
			kept: [][]byte{bad, good},
			pkgs: []verify.Package{
				{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true, Files: []verify.File{file(good)}},
				{Name: "demo", Version: "1.0", Evidence: verify.HashOnly, OK: true, Files: []verify.File{file(good)}},
			},
			wantBytes: good, wantPkgs: 1,
		},
		{
			name: "only a failed copy",
			kept: [][]byte{bad},
			pkgs: []verify.Package{
				{Name: "demo", Version: "1.0", Evidence: verify.HashOnly, OK: true, Files: []verify.File{file(good)}},
			},
			wantBytes: nil, wantPkgs: 0,
		},
		{
			name: "same filename, other digest",
			kept: [][]byte{good, bad},
			pkgs: []verify.Package{
				{Name: "demo", Version: "1.0", Evidence: verify.HashOnly, OK: true, Files: []verify.File{file(good)}},
				{Name: "demo", Version: "1.0.0", Evidence: verify.HashOnly, OK: true, Files: []verify.File{file(bad)}},
			},
			wantBytes: good, wantPkgs: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			st, err := verify.NewStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Discard()
			for i, b := range tt.kept {
				v := tt.pkgs[min(i, len(tt.pkgs)-1)].Version
				w, err := st.Keep("demo", v, pypi.File{Filename: name})
				if err != nil {
					t.Fatal(err)
				}
				w.Write(b)
				w.Close()
			}
			stored, err := st.Commit(&verify.Report{Packages: tt.pkgs}, "pyverify test")
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, name))
			if tt.wantBytes == nil {
				if err == nil {
					t.Errorf("%s written (%q), want nothing", name, got)
				}
			} else if !bytes.Equal(got, tt.wantBytes) {
				t.Errorf("%s = %q, %v; want %q", name, got, err, tt.wantBytes)
			}
			if stored.Packages != tt.wantPkgs {
				t.Errorf("Packages = %d, want %d (skipped %q)", stored.Packages, tt.wantPkgs, stored.Skipped)
			}
			req, err := os.ReadFile(filepath.Join(dir, "requirements.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantPkgs > 0 && bytes.Contains(req, []byte(sum(bad))) {
				t.Errorf("requirements.txt pins the failed bytes:\n%s", req)
			}
		})
	}
}
