package verify_test

// A hostile index cannot make the engine say "ok" for something that was
// not asked for (issue #8): each test plays one lie through the fake
// Warehouse's Lie hook, against the production client and verifier.

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// bindModel holds demo 1.0 and 1.1 and another project, other 1.2, all
// attested (other by other-org/other): genuine provenance a lying index
// can borrow.
func bindModel() pypitest.Model {
	m := engModel()
	m.Projects["demo"]["1.1"] = []pypitest.ModelFile{engFile(engWheel("demo", "1.1"), engPublisher)}
	m.Projects["other"] = map[string][]pypitest.ModelFile{"1.2": {
		engFile(engWheel("other", "1.2"), `{"repository": "other-org/other"}`),
		engFile(engSdist("other", "1.2"), `{"repository": "other-org/other"}`),
	}}
	return m
}

func TestAuditBindsFilesToTheRequest(t *testing.T) {
	t.Parallel()
	wheel, sdist := engWheel("demo", "1.0"), engSdist("demo", "1.0")
	tampered := []byte("an attacker's bytes under demo's wheel name\n")
	tests := []struct {
		name string
		lie  pypitest.Lie
		reqs []string
		want engPkg
	}{{
		name: "another project's attested files",
		lie:  pypitest.Lie{FilesOf: "other/1.2"},
		reqs: []string{"demo==1.0"},
		want: engPkg{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true, Files: []engFileOut{
			{Filename: engWheel("other", "1.2"), Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.IndexMismatch}},
			{Filename: engSdist("other", "1.2"), Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.IndexMismatch}},
		}},
	}, {
		name: "another release of the same project",
		lie:  pypitest.Lie{FilesOf: "demo/1.1"},
		reqs: []string{"demo==1.0"},
		want: engPkg{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true, Files: []engFileOut{
			{Filename: engWheel("demo", "1.1"), Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.IndexMismatch}},
		}},
	}, {
		name: "info.version names another release",
		lie:  pypitest.Lie{InfoVersion: "9.9.9"},
		reqs: []string{"demo==1.0"},
		want: engPkg{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true,
			Kinds: []verify.ProblemKind{verify.IndexMismatch}},
	}, {
		name: "info.name names another project",
		lie:  pypitest.Lie{InfoName: "other"},
		reqs: []string{"demo==1.0"},
		want: engPkg{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true,
			Kinds: []verify.ProblemKind{verify.IndexMismatch}},
	}, {
		name: "one filename listed twice, both digests pinned",
		lie:  pypitest.Lie{Duplicates: map[string][]byte{wheel: tampered}},
		reqs: []string{"demo==1.0 --hash=sha256:" + engSHA256(t, wheel) + " --hash=sha256:" + sha256Hex(t, tampered)},
		want: engPkg{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true,
			Kinds: []verify.ProblemKind{verify.IndexMismatch}, Files: []engFileOut{
				{Filename: wheel, Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}},
				// The second entry is fetched and checked: its bytes match
				// the digest it lists, but demo's attestation is about other
				// bytes.
				{Filename: wheel, Downloaded: true, Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.SubjectMismatch}},
			}},
	}, {
		name: "a filename listed twice, no pins",
		lie:  pypitest.Lie{Duplicates: map[string][]byte{sdist: tampered}},
		reqs: []string{"demo==1.0"},
		want: engPkg{Name: "demo", Version: "1.0", Evidence: verify.Failed, Violation: true,
			Kinds: []verify.ProblemKind{verify.IndexMismatch}, Files: []engFileOut{
				{Filename: wheel, Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}},
				{Filename: sdist, Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}},
				{Filename: sdist, Downloaded: true, Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.SubjectMismatch}},
			}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, w := engIndex(t, bindModel())
			srv.Lie("demo", "1.0", tt.lie)
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
			rep := eng.Audit(t.Context(), engRequirements(t, tt.reqs...))
			got := engOutcome(t, rep)
			if diff := cmp.Diff([]engPkg{tt.want}, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			for _, p := range rep.Packages {
				probs := p.Problems
				for _, f := range p.Files {
					probs = append(probs, f.Problems...)
				}
				for _, pr := range probs {
					if pr.Kind == verify.IndexMismatch && !strings.Contains(pr.Message, "demo") {
						t.Errorf("index-mismatch %q does not name what was asked", pr.Message)
					}
				}
			}
			if rep.Summary.Violations != 1 {
				t.Errorf("summary violations = %d, want 1 (exit 1)", rep.Summary.Violations)
			}
		})
	}
}

