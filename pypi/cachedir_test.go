package pypi_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// cacheTree writes files (relative path → age) under a new tagged cache
// directory, plus a link to a file outside it, and returns the directory
// and that outside file.
func cacheTree(t *testing.T, now time.Time, files map[string]time.Duration) (dir, outside string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "cache")
	if err := pypi.TagCacheDir(dir); err != nil {
		t.Fatal(err)
	}
	for rel, age := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("12345"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	outside = filepath.Join(t.TempDir(), "precious")
	if err := os.WriteFile(outside, []byte("not the cache's"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-1000 * time.Hour)
	if err := os.Chtimes(outside, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "index", "files", "link")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	return dir, outside
}

var treeFiles = map[string]time.Duration{
	"index/http/a":        time.Hour,
	"index/http/b":        48 * time.Hour,
	"index/files/c":       72 * time.Hour,
	"index/files/.tmp-1":  2 * time.Hour,
	"index/files/.tmp-2":  time.Minute,
	"tuf/x/root.json":     100 * time.Hour,
	"tuf/x/targets/a.pem": time.Hour,
	"verify/e":            30 * time.Hour,
}

func TestCacheUsage(t *testing.T) {
	t.Parallel()
	now := time.Now().Truncate(time.Second)
	dir, _ := cacheTree(t, now, treeFiles)
	u, err := pypi.ReadCacheUsage(dir)
	if err != nil {
		t.Fatal(err)
	}
	type kind struct {
		Name           string
		Entries        int
		Oldest, Newest time.Duration
	}
	var got []kind
	for _, k := range u.Kinds {
		if k.Name == "not-regular" { // the link's own time: whenever it was made
			got = append(got, kind{Name: k.Name, Entries: k.Entries})
			continue
		}
		got = append(got, kind{k.Name, k.Entries, now.Sub(k.Oldest), now.Sub(k.Newest)})
	}
	want := []kind{
		{"metadata", 2, 48 * time.Hour, time.Hour},
		{"artifacts", 1, 72 * time.Hour, 72 * time.Hour},
		{"trust-root", 2, 100 * time.Hour, time.Hour},
		{"not-regular", 1, 0, 0},
		{"temporary", 2, 2 * time.Hour, time.Minute},
		{"verify", 1, 30 * time.Hour, 30 * time.Hour},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if !u.Exists || !u.Tagged || u.Total().Entries != 9 {
		t.Errorf("usage %+v, total %+v", u, u.Total())
	}
}

// TestPruneCache: entries not written nor used for the given age go, the
// trust root only as a whole, young temporary files stay, a link goes as
// itself and its target outside the cache stays.
func TestPruneCache(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		olderThan time.Duration
		want      []string
	}{
		{"24h", 24 * time.Hour, []string{"index/files/.tmp-1", "index/files/.tmp-2", "index/http/a", "tuf/x/root.json", "tuf/x/targets/a.pem"}},
		{"50h", 50 * time.Hour, []string{"index/files/.tmp-1", "index/files/.tmp-2", "index/http/a", "index/http/b", "tuf/x/root.json", "tuf/x/targets/a.pem", "verify/e"}},
		{"1m: temporary files are kept for StaleTempAge", time.Minute, []string{"index/files/.tmp-2"}},
		{"200h", 200 * time.Hour, []string{"index/files/.tmp-1", "index/files/.tmp-2", "index/http/a", "index/http/b", "index/files/c", "tuf/x/root.json", "tuf/x/targets/a.pem", "verify/e"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := time.Now()
			dir, outside := cacheTree(t, now, treeFiles)
			if _, err := pypi.PruneCache(dir, tt.olderThan, now); err != nil {
				t.Fatal(err)
			}
			got := entries(t, dir, "")
			want := append([]string{pypi.CacheTagName}, tt.want...)
			if diff := cmp.Diff(sorted(want), sorted(got)); diff != "" {
				t.Errorf("left after prune (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(outside); err != nil {
				t.Errorf("the link's target outside the cache: %v", err)
			}
		})
	}
}

func TestCleanCache(t *testing.T) {
	t.Parallel()
	dir, outside := cacheTree(t, time.Now(), treeFiles)
	removed, err := pypi.CleanCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	if removed.Entries != 9 || removed.Bytes == 0 {
		t.Errorf("removed %+v, want 9 entries", removed)
	}
	if diff := cmp.Diff([]string{pypi.CacheTagName}, entries(t, dir, "")); diff != "" {
		t.Errorf("left after clean (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("the link's target outside the cache: %v", err)
	}
}

// TestCacheCommandsRefuse: a directory that is not a pyverify cache, or
// is a link, loses nothing; a missing one is empty; 0.1's untagged cache
// is ours.
func TestCacheCommandsRefuse(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("years"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-1000 * time.Hour)
	if err := os.Chtimes(filepath.Join(home, "thesis.tex"), old, old); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(home, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	for _, dir := range []string{home, link} {
		if _, err := pypi.PruneCache(dir, time.Hour, time.Now()); err == nil {
			t.Errorf("PruneCache(%s) = nil, want a refusal", dir)
		}
		if _, err := pypi.CleanCache(dir); err == nil {
			t.Errorf("CleanCache(%s) = nil, want a refusal", dir)
		}
	}
	if _, err := pypi.PruneCache(home, time.Hour, time.Now()); !errors.Is(err, pypi.ErrNotCacheDir) {
		t.Errorf("PruneCache(untagged) = %v, want ErrNotCacheDir", err)
	}
	if _, err := os.Stat(filepath.Join(home, "thesis.tex")); err != nil {
		t.Errorf("a file outside any cache: %v", err)
	}

	missing := filepath.Join(t.TempDir(), "none")
	if u, err := pypi.ReadCacheUsage(missing); err != nil || u.Exists {
		t.Errorf("ReadCacheUsage(missing) = %+v, %v", u, err)
	}
	if _, err := pypi.CleanCache(missing); err != nil {
		t.Errorf("CleanCache(missing) = %v", err)
	}

	v01 := t.TempDir()
	if err := os.MkdirAll(filepath.Join(v01, "index", "http"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(v01, "index", "http", "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := pypi.CleanCache(v01); err != nil || r.Entries != 1 {
		t.Errorf("CleanCache(0.1 cache) = %+v, %v; want 1 entry removed", r, err)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestTagCacheDirRefusesForeign: a run given --cache-dir $HOME by mistake
// must not tag it, or the next `cache clean --cache-dir $HOME` would find
// the tag and empty it. Only a new, empty or pyverify-shaped directory is
// tagged.
func TestTagCacheDirRefusesForeign(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, "thesis.tex"), []byte("years"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := pypi.TagCacheDir(home); !errors.Is(err, pypi.ErrNotCacheDir) {
		t.Errorf("TagCacheDir(home) = %v, want ErrNotCacheDir", err)
	}
	if _, err := pypi.CleanCache(home); err == nil {
		t.Errorf("CleanCache(home) after a run = nil, want a refusal")
	}
	if _, err := os.Stat(filepath.Join(home, "thesis.tex")); err != nil {
		t.Errorf("thesis.tex: %v", err)
	}
	for _, dir := range []string{filepath.Join(t.TempDir(), "new"), t.TempDir()} {
		if err := pypi.TagCacheDir(dir); err != nil {
			t.Errorf("TagCacheDir(%s) = %v", dir, err)
		}
		if _, err := os.Stat(filepath.Join(dir, pypi.CacheTagName)); err != nil {
			t.Errorf("tag: %v", err)
		}
	}
	v01 := t.TempDir()
	if err := os.MkdirAll(filepath.Join(v01, "index", "http"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := pypi.TagCacheDir(v01); err != nil {
		t.Errorf("TagCacheDir(0.1 cache) = %v", err)
	}
}
