package verify_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// TestAuditHostileProvenance: provenance that repeats an object key, or
// holds more attestations than any real one, is index-error for its file,
// and nothing of it is verified (issue #8). The repeated key is the attack
// of a document that says two things: decoded last-wins, the genuine
// bundles after an empty list verified.
func TestAuditHostileProvenance(t *testing.T) {
	t.Parallel()
	w, err := engShared()
	if err != nil {
		t.Fatalf("virtual Sigstore and its verifier: %v", err)
	}
	dupWheel, floodWheel, capWheel := engWheel("dupkey", "1.0"), engWheel("flood", "1.0"), engWheel("capped", "1.0")
	genuine, err := w.sig.MintProvenance(dupWheel, engSHA256(t, dupWheel), []byte(engPublisher))
	if err != nil {
		t.Fatalf("mint: %v", err)
	}
	dup := append([]byte(`{"attestation_bundles":[],`), genuine[1:]...)
	capped := engFile(capWheel, "")
	capped.Provenance = verifytest.HostileProvenance(verify.MaxAttestations)
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"dupkey": {"1.0": {{Filename: dupWheel, Content: engContent(dupWheel), Provenance: dup}}},
		"flood":  {"1.0": {{Filename: floodWheel, Content: engContent(floodWheel), Provenance: verifytest.HostileProvenance(verify.MaxAttestations + 1)}}},
		"capped": {"1.0": {capped}},
	}}
	srv, w := engIndex(t, model)
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
	rep := eng.Audit(context.Background(), engRequirements(t, "dupkey==1.0", "flood==1.0", "capped==1.0"))

	indexError := func(name, file string) engPkg {
		return engPkg{Name: name, Version: "1.0", Evidence: verify.Error, Files: []engFileOut{{
			Filename: file, Downloaded: true, Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.IndexError},
		}}}
	}
	want := []engPkg{
		indexError("dupkey", dupWheel),
		indexError("flood", floodWheel),
		// At the cap it is decoded and verified; its file lists five
		// problems and sums up the rest.
		{Name: "capped", Version: "1.0", Evidence: verify.Failed, Violation: true, Files: []engFileOut{{
			Filename: capWheel, Downloaded: true, Evidence: verify.Failed,
			Kinds: []verify.ProblemKind{verify.InvalidSignature, verify.InvalidSignature},
		}}},
	}
	if diff := cmp.Diff(want, engOutcome(t, rep)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	for i, wantMsg := range []string{`duplicated key "attestation_bundles"`, fmt.Sprintf("too many attestations (%d, at most %d)", verify.MaxAttestations+1, verify.MaxAttestations)} {
		f := rep.Packages[i].Files[0]
		if len(f.Attestations) != 0 || len(f.Problems) != 1 || !strings.Contains(f.Problems[0].Message, wantMsg) {
			t.Errorf("%s: %d attestations, problems %+v; want none verified and a problem saying %q", f.Filename, len(f.Attestations), f.Problems, wantMsg)
		}
	}
	if f := rep.Packages[2].Files[0]; !strings.Contains(f.Problems[0].Message, fmt.Sprintf("and %d more of kind invalid-signature", verify.MaxAttestations-1)) {
		t.Errorf("%s: problems %+v, want one listed and 'and %d more'", f.Filename, f.AllProblems(), verify.MaxAttestations-1)
	}
}

// heldProvenanceIndex is a heldIndex whose downloads finish at once and
// whose provenance fetches wait until released, counted.
type heldProvenanceIndex struct{ heldIndex }

func (h *heldProvenanceIndex) Download(ctx context.Context, f pypi.File, w io.Writer) (pypi.Fetched, error) {
	return pypi.Fetched{}, nil
}

func (h *heldProvenanceIndex) Provenance(ctx context.Context, project, version, filename string) ([]byte, error) {
	_, _ = h.heldIndex.Download(ctx, pypi.File{}, io.Discard) // counts and waits
	return nil, pypi.ErrNoProvenance
}

// TestAuditBoundsProvenanceInProgress: each provenance document may be
// pypi.MaxProvenanceSize whatever it holds, so at most half the request
// slots fetch and decode one at once (issue #8: 20 hostile packages held
// ~80 MB of provenance at once).
func TestAuditBoundsProvenanceInProgress(t *testing.T) {
	w, err := engShared()
	if err != nil {
		t.Fatal(err)
	}
	idx := &heldProvenanceIndex{heldIndex{files: 40, release: make(chan struct{})}}
	eng := verify.NewEngine(verify.Options{Index: idx, Verifier: w.ver, Concurrency: 4})
	r, err := pypi.ParseRequirement("wide==1.0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan *verify.Report)
	go func() { done <- eng.Audit(context.Background(), []pypi.Requirement{r}) }()
	// As TestAuditBoundsFilesInProgress: wait for the bound, give more
	// fetches the chance to start, then release (a slow machine only makes
	// the check weaker).
	for idx.current() < 2 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	close(idx.release)
	rep := <-done
	if idx.peak > 2 {
		t.Errorf("%d provenance documents were being fetched at once, want at most 2 (concurrency 4 / 2)", idx.peak)
	}
	if got := rep.Packages[0]; got.Evidence != verify.HashOnly || len(got.Files) != 40 {
		t.Errorf("package = %s with %d files, want hash-only with 40", got.Evidence, len(got.Files))
	}
}

// hostileCount is how many minimal attestations the issue #8 attacker packed
// into one provenance document under pypi.MaxProvenanceSize.
const hostileCount = 30000

// BenchmarkDecodeHostileProvenance measures refusing a ~4 MiB document of
// 30,000 minimal attestations: B/op is what one hostile file costs before
// it is refused (the document itself excluded), and should stay a small
// fraction of the document's size.
func BenchmarkDecodeHostileProvenance(b *testing.B) {
	data := verifytest.HostileProvenance(hostileCount)
	if len(data) > pypi.MaxProvenanceSize {
		b.Fatalf("hostile document is %d bytes, more than the %d an index may send", len(data), pypi.MaxProvenanceSize)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := verify.DecodeProvenance("hostile.provenance", data); err == nil || !strings.Contains(err.Error(), "too many attestations") {
			b.Fatalf("DecodeProvenance = %v, want too many attestations", err)
		}
	}
}

// BenchmarkVerifyFileAtCap measures the most a provenance document can
// cost after decoding: MaxAttestations failing attestations, decoded and
// verified, with the problems one file keeps.
func BenchmarkVerifyFileAtCap(b *testing.B) {
	w, err := engShared()
	if err != nil {
		b.Fatal(err)
	}
	data := verifytest.HostileProvenance(verify.MaxAttestations)
	b.ReportAllocs()
	for b.Loop() {
		prov, err := verify.DecodeProvenance("capped.provenance", data)
		if err != nil {
			b.Fatal(err)
		}
		if fv := w.ver.VerifyFile("demo-1.0-py3-none-any.whl", pypi.SHA256(strings.Repeat("a", 64)), prov); fv.Evidence != verify.Failed {
			b.Fatalf("evidence %s, want failed", fv.Evidence)
		}
	}
}
