package verify_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// instWheel is the wheel the installed-environment tests install: a module,
// a data file of the package, and a script the installer relocates.
var instWheel = pypitest.Wheel{Name: "demo", Version: "1.0",
	Files:   map[string]string{"demo/__init__.py": "print('demo')\n", "demo/data.txt": "data\n"},
	Scripts: map[string]string{"demo-tool": "#!python\nprint('tool')\n"},
}

const instSP = "lib/python3.11/site-packages"

// instIndex serves instWheel (attested), a wheel of the same release for
// another platform and the sdist; "other" is a second attested project.
func instIndex(t *testing.T) (*pypitest.Server, *engWorld) {
	t.Helper()
	linux := instWheel
	linux.Tag = "cp311-cp311-manylinux_2_17_x86_64"
	return engIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {
			{Filename: linux.Filename(), Content: linux.Bytes(), Publisher: []byte(engPublisher)},
			{Filename: instWheel.Filename(), Content: instWheel.Bytes(), Publisher: []byte(engPublisher)},
			{Filename: "demo-1.0.tar.gz", Content: []byte("sdist"), Publisher: []byte(engPublisher)},
		}},
	}})
}

// instEnv installs w into a fresh virtualenv and returns its distributions
// after edit changed the environment (root is its directory).
func instEnv(t *testing.T, w pypitest.Wheel, edit func(root string)) []*pypi.InstalledDist {
	t.Helper()
	root := t.TempDir()
	if err := pypitest.Install(w.Bytes(), root, instSP); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(filepath.Join(root, filepath.FromSlash(instSP)))
	}
	dists, err := pypi.ReadEnvironment(os.DirFS(root), "venv")
	if err != nil {
		t.Fatal(err)
	}
	return dists
}

type instOut struct {
	Evidence verify.Evidence
	OK       bool
	Kinds    []verify.ProblemKind
	Files    []string
	Source   string
	Wheel    string
	Record   int
	Bound    int
	Modified []string
	NotBound []string
	Note     string
}

func instAudit(t *testing.T, dists []*pypi.InstalledDist) (instOut, []string) {
	t.Helper()
	srv, w := instIndex(t)
	var reqs []pypi.Requirement
	for _, d := range dists {
		reqs = append(reqs, d.Requirement())
	}
	rep := engEngine(t, srv, w, pypi.Options{}, verify.Options{}).Audit(context.Background(), reqs)
	engOutcome(t, rep) // the rules every report obeys
	p := rep.Packages[0]
	o := instOut{Evidence: p.Evidence, OK: p.OK, Kinds: engKinds(p.Problems), Source: p.Source.String()}
	for _, f := range p.Files {
		o.Files = append(o.Files, f.Filename)
	}
	if in := p.Installed; in != nil {
		o.Wheel, o.Record, o.Bound, o.Modified, o.NotBound, o.Note = in.Wheel, in.RecordFiles, in.Bound, in.Modified, in.NotBound, in.Note
	}
	var msgs []string
	for _, pr := range p.Problems {
		msgs = append(msgs, pr.Message)
	}
	var files []string
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "GET /files/") {
			files = append(files, r)
		}
	}
	if len(files) > 1 {
		t.Errorf("downloads %v: only the wheel matching the installed tags is fetched", files)
	}
	return o, msgs
}

// instNotBound is what an installer writes or generates for instWheel:
// never bound to the wheel, never a failure.
var instNotBound = []string{
	"demo/__pycache__/__init__.cpython-311.pyc", "../../../bin/demo-tool", "../../../bin/demo-cli",
	"demo-1.0.dist-info/INSTALLER", "demo-1.0.dist-info/RECORD",
}

// builtHereNotBound is every row of instWheel's installed RECORD but
// modified, sorted: built here, nothing is bound to a wheel.
func builtHereNotBound(modified ...string) []string {
	all := append(slices.Clone(instNotBound), "demo/__init__.py", "demo/data.txt", "demo-1.0.dist-info/METADATA", "demo-1.0.dist-info/WHEEL")
	return slices.Sorted(slices.Values(slices.DeleteFunc(all, func(p string) bool { return slices.Contains(modified, p) })))
}

