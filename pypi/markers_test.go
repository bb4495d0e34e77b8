package pypi_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// stricterThanPackaging are markers packaging parses and evaluates to a
// constant that says nothing about the target (a variable compared with
// another variable's name, a set compared as a string), that need
// Python's Unicode name table, or "LITERAL ~= variable" and
// "LITERAL === variable", which packaging can evaluate only where the
// variable's value happens to be a valid specifier version; pyverify
// refuses them.
func stricterThanPackaging(m string) bool {
	return slices.Contains([]string{
		`os_name == sys_platform`,
		`"x" == extras`,
		`"x" < extras`,
		`os_name == "\N{LATIN SMALL LETTER A}"`,
	}, m) || literalFirstVersionOp.MatchString(m)
}

var literalFirstVersionOp = regexp.MustCompile(`^\s*('[^']*'|"[^"]*")\s*(~=|===)\s*[a-z_.]+\s*$`)

// TestMarkersAgainstPackaging replays tables generated from the real
// packaging library (its version is in each file): markers.json
// (gen_markers.py) has every marker variable and spelling, the grammar
// (parentheses, "and" over "or", quotes, white space) and invalid markers;
// markers_suite.json (gen_suite.py) every marker of packaging's own
// tests/test_markers.py. Each is evaluated in four environments.
func TestMarkersAgainstPackaging(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"markers.json", "markers_suite.json"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			replayMarkers(t, filepath.Join("testdata", "packaging", file))
		})
	}
}

