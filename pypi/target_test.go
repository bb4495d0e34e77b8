package pypi_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// TestTargetTagsAgainstPackaging replays tags.json (gen_tags.py): the
// ordered tag list packaging and pip compute for each target. Where a
// target's platforms have no manylinux or musllinux ladder, pip's own
// get_supported answer is the same list, and that is checked too, so the
// widening pyverify makes is the only difference from pip download.
func TestTargetTagsAgainstPackaging(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "packaging", "tags.json"))
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Generator string
		Cases     []struct {
			PythonVersion  string   `json:"python_version"`
			Platforms      []string `json:"platforms"`
			Implementation string   `json:"implementation"`
			ABIs           []string `json:"abis"`
			Tags           []string `json:"tags"`
			Pip            []string `json:"pip"`
		}
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	if len(golden.Cases) < 12 {
		t.Fatalf("%d targets in tags.json, want at least 12", len(golden.Cases))
	}
	for _, c := range golden.Cases {
		tg := pypi.Target{PythonVersion: c.PythonVersion, Platforms: c.Platforms, Implementation: c.Implementation, ABIs: c.ABIs}
		t.Run(tg.String(), func(t *testing.T) {
			if err := tg.Validate(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tag := range tg.Tags() {
				got = append(got, tag.String())
			}
			if diff := cmp.Diff(c.Tags, got); diff != "" {
				t.Errorf("Tags() differs from %s (-packaging +pyverify):\n%s", golden.Generator, diff)
			}
			if !slices.ContainsFunc(c.Platforms, hasLadder) {
				if diff := cmp.Diff(c.Pip, got); diff != "" {
					t.Errorf("Tags() differs from pip's get_supported (-pip +pyverify):\n%s", diff)
				}
			}
		})
	}
}

// hasLadder reports a platform pyverify widens to a libc ladder.
func hasLadder(p string) bool {
	return strings.HasPrefix(p, "manylinux") || strings.HasPrefix(p, "musllinux")
}

