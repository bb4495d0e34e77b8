package pypi

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Target is the environment an audit is for, in pip download's terms
// (--python-version, --platform, --implementation, --abi): only the files
// that environment could install are checked, and PEP 508 markers are
// evaluated against it (issue #11). pyverify never guesses from the machine
// it runs on, so a target names its Python version and at least one
// platform (Validate).
type Target struct {
	PythonVersion  string   // "3.12" or "3.12.1"
	Platforms      []string // as given: manylinux_2_28_x86_64, macosx_14_0_arm64, win_amd64, any, …
	Implementation string   // "cp" (the default when empty), "pp", "py", …
	ABIs           []string // as given; empty = the defaults pip derives (Tags)
}

var (
	targetPython = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?$`)
	targetWord   = regexp.MustCompile(`^[a-z0-9_]+$`)
)

// Validate says what is wrong with a target given on the command line, in
// the flags' terms.
func (t Target) Validate() error {
	if t.PythonVersion == "" {
		return errors.New("a target needs --python-version (e.g. 3.12)")
	}
	if _, ok := parseTargetPython(t.PythonVersion); !ok {
		return fmt.Errorf("invalid --python-version %q: want MAJOR.MINOR or MAJOR.MINOR.MICRO, e.g. 3.12", t.PythonVersion)
	}
	if len(t.Platforms) == 0 {
		return errors.New("a target needs at least one --platform (e.g. manylinux_2_28_x86_64, macosx_14_0_arm64, win_amd64, any): pyverify does not take the platform from the machine it runs on")
	}
	for _, p := range t.Platforms {
		if !targetWord.MatchString(p) {
			return fmt.Errorf("invalid --platform %q: a wheel platform tag is lower-case letters, digits and underscores, e.g. manylinux_2_28_x86_64", p)
		}
		// The ladders of manylinux, musllinux and macOS tags have one
		// step per version below the one named.
		for _, re := range []*regexp.Regexp{perennialTag, macTag} {
			if m := re.FindStringSubmatch(p); m != nil && (len(m[2]) > 3 || len(m[3]) > 3) {
				return fmt.Errorf("invalid --platform %q: version numbers above 999", p)
			}
		}
	}
	if t.Implementation != "" && !regexp.MustCompile(`^[a-z]+$`).MatchString(t.Implementation) {
		return fmt.Errorf("invalid --implementation %q: want an interpreter abbreviation such as cp, pp or py", t.Implementation)
	}
	for _, a := range t.ABIs {
		if !targetWord.MatchString(a) {
			return fmt.Errorf("invalid --abi %q: an ABI tag is lower-case letters, digits and underscores, e.g. cp312, abi3, none", a)
		}
	}
	return nil
}

// parseTargetPython returns the major and minor version of "3.12[.1]".
func parseTargetPython(s string) ([2]int, bool) {
	m := targetPython.FindStringSubmatch(s)
	if m == nil {
		return [2]int{}, false
	}
	major, err1 := strconv.Atoi(m[1])
	minor, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil || major > 99 || minor > 999 {
		return [2]int{}, false
	}
	return [2]int{major, minor}, true
}

func (t Target) implementation() string {
	if t.Implementation == "" {
		return "cp"
	}
	return t.Implementation
}

// FullPythonVersion is the target's Python version with three parts, as
// pip pads --python-version: "3.12" is 3.12.0.
func (t Target) FullPythonVersion() string {
	if strings.Count(t.PythonVersion, ".") == 1 {
		return t.PythonVersion + ".0"
	}
	return t.PythonVersion
}

// Supported reports whether the target installs the distribution d: a
// wheel one of whose tags is in Tags. An sdist is not "supported" in this
// sense; whether it is needed is the caller's choice (pip takes it only
// when no wheel fits).
func (t Target) Supported(d DistFilename) bool {
	if d.Kind != Wheel {
		return false
	}
	for _, tag := range t.Tags() {
		for _, w := range d.Tags {
			if w == tag {
				return true
			}
		}
	}
	return false
}

// AllowsPython reports whether a file's Requires-Python (PEP 345, a
// specifier set; "" = any) admits the target's Python, as pip checks it
// with the padded version (pip's check_requires_python). ok is false when
// the specifier cannot be read; pip then ignores it.
func (t Target) AllowsPython(requiresPython string) (allowed, ok bool) {
	if strings.TrimSpace(requiresPython) == "" {
		return true, true
	}
	set, err := ParseSpecifierSet(requiresPython)
	if err != nil {
		return true, false
	}
	v, err := ParseVersion(t.FullPythonVersion())
	if err != nil {
		return true, false
	}
	return set.Contains(v, true), true
}

// Environment returns the PEP 508 marker environment of the target.
// python_version, python_full_version (padded as FullPythonVersion) and the
// implementation follow from the flags. os_name, sys_platform,
// platform_system and platform_machine follow from the platform tags when
// they all agree (a manylinux, musllinux or linux tag is Linux, macosx is
// Darwin, win is Windows); a variable the platforms disagree on, or that no
// tag tells ("any"), is "". platform_release and platform_version (the
// kernel), and implementation_version for other than CPython, cannot be
// known from tags and are "".
func (t Target) Environment() Environment {
	env := Environment{
		PythonVersion:     t.PythonVersion,
		PythonFullVersion: t.FullPythonVersion(),
	}
	if py, ok := parseTargetPython(t.PythonVersion); ok {
		env.PythonVersion = fmt.Sprintf("%d.%d", py[0], py[1])
	}
	switch t.implementation() {
	case "cp":
		env.ImplementationName, env.PlatformPythonImplementation = "cpython", "CPython"
		env.ImplementationVersion = env.PythonFullVersion
	case "pp":
		env.ImplementationName, env.PlatformPythonImplementation = "pypy", "PyPy"
	case "ip":
		env.ImplementationName, env.PlatformPythonImplementation = "ironpython", "IronPython"
	case "jy":
		env.ImplementationName, env.PlatformPythonImplementation = "jython", "Jython"
	case "gp":
		env.ImplementationName, env.PlatformPythonImplementation = "graalpy", "GraalVM"
	}
	for i, p := range t.Platforms {
		pe := platformEnvironment(p)
		if i == 0 {
			env.OSName, env.SysPlatform, env.PlatformSystem, env.PlatformMachine = pe.OSName, pe.SysPlatform, pe.PlatformSystem, pe.PlatformMachine
			continue
		}
		agree := func(have *string, got string) {
			if *have != got {
				*have = ""
			}
		}
		agree(&env.OSName, pe.OSName)
		agree(&env.SysPlatform, pe.SysPlatform)
		agree(&env.PlatformSystem, pe.PlatformSystem)
		agree(&env.PlatformMachine, pe.PlatformMachine)
	}
	return env
}

// windowsMachines maps a win_* tag's architecture to platform.machine().
var windowsMachines = map[string]string{"amd64": "AMD64", "arm64": "ARM64", "arm32": "ARM"}

// platformEnvironment reads what a platform tag says about the marker
// variables.
func platformEnvironment(p string) Environment {
	linux := func(arch string) Environment {
		return Environment{OSName: "posix", SysPlatform: "linux", PlatformSystem: "Linux", PlatformMachine: arch}
	}
	if m := perennialTag.FindStringSubmatch(p); m != nil {
		return linux(m[4])
	}
	if name, arch, ok := strings.Cut(p, "_"); ok {
		if _, legacy := legacyManylinux[name]; legacy || name == "linux" {
			return linux(arch)
		}
	}
	if m := macTag.FindStringSubmatch(p); m != nil {
		env := Environment{OSName: "posix", SysPlatform: "darwin", PlatformSystem: "Darwin"}
		if m[4] == "arm64" || m[4] == "x86_64" {
			env.PlatformMachine = m[4] // universal2, intel, … name no one machine
		}
		return env
	}
	if p == "win32" {
		return Environment{OSName: "nt", SysPlatform: "win32", PlatformSystem: "Windows", PlatformMachine: "x86"}
	}
	if arch, ok := strings.CutPrefix(p, "win_"); ok {
		return Environment{OSName: "nt", SysPlatform: "win32", PlatformSystem: "Windows", PlatformMachine: windowsMachines[arch]}
	}
	return Environment{}
}

// String describes the target for reports: "cp3.12 manylinux_2_28_x86_64".
func (t Target) String() string {
	s := t.implementation() + t.PythonVersion + " " + strings.Join(t.Platforms, ",")
	if len(t.ABIs) > 0 {
		s += " abi " + strings.Join(t.ABIs, ",")
	}
	return s
}
