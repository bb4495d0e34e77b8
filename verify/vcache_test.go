package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// vcOut is what the verification cache tests compare of a package.
type vcOut struct {
	Name         string
	Evidence     verify.Evidence
	Verification verify.Verification
	Kinds        []verify.ProblemKind
	Signers      []string // the SANs of the attestations, verified or not
}

// vcProvenance mints provenance for project's wheel; with wrongDigest, for
// other bytes, so that the attestation fails subject-mismatch.
func vcProvenance(t *testing.T, w *engWorld, project string, wrongDigest bool) []byte {
	t.Helper()
	filename := engWheel(project, "1.0")
	sha := engSHA256(t, filename)
	if wrongDigest {
		sha = strings.Repeat("0", 64)
	}
	prov, err := w.sig.MintProvenance(filename, sha, []byte(engPublisher))
	if err != nil {
		t.Fatal(err)
	}
	return prov
}

// vcAudit audits good==1.0 and bad==1.0, whose provenance documents are
// served verbatim, with the verification cache in dir.
func vcAudit(t *testing.T, dir string, good, bad []byte) []vcOut {
	t.Helper()
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{}}
	for name, prov := range map[string][]byte{"good": good, "bad": bad} {
		f := engFile(engWheel(name, "1.0"), "")
		f.Provenance = prov
		model.Projects[name] = map[string][]pypitest.ModelFile{"1.0": {f}}
	}
	srv, w := engIndex(t, model)
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{VerifyCacheDir: dir})
	rep := eng.Audit(context.Background(), engRequirements(t, "good==1.0", "bad==1.0"))
	var out []vcOut
	for _, p := range rep.Packages {
		for _, f := range p.Files {
			o := vcOut{Name: p.Name, Evidence: f.Evidence, Verification: f.Verification, Kinds: engKinds(f.AllProblems())}
			for _, a := range f.Attestations {
				o.Signers = append(o.Signers, a.Identity.SAN)
			}
			out = append(out, o)
		}
	}
	return out
}

// vcEntries maps the evidence each cache entry in dir records to its path.
func vcEntries(t *testing.T, dir string) map[verify.Evidence]string {
	t.Helper()
	out := map[verify.Evidence]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var e struct {
			Result struct{ Evidence verify.Evidence }
		}
		if err := json.Unmarshal(data, &e); err != nil {
			return err
		}
		out[e.Result.Evidence] = p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 {
		t.Fatalf("cache entries by evidence: %v, want one verified and one failed", out)
	}
	return out
}

func cached(outs []vcOut) []vcOut {
	var c []vcOut
	for _, o := range outs {
		o.Verification = verify.VerificationCached
		c = append(c, o)
	}
	return c
}

// TestVerificationCache: a second run reads each file's verification
// result from the cache, says so, and comes to the same facts; a changed
// provenance document is verified afresh.
func TestVerificationCache(t *testing.T) {
	t.Parallel()
	w, err := engShared()
	if err != nil {
		t.Fatal(err)
	}
	good, bad := vcProvenance(t, w, "good", false), vcProvenance(t, w, "bad", true)
	dir := t.TempDir()

	cold := vcAudit(t, dir, good, bad)
	if cold[0].Evidence != verify.Verified || cold[1].Evidence != verify.Failed || cold[0].Verification != "" || cold[1].Verification != "" {
		t.Fatalf("cold run: %+v, want good verified and bad failed, both verified this run", cold)
	}
	if diff := cmp.Diff(cached(cold), vcAudit(t, dir, good, bad)); diff != "" {
		t.Errorf("warm run (-want +got):\n%s", diff)
	}

	// good's provenance changes to one that fails: the cached "verified"
	// is for another document and must not be used.
	changed := vcAudit(t, dir, vcProvenance(t, w, "good", true), bad)
	want := []vcOut{{Name: "good", Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.SubjectMismatch}, Signers: changed[0].Signers}, cached(cold)[1]}
	if diff := cmp.Diff(want, changed); diff != "" {
		t.Errorf("changed provenance (-want +got):\n%s", diff)
	}
}

