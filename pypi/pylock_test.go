package pypi_test

import (
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// lockReq is the comparable view of a Requirement read from a lock file.
type lockReq struct {
	Name, Spec, Pinned, Marker, URL, Unsupported, Source, Text string
	Hashes                                                     []string
}

func lockView(rs []pypi.Requirement) []lockReq {
	var out []lockReq
	for _, r := range rs {
		v, _ := r.Pinned()
		out = append(out, lockReq{r.Name, r.Spec, v, r.Marker, r.URL, r.Unsupported, r.Source(), r.Text, hexes(r.Hashes)})
	}
	return out
}

func readLock(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/pylock/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParsePylock(t *testing.T) {
	t.Parallel()
	const (
		attrsSdist = "75d7cefc7fb576747b2c81b4442d4d4a1ce0900973527c011d1030fd3bf4af1b"
		attrsWheel = "427318ce031701fea540783410126f03899a97ffc6f61596ad581ac2e40e3bc3"
		colorama   = "4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6"
		six        = "4721f391ed90541fddacab5acf947aa0d3dc7d27b2e1e8eda2be8970586c3274"
	)
	tests := []struct {
		name string
		in   []byte
		want []lockReq
	}{
		{"uv export with wheels, sdist, markers, vcs, directory, archive", readLock(t, "pylock.toml"), []lockReq{
			// sdist then wheels; the upper-case digest is lower-cased.
			{Name: "attrs", Spec: "==25.3.0", Pinned: "25.3.0", Source: "pylock.toml:7", Text: "attrs==25.3.0", Hashes: []string{attrsSdist, attrsWheel}},
			{Name: "colorama", Spec: "==0.4.6", Pinned: "0.4.6", Marker: "sys_platform == 'win32'", Source: "pylock.toml:16", Text: "colorama==0.4.6", Hashes: []string{colorama}},
			{Name: "demo-tool", URL: "https://github.com/acme/demo-tool.git", Unsupported: pypi.UnsupportedVCS, Source: "pylock.toml:25", Text: "demo-tool @ https://github.com/acme/demo-tool.git"},
			{Name: "local-lib", URL: "libs/local-lib", Unsupported: pypi.UnsupportedPath, Source: "pylock.toml:29", Text: "local-lib @ libs/local-lib"},
			{Name: "vendored", URL: "vendor/vendored-1.2.tar.gz", Unsupported: pypi.UnsupportedPath, Source: "pylock.toml:33", Text: "vendored @ vendor/vendored-1.2.tar.gz"},
			// [[packages.wheels]] tables; a digest listed twice is kept once.
			{Name: "six", Spec: "==1.17.0", Pinned: "1.17.0", Source: "pylock.toml:38", Text: "six==1.17.0", Hashes: []string{six}},
		}},
		{"inline packages array, newer minor version", readLock(t, "pylock.inline.toml"), []lockReq{
			{Name: "a", Spec: "==1.0", Pinned: "1.0", Source: "pylock.toml:4", Text: "a==1.0", Hashes: []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}},
			{Name: "b", Spec: "==2.0", Pinned: "2.0", Source: "pylock.toml:6", Text: "b==2.0", Hashes: []string{"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}},
		}},
		{"remote archive and a package without a version", []byte(`lock-version = "1.0"
created-by = "t"
[[packages]]
name = "remote"
version = "3.0"
archive = { url = "https://example.test/remote-3.0.zip", hashes = { sha256 = "` + hashA + `" } }
[[packages]]
name = "dynamic"
wheels = [{ name = "dynamic-0-py3-none-any.whl", hashes = { sha256 = "` + hashZ + `" } }]
`), []lockReq{
			{Name: "remote", URL: "https://example.test/remote-3.0.zip", Unsupported: pypi.UnsupportedURL, Source: "pylock.toml:3", Text: "remote @ https://example.test/remote-3.0.zip"},
			{Name: "dynamic", Unsupported: pypi.UnsupportedNoVersion, Source: "pylock.toml:7", Text: "dynamic", Hashes: []string{hashZ}},
		}},
		{"no packages", []byte("lock-version = '1.0'\ncreated-by = 't'\npackages = []\n"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rf, err := pypi.ParsePylock(fstest.MapFS{"pylock.toml": {Data: tt.in}}, "pylock.toml")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, lockView(rf.Requirements)); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
			if len(rf.Constraints) != 0 || len(rf.Options) != 0 {
				t.Errorf("constraints %v, options %v: want none", rf.Constraints, rf.Options)
			}
		})
	}
}

func TestParsePylockErrors(t *testing.T) {
	t.Parallel()
	wheel := func(h string) string {
		return `wheels = [{ name = "x-1-py3-none-any.whl", hashes = { ` + h + ` } }]` + "\n"
	}
	tests := []struct {
		name, in string
		want     []string
	}{
		{"bad TOML", "lock-version = \"1.0\"\ncreated-by = \"t\"\n[[packages]]\nname = \n", []string{"pylock.toml:4: invalid TOML: "}},
		{"duplicate key", "lock-version = \"1.0\"\nlock-version = \"1.0\"\n", []string{"pylock.toml:2: invalid TOML: "}},
		{"not UTF-8", "lock-version = \"1.0\"\n# \xff\n", []string{"pylock.toml:2: the file is not UTF-8 (invalid byte 0xff): TOML files are UTF-8"}},
		{"missing lock-version", "[[packages]]\nname = \"x\"\n", []string{"pylock.toml:1: missing lock-version: not a PEP 751 lock file"}},
		{"major version 2", "# v2\nlock-version = \"2.0\"\n[[packages]]\nname = 1\n", []string{`pylock.toml:2: unsupported lock-version "2.0": pyverify reads version 1.x lock files`}},
		{"lock-version not a string", "\nlock-version = 1.0\n", []string{"pylock.toml:2: lock-version must be a string, not a float"}},
		{"packages is a table", "lock-version = \"1.0\"\ncreated-by = \"t\"\n[packages]\nname = \"x\"\n", []string{"pylock.toml:3: packages must be an array of tables, not a table"}},
		// What packaging.pylock (26.x) refuses.
		{"missing created-by", "lock-version = \"1.0\"\npackages = []\n", []string{"pylock.toml:1: missing created-by: PEP 751 requires the name of the tool that wrote the lock"}},
		{"created-by not a string", "lock-version = \"1.0\"\ncreated-by = 1\npackages = []\n", []string{"pylock.toml:2: created-by must be a string, not an integer"}},
		{"missing packages", "lock-version = \"1.0\"\ncreated-by = \"t\"\n", []string{"pylock.toml:1: missing packages: PEP 751 requires a packages array (it may be empty)"}},
		{"archive without path or url", "lock-version = \"1.0\"\ncreated-by = \"t\"\n[[packages]]\nname = \"x\"\nversion = \"1\"\narchive = { hashes = { sha256 = \"" + hashA + "\" } }\n",
			[]string{`pylock.toml:3: package "x" archive has neither path nor url`}},
		{"environments", "lock-version = \"1.0\"\ncreated-by = \"t\"\nenvironments = [\"python_version >= '3.9'\", \"python_version >= 3\", 3]\npackages = []\n", []string{
			`pylock.toml:3: environments entry 2: invalid marker "python_version >= 3": column 19: expected a marker variable (python_version, sys_platform, …) or a quoted string`,
			`pylock.toml:3: environments entry 3 must be a string (a PEP 508 marker), not an integer`,
		}},
		{"environments not an array", "lock-version = \"1.0\"\ncreated-by = \"t\"\nenvironments = \"linux\"\npackages = []\n", []string{"pylock.toml:3: environments must be an array of strings, not a string"}},
		{"invalid package marker", "lock-version = \"1.0\"\ncreated-by = \"t\"\n[[packages]]\nname = \"x\"\nversion = \"1\"\nmarker = \"os_name = 'nt'\"\n" + wheel(`sha256 = "`+hashA+`"`),
			[]string{`pylock.toml:3: package "x": invalid marker "os_name = 'nt'": column 9: expected a marker operator (<=, <, !=, ==, >=, >, ~=, ===, in, not in)`}},
		{"every bad entry is listed", "lock-version = \"1.0\"\ncreated-by = \"t\"\n" +
			"[[packages]]\nversion = \"1\"\n" + wheel(`sha256 = "`+hashA+`"`) + // 3: no name
			"[[packages]]\nname = \"no-sha\"\nversion = \"1\"\n" + wheel(`md5 = "00"`) + // 6
			"[[packages]]\nname = \"ok\"\nversion = \"1\"\n" + wheel(`sha256 = "`+hashA+`"`) + // 10
			"[[packages]]\nname = \"short\"\nversion = \"1\"\nsdist = { hashes = { sha256 = \"abc\" } }\n" + // 14
			"[[packages]]\nname = \"nosource\"\nversion = \"1\"\n" + // 18
			"[[packages]]\nname = \"both\"\nversion = \"1\"\ndirectory = { path = \".\" }\n" + wheel(`sha256 = "`+hashA+`"`) + // 21
			"[[packages]]\nname = \"badver\"\nversion = \"1 .0\"\n" + wheel(`sha256 = "`+hashA+`"`) + // 26
			"[[packages]]\nname = \"-bad-\"\n" + // 30
			"[[packages]]\nname = \"wild\"\nversion = \"2.*\"\nwheels = []\n" + // 32
			"[[packages]]\nname = \"nohashes\"\nversion = \"1\"\nsdist = { url = \"https://h/nohashes-1.tar.gz\" }\n" + // 36
			"[[packages]]\nname = \"typed\"\nversion = 1\nmarker = true\n" + wheel(`sha256 = 5`), // 40
			[]string{
				"pylock.toml:3: packages entry 1 has no name",
				`pylock.toml:6: package "no-sha" wheel 1 (x-1-py3-none-any.whl) has no sha256 hash (pyverify checks sha256 digests)`,
				`pylock.toml:14: package "short" sdist: invalid sha256 hash "abc": want 64 hexadecimal digits`,
				`pylock.toml:18: package "nosource" has no source (vcs, directory, archive, sdist or wheels)`,
				`pylock.toml:21: package "both" has both directory and wheels: PEP 751 allows only one of vcs, directory, archive, or sdist/wheels`,
				`pylock.toml:26: package "badver": invalid version "1 .0": `,
				`pylock.toml:30: packages entry 8: invalid package name "-bad-"`,
				`pylock.toml:32: package "wild": invalid version "2.*": `,
				`pylock.toml:36: package "nohashes" sdist (nohashes-1.tar.gz) has no hashes: a locked file needs a sha256 hash`,
				`pylock.toml:40: package "typed": version must be a string, not an integer`,
				`pylock.toml:40: package "typed": marker must be a string, not a boolean`,
				`pylock.toml:40: package "typed" wheel 1 (x-1-py3-none-any.whl) hashes: sha256 must be a string, not an integer`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rf, err := pypi.ParsePylock(fstest.MapFS{"pylock.toml": {Data: []byte(tt.in)}}, "pylock.toml")
			if err == nil {
				t.Fatalf("got %d requirements, want an error", len(rf.Requirements))
			}
			var got []string
			var pes pypi.ParseErrors
			var pe *pypi.ParseError
			switch {
			case errors.As(err, &pes):
				for _, e := range pes {
					got = append(got, e.Error())
				}
			case errors.As(err, &pe):
				got = []string{pe.Error()}
			default:
				t.Fatalf("error %v (%T) is not a *ParseError", err, err)
			}
			// Compare the prefixes the table gives (go-toml's and the
			// specifier parser's own wording may change).
			for i := range got {
				if i < len(tt.want) && len(got[i]) > len(tt.want[i]) && tt.want[i][len(tt.want[i])-1] == ' ' {
					got[i] = got[i][:len(tt.want[i])]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePylockMissingFile(t *testing.T) {
	t.Parallel()
	_, err := pypi.ParsePylock(fstest.MapFS{}, "pylock.toml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestIsPylockName(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{
		"pylock.toml":           true,
		"dir/pylock.dev.toml":   true,
		`C:\app\pylock.toml`:    true,
		"pylock.a.b.toml":       false,
		"pylock..toml":          false,
		"requirements.txt":      false,
		"mypylock.toml":         false,
		"pylock.toml.txt":       false,
		"Pylock.toml":           false,
		"pylock.toml/child.txt": false,
	}
	for name, want := range tests {
		if got := pypi.IsPylockName(name); got != want {
			t.Errorf("IsPylockName(%q) = %v, want %v", name, got, want)
		}
	}
}