func TestAuditInstalled(t *testing.T) {
	const record = "venv/" + instSP + "/demo-1.0.dist-info/RECORD"
	whl := instWheel.Filename()
	modify := func(rel, content string) func(string) {
		return func(sp string) {
			if err := os.WriteFile(filepath.Join(sp, rel), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	sortedNotBound := slices.Sorted(slices.Values(instNotBound))
	for _, tc := range []struct {
		name  string
		edit  func(sp string)
		wheel func(pypitest.Wheel) pypitest.Wheel
		want  instOut
		msg   string
	}{{
		name: "clean environment: verified and bound",
		want: instOut{Evidence: verify.Verified, OK: true, Files: []string{whl}, Source: record + ":1", Wheel: whl,
			Record: 9, Bound: 4, NotBound: sortedNotBound},
	}, {
		name: "a byte changed in an installed module",
		edit: modify("demo/__init__.py", "print('dem0')\n"),
		want: instOut{Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.InstalledModified}, Files: []string{whl},
			Source: record + ":4", Wheel: whl, Record: 9, Bound: 3, Modified: []string{"demo/__init__.py"}, NotBound: sortedNotBound},
		msg: "demo 1.0: installed file demo/__init__.py differs: it hashes to sha256=",
	}, {
		name: "an installed file deleted",
		edit: func(sp string) { os.Remove(filepath.Join(sp, "demo", "data.txt")) },
		want: instOut{Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.InstalledModified}, Files: []string{whl},
			Source: record + ":6", Wheel: whl, Record: 9, Bound: 3, Modified: []string{"demo/data.txt"}, NotBound: sortedNotBound},
		msg: "demo 1.0: installed file demo/data.txt is missing (" + record + ":6)",
	}, {
		name: "the installed RECORD edited to match a modified file",
		edit: func(sp string) {
			modify("demo/__init__.py", "evil\n")(sp)
			rec := filepath.Join(sp, "demo-1.0.dist-info", "RECORD")
			b, _ := os.ReadFile(rec)
			b = []byte(strings.Replace(string(b), pypitest.RecordHash([]byte("print('demo')\n"))+",14", pypitest.RecordHash([]byte("evil\n"))+",5", 1))
			if err := os.WriteFile(rec, b, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		want: instOut{Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.InstalledModified}, Files: []string{whl},
			Source: record + ":4", Wheel: whl, Record: 9, Bound: 3, Modified: []string{"demo/__init__.py"}, NotBound: sortedNotBound},
		msg: "in the RECORD of the wheel " + whl + ": the RECORD was edited",
	}, {
		name: "editable install",
		edit: modify("demo-1.0.dist-info/direct_url.json", `{"url": "file:///src/demo", "dir_info": {"editable": true}}`),
		want: instOut{Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.UnsupportedRequirement}, Source: record + ":1", Record: 9},
		msg:  "installed in editable mode (direct_url.json: file:///src/demo)",
	}, {
		name:  "built here: no wheel matches the installed tags",
		wheel: func(w pypitest.Wheel) pypitest.Wheel { w.Tag = "cp311-cp311-linux_x86_64"; return w },
		want: instOut{Evidence: verify.Verified, OK: true, Files: []string{"demo-1.0.tar.gz"}, Source: record + ":1", Record: 9,
			NotBound: builtHereNotBound(), Note: verify.NoteBuiltHere},
	}, {
		// Built here binds nothing to a wheel, but the installed RECORD
		// still hashes what was installed: a file changed without it (or
		// a WHEEL edited to fall back to the sdist) is caught.
		name:  "built here: a byte changed in an installed module",
		wheel: func(w pypitest.Wheel) pypitest.Wheel { w.Tag = "cp311-cp311-linux_x86_64"; return w },
		edit:  modify("demo/__init__.py", "print('dem0')\n"),
		want: instOut{Evidence: verify.Failed, Kinds: []verify.ProblemKind{verify.InstalledModified}, Files: []string{"demo-1.0.tar.gz"},
			Source: record + ":4", Record: 9, Modified: []string{"demo/__init__.py"}, NotBound: builtHereNotBound("demo/__init__.py"),
			Note: verify.NoteBuiltHere},
		msg: "demo 1.0: installed file demo/__init__.py differs: it hashes to sha256=",
	}, {
		name:  "another build tag is another wheel",
		wheel: func(w pypitest.Wheel) pypitest.Wheel { w.Build = "2"; return w },
		want: instOut{Evidence: verify.Verified, OK: true, Files: []string{"demo-1.0.tar.gz"}, Source: record + ":1", Record: 9,
			NotBound: builtHereNotBound(), Note: verify.NoteBuiltHere},
	}, {
		name: "a hashed RECORD row outside the environment is not read",
		edit: func(sp string) {
			rec := filepath.Join(sp, "demo-1.0.dist-info", "RECORD")
			b, _ := os.ReadFile(rec)
			b = append(b, "../../../../../../etc/passwd,"+pypitest.RecordHash([]byte("x"))+",1\n"...)
			if err := os.WriteFile(rec, b, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		want: instOut{Evidence: verify.Verified, OK: true, Files: []string{whl}, Source: record + ":1", Wheel: whl,
			Record: 10, Bound: 4, NotBound: slices.Sorted(slices.Values(append(slices.Clone(instNotBound), "../../../../../../etc/passwd")))},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			w := instWheel
			if tc.wheel != nil {
				w = tc.wheel(w)
			}
			got, msgs := instAudit(t, instEnv(t, w, tc.edit))
			got.NotBound = slices.Sorted(slices.Values(got.NotBound))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			if tc.msg != "" && !slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, tc.msg) }) {
				t.Errorf("problems %q: none says %q", msgs, tc.msg)
			}
		})
	}
}

// TestAuditInstalledNoFile: a distribution that matches no wheel of a
// release without an sdist cannot be checked at all: error, saying so.
func TestAuditInstalledNoFile(t *testing.T) {
	w := instWheel
	w.Name, w.Tag = "other", "cp311-cp311-linux_x86_64"
	srv, world := engIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"other": {"1.0": {{Filename: "other-1.0-py3-none-any.whl", Content: []byte("x")}}},
	}})
	dists := instEnv(t, w, nil)
	rep := engEngine(t, srv, world, pypi.Options{}, verify.Options{}).Audit(context.Background(), []pypi.Requirement{dists[0].Requirement()})
	p := rep.Packages[0]
	if p.Evidence != verify.Error || len(p.Problems) != 1 || p.Problems[0].Kind != verify.NotFound ||
		!strings.Contains(p.Problems[0].Message, "no wheel of this release matches the installed tags cp311-cp311-linux_x86_64") {
		t.Errorf("evidence %s, problems %+v; want error, one not-found naming the tags", p.Evidence, p.Problems)
	}
}