// TestVerificationCacheDamaged: an entry that is damaged, belongs to
// another key (renamed or copied), has another format, or could have been
// written by someone else is never trusted: the file is verified again,
// with the result of a cold run, and the entry is rewritten.
func TestVerificationCacheDamaged(t *testing.T) {
	t.Parallel()
	w, err := engShared()
	if err != nil {
		t.Fatal(err)
	}
	good, bad := vcProvenance(t, w, "good", false), vcProvenance(t, w, "bad", true)
	tests := []struct {
		name   string
		damage func(t *testing.T, entries map[verify.Evidence]string)
	}{
		{"garbage", func(t *testing.T, e map[verify.Evidence]string) { vcWrite(t, e[verify.Failed], []byte("\x00not json")) }},
		{"truncated", func(t *testing.T, e map[verify.Evidence]string) {
			data := vcRead(t, e[verify.Failed])
			vcWrite(t, e[verify.Failed], data[:len(data)/2])
		}},
		{"renamed", func(t *testing.T, e map[verify.Evidence]string) {
			// good's "verified" entry copied to bad's place.
			vcWrite(t, e[verify.Failed], vcRead(t, e[verify.Verified]))
		}},
		{"other format", func(t *testing.T, e map[verify.Evidence]string) {
			vcWrite(t, e[verify.Failed], bytes.Replace(vcRead(t, e[verify.Failed]), []byte(`"Format":1`), []byte(`"Format":2`), 1))
		}},
		{"impossible result", func(t *testing.T, e map[verify.Evidence]string) {
			// "verified" without an attestation that verified.
			vcWrite(t, e[verify.Failed], bytes.Replace(vcRead(t, e[verify.Failed]), []byte(`"Evidence":"failed"`), []byte(`"Evidence":"verified"`), 1))
		}},
		{"trailing data", func(t *testing.T, e map[verify.Evidence]string) {
			vcWrite(t, e[verify.Failed], append(vcRead(t, e[verify.Failed]), []byte(`{"Format":1}`)...))
		}},
		{"group-writable", func(t *testing.T, e map[verify.Evidence]string) {
			if err := os.Chmod(e[verify.Failed], 0o664); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			cold := vcAudit(t, dir, good, bad)
			tt.damage(t, vcEntries(t, dir))

			got := vcAudit(t, dir, good, bad)

			want := []vcOut{cached(cold)[0], cold[1]} // bad verified afresh
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("after damage (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(cached(cold), vcAudit(t, dir, good, bad)); diff != "" {
				t.Errorf("the entry was not rewritten (-want +got):\n%s", diff)
			}
		})
	}
}

func vcRead(t *testing.T, p string) []byte {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func vcWrite(t *testing.T, p string, data []byte) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestVerificationCacheUseRenews: an entry read back is marked used, as
// the HTTP cache's are, so that `cache prune --older-than` (which goes by
// modification time) keeps the entries every run still reads instead of
// making the next run verify them all again.
func TestVerificationCacheUseRenews(t *testing.T) {
	t.Parallel()
	w, err := engShared()
	if err != nil {
		t.Fatal(err)
	}
	good, bad := vcProvenance(t, w, "good", false), vcProvenance(t, w, "bad", true)
	dir := t.TempDir()
	vcAudit(t, dir, good, bad)
	old := time.Now().Add(-30 * 24 * time.Hour)
	for _, p := range vcEntries(t, dir) {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	vcAudit(t, dir, good, bad) // warm: both entries read
	for ev, p := range vcEntries(t, dir) {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if !st.ModTime().After(old.Add(time.Hour)) {
			t.Errorf("the %s entry read by the warm run still has modification time %v", ev, st.ModTime())
		}
	}
}