func TestTargetSupported(t *testing.T) {
	t.Parallel()
	linux := pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}
	mac := pypi.Target{PythonVersion: "3.12", Platforms: []string{"macosx_14_0_arm64"}}
	tests := []struct {
		target   pypi.Target
		filename string
		want     bool
	}{
		{linux, "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", true},
		{linux, "numpy-2.1.0-cp312-cp312-manylinux_2_28_x86_64.whl", true},
		{linux, "numpy-2.1.0-cp312-cp312-manylinux_2_34_x86_64.whl", false}, // needs a newer glibc
		{linux, "numpy-2.1.0-cp312-cp312-musllinux_1_1_x86_64.whl", false},
		{linux, "numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.whl", false},
		{linux, "numpy-2.1.0-cp312-cp312-manylinux_2_17_aarch64.whl", false},
		{linux, "numpy-2.1.0-cp312-cp312-win_amd64.whl", false},
		{linux, "cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl", true},
		{linux, "requests-2.32.3-py3-none-any.whl", true},
		{linux, "six-1.16.0-py2.py3-none-any.whl", true},
		{linux, "old-1.0-py2-none-any.whl", false},
		{linux, "numpy-2.1.0.tar.gz", false}, // an sdist is the caller's fallback
		{mac, "numpy-2.1.0-cp312-cp312-macosx_14_0_arm64.whl", true},
		{mac, "numpy-2.1.0-cp312-cp312-macosx_11_0_arm64.whl", true},
		{mac, "numpy-2.1.0-cp312-cp312-macosx_10_9_universal2.whl", true},
		{mac, "numpy-2.1.0-cp312-cp312-macosx_15_0_arm64.whl", false},
		{mac, "numpy-2.1.0-cp312-cp312-macosx_10_9_x86_64.whl", false},
	}
	for _, tt := range tests {
		t.Run(tt.target.Platforms[0]+"/"+tt.filename, func(t *testing.T) {
			d, err := pypi.ParseDistFilename(tt.filename)
			if err != nil {
				t.Fatal(err)
			}
			if got := tt.target.Supported(d); got != tt.want {
				t.Errorf("Supported = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTargetAllowsPython(t *testing.T) {
	t.Parallel()
	tg := pypi.Target{PythonVersion: "3.12", Platforms: []string{"any"}}
	tests := []struct {
		requires      string
		allowed, read bool
	}{
		{"", true, true},
		{">=3.8", true, true},
		{">=3.13", false, true},
		{"<3.12", false, true},
		{"==3.12.*", true, true},
		{">3.12.0", false, true}, // 3.12 is padded to 3.12.0, as pip pads it
		{"!=3.12.0", false, true},
		{">=3.8,<3.12", false, true},
		{"not a specifier", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.requires, func(t *testing.T) {
			allowed, read := tg.AllowsPython(tt.requires)
			if allowed != tt.allowed || read != tt.read {
				t.Errorf("AllowsPython(%q) = %v, %v; want %v, %v", tt.requires, allowed, read, tt.allowed, tt.read)
			}
		})
	}
}

func TestTargetEnvironment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target pypi.Target
		want   pypi.Environment
	}{
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}, pypi.Environment{
			ImplementationName: "cpython", ImplementationVersion: "3.12.0", OSName: "posix", PlatformMachine: "x86_64",
			PlatformSystem: "Linux", PythonFullVersion: "3.12.0", PlatformPythonImplementation: "CPython",
			PythonVersion: "3.12", SysPlatform: "linux"}},
		{pypi.Target{PythonVersion: "3.11.4", Platforms: []string{"musllinux_1_2_aarch64", "manylinux2014_aarch64"}}, pypi.Environment{
			ImplementationName: "cpython", ImplementationVersion: "3.11.4", OSName: "posix", PlatformMachine: "aarch64",
			PlatformSystem: "Linux", PythonFullVersion: "3.11.4", PlatformPythonImplementation: "CPython",
			PythonVersion: "3.11", SysPlatform: "linux"}},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"macosx_14_0_arm64"}}, pypi.Environment{
			ImplementationName: "cpython", ImplementationVersion: "3.12.0", OSName: "posix", PlatformMachine: "arm64",
			PlatformSystem: "Darwin", PythonFullVersion: "3.12.0", PlatformPythonImplementation: "CPython",
			PythonVersion: "3.12", SysPlatform: "darwin"}},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"macosx_10_9_universal2"}}, pypi.Environment{
			ImplementationName: "cpython", ImplementationVersion: "3.12.0", OSName: "posix",
			PlatformSystem: "Darwin", PythonFullVersion: "3.12.0", PlatformPythonImplementation: "CPython",
			PythonVersion: "3.12", SysPlatform: "darwin"}},
		{pypi.Target{PythonVersion: "3.13", Platforms: []string{"win_amd64"}}, pypi.Environment{
			ImplementationName: "cpython", ImplementationVersion: "3.13.0", OSName: "nt", PlatformMachine: "AMD64",
			PlatformSystem: "Windows", PythonFullVersion: "3.13.0", PlatformPythonImplementation: "CPython",
			PythonVersion: "3.13", SysPlatform: "win32"}},
		{pypi.Target{PythonVersion: "3.10", Platforms: []string{"manylinux_2_17_x86_64", "win_amd64"}, Implementation: "pp"}, pypi.Environment{
			ImplementationName: "pypy", PythonFullVersion: "3.10.0", PlatformPythonImplementation: "PyPy", PythonVersion: "3.10"}},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"any"}}, pypi.Environment{
			ImplementationName: "cpython", ImplementationVersion: "3.12.0", PythonFullVersion: "3.12.0",
			PlatformPythonImplementation: "CPython", PythonVersion: "3.12"}},
	}
	for _, tt := range tests {
		t.Run(tt.target.String(), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.target.Environment()); diff != "" {
				t.Errorf("Environment() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTargetMarkers(t *testing.T) {
	t.Parallel()
	env := pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}.Environment()
	tests := []struct {
		marker string
		want   bool
	}{
		{`python_version >= "3.8"`, true},
		{`python_version < "3.11"`, false},
		{`sys_platform == "win32"`, false},
		{`sys_platform == "linux" and platform_machine == "x86_64"`, true},
		{`platform_system == "Darwin"`, false},
		{`os_name == "posix"`, true},
		{`implementation_name == "cpython"`, true},
		{`platform_python_implementation == "PyPy"`, false},
		{`python_full_version >= "3.12.0"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.marker, func(t *testing.T) {
			m, err := pypi.ParseMarker(tt.marker)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Evaluate(env); got != tt.want {
				t.Errorf("Evaluate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTargetValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		target pypi.Target
		want   string // a substring of the error; "" = valid
	}{
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"win_amd64"}}, ""},
		{pypi.Target{PythonVersion: "3.12.1", Platforms: []string{"any"}, ABIs: []string{"abi3"}}, ""},
		{pypi.Target{Platforms: []string{"win_amd64"}}, "needs --python-version"},
		{pypi.Target{PythonVersion: "3.12"}, "at least one --platform"},
		{pypi.Target{PythonVersion: "3", Platforms: []string{"any"}}, `invalid --python-version "3"`},
		{pypi.Target{PythonVersion: "312", Platforms: []string{"any"}}, `invalid --python-version "312"`},
		{pypi.Target{PythonVersion: "3.x", Platforms: []string{"any"}}, `invalid --python-version`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"Win-AMD64"}}, `invalid --platform "Win-AMD64"`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"any"}, Implementation: "c-p"}, `invalid --implementation`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"any"}, ABIs: []string{"cp312 "}}, `invalid --abi`},
		// Versions that would make the tag ladders billions long: exit 2,
		// never a run that fills the memory.
		{pypi.Target{PythonVersion: "3.2000000000", Platforms: []string{"any"}}, `invalid --python-version "3.2000000000"`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_2000000000_x86_64"}}, `invalid --platform "manylinux_2_2000000000_x86_64"`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"musllinux_1_2000000000_x86_64"}}, `invalid --platform`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"macosx_10_2000000000_arm64"}}, `invalid --platform`},
		{pypi.Target{PythonVersion: "3.12", Platforms: []string{"macosx_2000000000_0_arm64"}}, `invalid --platform`},
		{pypi.Target{PythonVersion: "3.14", Platforms: []string{"manylinux_2_39_aarch64", "macosx_26_0_arm64"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.target.String(), func(t *testing.T) {
			err := tt.target.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