func replayMarkers(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Packaging    string
		Environments map[string]struct {
			ImplementationName           string   `json:"implementation_name"`
			ImplementationVersion        string   `json:"implementation_version"`
			OSName                       string   `json:"os_name"`
			PlatformMachine              string   `json:"platform_machine"`
			PlatformRelease              string   `json:"platform_release"`
			PlatformSystem               string   `json:"platform_system"`
			PlatformVersion              string   `json:"platform_version"`
			PythonFullVersion            string   `json:"python_full_version"`
			PlatformPythonImplementation string   `json:"platform_python_implementation"`
			PythonVersion                string   `json:"python_version"`
			SysPlatform                  string   `json:"sys_platform"`
			Extra                        string   `json:"extra"`
			Extras                       []string `json:"extras"`
			DependencyGroups             []string `json:"dependency_groups"`
		}
		Markers []struct {
			Marker  string
			Invalid bool
			Results map[string]any
		}
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	envs := map[string]pypi.Environment{}
	for name, e := range golden.Environments {
		envs[name] = pypi.Environment(e)
	}
	for _, tt := range golden.Markers {
		t.Run(tt.Marker, func(t *testing.T) {
			m, err := pypi.ParseMarker(tt.Marker)
			refused := tt.Invalid || stricterThanPackaging(tt.Marker)
			for _, r := range tt.Results {
				refused = refused || r == "error"
			}
			if refused {
				if err == nil {
					t.Fatalf("ParseMarker(%q) = %q, want an error (packaging %s: invalid or cannot evaluate)", tt.Marker, m, golden.Packaging)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMarker(%q): %v (packaging %s accepts it)", tt.Marker, err, golden.Packaging)
			}
			again, err := pypi.ParseMarker(m.String())
			if err != nil {
				t.Fatalf("ParseMarker(String() = %q): %v", m, err)
			}
			for name, want := range tt.Results {
				if got := m.Evaluate(envs[name]); got != want {
					t.Errorf("%s: Evaluate = %v, packaging %s says %v", name, got, golden.Packaging, want)
				}
				if got := again.Evaluate(envs[name]); got != want {
					t.Errorf("%s: %q (String()) evaluates to %v, want %v", name, m, got, want)
				}
			}
		})
	}
}

func TestMarkerString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`python_version>='3.9'`, `python_version >= "3.9"`},
		{`os.name == "nt"`, `os_name == "nt"`},
		{`python_implementation=="CPython"`, `platform_python_implementation == "CPython"`},
		{`extra == "Foo_Bar"`, `extra == "foo-bar"`},
		{`"Socks.Proxy" in extras`, `"socks-proxy" in extras`},
		{`((os_name == "nt"))`, `os_name == "nt"`},
		{`os_name == "nt" and (sys_platform == "x" or sys_platform == "y")`, `os_name == "nt" and (sys_platform == "x" or sys_platform == "y")`},
		{`(os_name == "nt" and sys_platform == "x") or sys_platform == "y"`, `os_name == "nt" and sys_platform == "x" or sys_platform == "y"`},
		{`os_name == 'say "hi"'`, `os_name == 'say "hi"'`},
		{`os_name == "it's \x22x\x22"`, `os_name == "it's \x22x\x22"`},
		{`os_name == "a\\b"`, `os_name == "a\\b"`},
		{`os_name == "a\tb"`, "os_name == \"a\tb\""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			m, err := pypi.ParseMarker(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseMarker(%q) = %q, want an error", tt.in, m)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, m.String()); diff != "" {
				t.Errorf("String() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseMarkerErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`python_version >= 3.9`, `column 19: expected a marker variable`},
		{`python_version >= "3.9" and`, `column 28: expected a marker variable`},
		{`(os_name == "nt"`, `column 17: expected ")" to close the "(" at column 1`},
		{`os_name == "nt")`, `column 16: expected "and", "or" or the end`},
		{`os_name not "nt"`, `column 9: expected "in" after "not"`},
		{`os_name = "nt"`, `column 9: expected a marker operator`},
		{`"a" == "b"`, `column 1: "a" == "b" compares two strings`},
		{`os_name == sys_platform`, `compares two variables`},
		{`extras == "x"`, `extras is a set`},
		{`os_name ~= "nt"`, `~= applies to versions; os_name is not one`},
		{`python_version ~= "3"`, `~= needs a version with at least two release components`},
		{`os_name == 'nt\'`, `column 12: invalid quoted string 'nt\': a backslash escapes the closing quote`},
		{`os_name == "\x4"`, `invalid quoted string`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := pypi.ParseMarker(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseMarker(%q) error = %v, want one containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestMarkerEvaluateExtras(t *testing.T) {
	t.Parallel()
	m, err := pypi.ParseMarker(`extra == "socks" or python_version < "3.9"`)
	if err != nil {
		t.Fatal(err)
	}
	env := pypi.Environment{PythonVersion: "3.12"}
	tests := []struct {
		extras []string
		want   bool
	}{
		{nil, false},
		{[]string{"security"}, false},
		{[]string{"security", "SOCKS"}, true},
	}
	for _, tt := range tests {
		if got := m.EvaluateExtras(env, tt.extras); got != tt.want {
			t.Errorf("EvaluateExtras(%q) = %v, want %v", tt.extras, got, tt.want)
		}
	}
	if !(pypi.Marker{}).Evaluate(env) {
		t.Error("the zero Marker must be true")
	}
}

// FuzzParseMarker checks that the normal form is a fixed point that means
// the same: String() parses, prints the same and evaluates the same.
func FuzzParseMarker(f *testing.F) {
	for _, s := range []string{
		`python_version >= "3.9" and (sys_platform == "win32" or platform_machine == "arm64")`,
		`os.name == 'po\x73ix' or extra == "Foo_Bar"`,
		`"socks" in extras and "3.8" in python_version`,
		`python_full_version ~= "3.12.0" or implementation_version === "7.3"`,
		`os_name == 'say "hi"'`,
		`os_name == "it's \x22x\x22" or os_name == 'a\\b'`,
	} {
		f.Add(s)
	}
	env := pypi.Environment{PythonVersion: "3.12", PythonFullVersion: "3.12.4", OSName: "posix", SysPlatform: "linux", Extra: "foo-bar", Extras: []string{"socks"}}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := pypi.ParseMarker(s)
		if err != nil {
			return
		}
		n, err := pypi.ParseMarker(m.String())
		if err != nil {
			t.Fatalf("ParseMarker(%q).String() = %q does not parse: %v", s, m, err)
		}
		if n.String() != m.String() {
			t.Errorf("round trip of %q: %q then %q", s, m, n)
		}
		if m.Evaluate(env) != n.Evaluate(env) {
			t.Errorf("%q and its normal form %q evaluate differently", s, m)
		}
	})
}
