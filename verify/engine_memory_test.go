package verify_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// heldIndex is an in-memory index whose downloads wait until released,
// counting how many files are being checked at once.
type heldIndex struct {
	files   int
	release chan struct{}

	mu           sync.Mutex
	active, peak int
}

func (h *heldIndex) Project(ctx context.Context, project string) (*pypi.Project, error) {
	return nil, pypi.ErrNotFound
}

func (h *heldIndex) Release(ctx context.Context, project, version string) (*pypi.Release, error) {
	rel := &pypi.Release{Name: project, Version: version}
	for i := range h.files {
		rel.Files = append(rel.Files, pypi.File{
			Filename: fmt.Sprintf("%s-%s-py3-none-manylinux_%d_x86_64.whl", project, version, i),
			URL:      "https://files.example/" + project, Size: 0,
			SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", // empty
		})
	}
	return rel, nil
}

func (h *heldIndex) Simple(ctx context.Context, project string) (*pypi.SimpleProject, error) {
	return &pypi.SimpleProject{Name: project}, nil
}

func (h *heldIndex) Provenance(ctx context.Context, project, version, filename string) ([]byte, error) {
	return nil, pypi.ErrNoProvenance
}

func (h *heldIndex) Download(ctx context.Context, f pypi.File, w io.Writer) (pypi.Fetched, error) {
	h.mu.Lock()
	h.active++
	h.peak = max(h.peak, h.active)
	h.mu.Unlock()
	<-h.release
	h.mu.Lock()
	h.active--
	h.mu.Unlock()
	return pypi.Fetched{}, nil
}

func (h *heldIndex) current() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.active
}

// TestAuditBoundsFilesInProgress pins SPEC §9 "memory stays bounded by the
// concurrency": a release with many files is not checked all at once; at
// most twice --concurrency files hold a provenance and a download.
func TestAuditBoundsFilesInProgress(t *testing.T) {
	w, err := engShared()
	if err != nil {
		t.Fatal(err)
	}
	idx := &heldIndex{files: 40, release: make(chan struct{})}
	eng := verify.NewEngine(verify.Options{Index: idx, Verifier: w.ver, Concurrency: 2})
	r, err := pypi.ParseRequirement("wide==1.0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *verify.Report)
	go func() { done <- eng.Audit(context.Background(), []pypi.Requirement{r}) }()
	// Wait until the bound is reached, give any goroutine beyond it the
	// chance to pile up, then let everything finish. (Waiting, not a timed
	// assertion: a slow machine only makes the check weaker, never wrong.)
	for idx.current() < 4 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(idx.release)
	rep := <-done
	if idx.peak > 4 {
		t.Errorf("%d files were being checked at once, want at most 4 (2 × concurrency 2)", idx.peak)
	}
	if got := rep.Packages[0]; got.Evidence != verify.HashOnly || len(got.Files) != 40 {
		t.Errorf("package = %s with %d files, want hash-only with 40: %+v", got.Evidence, len(got.Files), strings.TrimSpace(fmt.Sprint(got.Problems)))
	}
}

// TestAuditRefusesFloodedRelease: a release document may list as many
// files as fit in pypi.MaxJSONDocumentSize (~100,000 tiny entries), each a
// goroutine, a download, a provenance fetch and a File kept until the
// report is printed, per package (issue #8 "memory bounded by
// concurrency, whatever the index sends"). Beyond pypi.MaxReleaseFiles,
// far above any real release, nothing is fetched and the package is an
// index-error.
func TestAuditRefusesFloodedRelease(t *testing.T) {
	w, err := engShared()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		files     int
		want      verify.Evidence
		downloads bool
	}{
		{pypi.MaxReleaseFiles, verify.HashOnly, true},
		{pypi.MaxReleaseFiles + 1, verify.Error, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.files), func(t *testing.T) {
			release := make(chan struct{})
			close(release)
			idx := &heldIndex{files: tt.files, release: release}
			eng := verify.NewEngine(verify.Options{Index: idx, Verifier: w.ver, Policy: noContinuity(t)})
			r, err := pypi.ParseRequirement("wide==1.0")
			if err != nil {
				t.Fatal(err)
			}
			p := eng.Audit(t.Context(), []pypi.Requirement{r}).Packages[0]
			if p.Evidence != tt.want || p.OK != (tt.want == verify.HashOnly) {
				t.Errorf("evidence %s ok %v, want %s; problems %v", p.Evidence, p.OK, tt.want, p.Problems)
			}
			if idx.peak > 0 != tt.downloads {
				t.Errorf("downloads started: %v, want %v", idx.peak > 0, tt.downloads)
			}
			if !tt.downloads && (len(p.Problems) != 1 || p.Problems[0].Kind != verify.IndexError || !strings.Contains(p.Problems[0].Message, "files")) {
				t.Errorf("problems %v, want one index-error about the number of files", p.Problems)
			}
		})
	}
}

func noContinuity(t *testing.T) *policy.Policy {
	t.Helper()
	pol, err := policy.Parse("pyverify.toml", []byte("continuity = false\n"))
	if err != nil {
		t.Fatal(err)
	}
	return pol
}