// TestBindingAcceptsGenuineSpellings pins what must still pass: an index
// spelling a release otherwise than the request (1.0 / 1.0.0), project
// names in any PEP 503 spelling, and legacy distribution formats that old
// releases list.
func TestBindingAcceptsGenuineSpellings(t *testing.T) {
	t.Parallel()
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"Zope.Interface": {"1.0.0": {
			engFile("zope.interface-1.0.0-py3-none-any.whl", ""),
			engFile("zope_interface-1.0.0.tar.gz", ""),
			engFile("zope.interface-1.0.0-py2.7.egg", ""),
			engFile("zope.interface-1.0.0.win32-py2.7.exe", ""),
			engFile("Zope.Interface-1.0.0.tar.bz2", ""),
		}},
	}}
	srv, w := engIndex(t, m)
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
	rep := eng.Audit(t.Context(), engRequirements(t, "zope-interface==1.0.0"))
	p := rep.Packages[0]
	if p.Evidence != verify.HashOnly || !p.OK {
		t.Fatalf("zope-interface: evidence %s ok %v, problems %v; want hash-only ok", p.Evidence, p.OK, p.Problems)
	}
	for _, f := range p.Files {
		if f.Evidence != verify.HashOnly {
			t.Errorf("%s: evidence %s %v, want hash-only", f.Filename, f.Evidence, f.Problems)
		}
	}
}

func sha256Hex(t *testing.T, b []byte) string {
	t.Helper()
	d, _, err := verify.HashReader(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return string(d)
}

// TestVerifyLocalBindsTheIndexDocument: pyverify verify FILE compares the
// local bytes with the digest the index lists, so that document too must
// be the requested release and list the file once.
func TestVerifyLocalBindsTheIndexDocument(t *testing.T) {
	t.Parallel()
	wheel := engWheel("demo", "1.0")
	tests := []struct {
		name string
		lie  pypitest.Lie
	}{
		{"info.version names another release", pypitest.Lie{InfoVersion: "1.1"}},
		{"info.name names another project", pypitest.Lie{InfoName: "other"}},
		{"the file listed twice", pypitest.Lie{Duplicates: map[string][]byte{wheel: []byte("other bytes\n")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, w := engIndex(t, bindModel())
			srv.Lie("demo", "1.0", tt.lie)
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
			path := t.TempDir() + "/" + wheel
			if err := os.WriteFile(path, engContent(wheel), 0o644); err != nil {
				t.Fatal(err)
			}
			rep := eng.Verify(t.Context(), []verify.LocalFile{{Path: path}})
			p := rep.Packages[0]
			if p.Evidence != verify.Failed || !p.Violation {
				t.Fatalf("evidence %s violation %v, want failed and a violation; problems %v", p.Evidence, p.Violation, p.Files[0].Problems)
			}
			if got := engKinds(p.Files[0].Problems); !slices.Contains(got, verify.IndexMismatch) {
				t.Errorf("file problems %v, want index-mismatch", got)
			}
		})
	}
}

// TestBindingVersionIsWholeNotPrefix: a filename's version must be the
// release's, not merely start with it. Under === the wheel and sdist names
// were read as legacy names whose version may be followed by ".platform",
// so demo 1.0.1's genuine attested files passed as demo===1.0; and a
// legacy name such as demo-1.0.1.tar.bz2 passed as a file of demo==1.0.
func TestBindingVersionIsWholeNotPrefix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  string
		lie  pypitest.Lie
	}{
		{"=== with another release's wheel and sdist", "demo===1.0", pypitest.Lie{FilesOf: "demo/1.0.1"}},
		{"=== with a post-release's files", "demo===1.0", pypitest.Lie{FilesOf: "demo/1.0.post1"}},
		{"== with another release's legacy sdist", "demo==1.0", pypitest.Lie{FilesOf: "demo/1.0.1legacy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := bindModel()
			m.Projects["demo"]["1.0.1"] = []pypitest.ModelFile{
				engFile(engWheel("demo", "1.0.1"), engPublisher), engFile(engSdist("demo", "1.0.1"), engPublisher)}
			m.Projects["demo"]["1.0.post1"] = []pypitest.ModelFile{engFile(engWheel("demo", "1.0.post1"), engPublisher)}
			m.Projects["demo"]["1.0.1legacy"] = []pypitest.ModelFile{engFile("demo-1.0.1.tar.bz2", "")}
			srv, w := engIndex(t, m)
			srv.Lie("demo", "1.0", tt.lie)
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
			rep := eng.Audit(t.Context(), engRequirements(t, tt.req))
			p := rep.Packages[0]
			if p.OK || p.Evidence != verify.Failed {
				t.Fatalf("evidence %s ok %v, want failed", p.Evidence, p.OK)
			}
			for _, f := range p.Files {
				if got := engKinds(f.Problems); !slices.Contains(got, verify.IndexMismatch) {
					t.Errorf("%s: problems %v, want index-mismatch", f.Filename, got)
				}
			}
		})
	}
}
