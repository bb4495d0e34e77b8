package verify

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

// TestWheelRecord: the wheel's RECORD is the installed dist-info's, read
// from the file kept on disk; a wheel without one, with several to choose
// from, or with one larger than pypi.MaxRecordSize is an error, never an
// empty RECORD that binds nothing.
func TestWheelRecord(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  string // the first path of the RECORD read, or the error
		twice string // a file of files written a second time, with other rows
	}{
		{"the installed dist-info's", map[string]string{"demo-1.0.dist-info/RECORD": "a.py,,\n", "other-1.0.dist-info/RECORD": "b.py,,\n"}, "a.py", ""},
		{"the only one", map[string]string{"Demo-1.0.dist-info/RECORD": "a.py,,\n"}, "a.py", ""},
		{"none", map[string]string{"demo/RECORD": "a.py,,\n"}, "error: no .dist-info/RECORD in the wheel", ""},
		{"nested is not one", map[string]string{"x/demo-1.0.dist-info/RECORD": "a.py,,\n"}, "error: no .dist-info/RECORD", ""},
		{"two others", map[string]string{"a-1.dist-info/RECORD": "a.py,,\n", "b-1.dist-info/RECORD": "b.py,,\n"}, "error: more than one .dist-info/RECORD", ""},
		{"malformed", map[string]string{"demo-1.0.dist-info/RECORD": "a.py\n"}, "error: demo-1.0-py3-none-any.whl!demo-1.0.dist-info/RECORD:1: want 3 fields", ""},
		{"too large", map[string]string{"demo-1.0.dist-info/RECORD": strings.Repeat(",", 32<<20+1)}, "error: demo-1.0.dist-info/RECORD is larger than", ""},
		// Python's zipfile (pip) reads the last of two entries of one
		// name; the first would bind other rows than pip installed.
		{"the installed dist-info's twice", map[string]string{"demo-1.0.dist-info/RECORD": "a.py,,\n"}, "error: the wheel holds demo-1.0.dist-info/RECORD twice", "demo-1.0.dist-info/RECORD"},
		{"the only one twice", map[string]string{"Demo-1.0.dist-info/RECORD": "a.py,,\n"}, "error: the wheel holds Demo-1.0.dist-info/RECORD twice", "Demo-1.0.dist-info/RECORD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := os.Create(filepath.Join(t.TempDir(), "w.whl"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zw := zip.NewWriter(f)
			for n, c := range tc.files {
				w, _ := zw.Create(n)
				w.Write([]byte(c))
			}
			if tc.twice != "" {
				w, _ := zw.Create(tc.twice)
				w.Write([]byte("b.py,,\n"))
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			rec, err := wheelRecord(f, "demo-1.0-py3-none-any.whl", "demo-1.0.dist-info")
			got := ""
			switch {
			case err != nil:
				got = "error: " + err.Error()
			case len(rec) > 0:
				got = rec[0].Path
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want %q…", got, tc.want)
			}
		})
	}
}

// TestClosureInputsInstalled: an unlisted dependency says what was
// audited ("not in …"). An installed distribution's requirement is located
// at its RECORD, and naming every RECORD made each message list the whole
// environment; it is the environment, as --path named it, once.
func TestClosureInputsInstalled(t *testing.T) {
	t.Parallel()
	env := func(loc, name string) pypi.Requirement {
		d := &pypi.InstalledDist{Location: loc, SitePackages: "lib/python3.12/site-packages",
			DistInfo: "lib/python3.12/site-packages/" + name + "-1.0.dist-info", Name: name, Version: "1.0"}
		return d.Requirement()
	}
	tests := []struct {
		name string
		reqs []pypi.Requirement
		want string
	}{
		{"files and the command line", []pypi.Requirement{{Name: "a", File: "requirements.txt"}, {Name: "b", File: "dev.txt"}, {Name: "c"}},
			"requirements.txt or dev.txt or the command line"},
		{"one environment", []pypi.Requirement{env(".venv", "a"), env(".venv", "b"), env(".venv", "c")}, ".venv"},
		{"a file and two environments", []pypi.Requirement{{Name: "a", File: "requirements.txt"}, env(".venv", "b"), env("other", "c"), env(".venv", "d")},
			"requirements.txt or .venv or other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := inputsOf(tt.reqs); got != tt.want {
				t.Errorf("inputsOf = %q, want %q", got, tt.want)
			}
		})
	}
}
