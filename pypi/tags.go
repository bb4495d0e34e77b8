package pypi

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file computes the ordered list of wheel tags a target installs, as
// pip's compatibility_tags.get_supported does for pip download's
// --python-version, --platform, --implementation and --abi (itself
// packaging.tags' cpython_tags or generic_tags, then compatible_tags). One
// deliberate widening: a manylinux or musllinux platform stands for a
// system with that libc, so it expands to the ladder packaging.tags.sys_tags
// yields on such a system (manylinux_2_28 also installs manylinux_2_17 and
// manylinux2014 wheels), where pip download takes the tag literally.
// testdata/packaging/tags.json holds packaging's own answers.

// Tags returns the wheel tags the target installs, most preferred first,
// with packaging's order and repetitions.
func (t Target) Tags() []WheelTag {
	py, ok := parseTargetPython(t.PythonVersion)
	if !ok {
		return nil
	}
	impl := t.implementation()
	nodot := fmt.Sprintf("%d%d", py[0], py[1])
	interpreter := impl + nodot
	var plats []string
	for _, p := range t.Platforms {
		for _, c := range expandPlatform(p) {
			if !slices.Contains(plats, c) {
				plats = append(plats, c)
			}
		}
	}
	var out []WheelTag
	add := func(python, abi string) {
		for _, p := range plats {
			out = append(out, WheelTag{python, abi, p})
		}
	}
	abis := t.abis(py)
	if impl == "cp" {
		threaded := len(abis) > 0 && threadedABI(abis[0])
		explicit := []string{"abi3", "none"}
		if threaded {
			explicit = append(explicit, "abi3t")
		}
		// packaging removes the first "abi3", "none" (and "abi3t") given,
		// and yields them in its own places below.
		rest := abis
		for _, x := range explicit {
			if i := slices.Index(rest, x); i >= 0 {
				rest = slices.Delete(rest, i, i+1)
			}
		}
		for _, a := range rest {
			add(interpreter, a)
		}
		abi3 := cmpVersion(py, [2]int{3, 2}) >= 0 && !threaded
		abi3t := cmpVersion(py, [2]int{3, 2}) >= 0 && threaded
		if abi3 {
			add(interpreter, "abi3")
		}
		if abi3t {
			add(interpreter, "abi3t")
		}
		add(interpreter, "none")
		if abi3 || abi3t {
			for minor := py[1] - 1; minor > 1; minor-- {
				older := fmt.Sprintf("cp%d%d", py[0], minor)
				for _, p := range plats {
					if abi3 {
						out = append(out, WheelTag{older, "abi3", p})
					}
					if abi3t {
						out = append(out, WheelTag{older, "abi3t", p})
					}
				}
			}
		}
	} else {
		if !slices.Contains(abis, "none") {
			abis = append(abis, "none")
		}
		for _, a := range abis {
			add(interpreter, a)
		}
	}
	// compatible_tags: py*-none-<platform>, <interpreter>-none-any, py*-none-any.
	pys := pythonRange(py)
	for _, v := range pys {
		add(v, "none")
	}
	out = append(out, WheelTag{interpreter, "none", "any"})
	for _, v := range pys {
		out = append(out, WheelTag{v, "none", "any"})
	}
	return out
}

// abis returns the ABIs given, or the ones pip derives for the target: for
// CPython those of a release (non-debug, GIL) build, as packaging's
// _cpython_abis answers on one; for other implementations none (pip would
// take the running interpreter's, which says nothing about a target).
func (t Target) abis(py [2]int) []string {
	if len(t.ABIs) > 0 {
		return append([]string(nil), t.ABIs...)
	}
	if t.implementation() != "cp" {
		return nil
	}
	abi := fmt.Sprintf("cp%d%d", py[0], py[1])
	if cmpVersion(py, [2]int{3, 8}) < 0 {
		abi += "m"
	}
	if cmpVersion(py, [2]int{3, 3}) < 0 {
		abi += "u"
	}
	return []string{abi}
}

// threadedABI reports a free-threaded CPython ABI ("cp313t"), which loads
// abi3t, not abi3, wheels.
func threadedABI(abi string) bool {
	m := cpABI.FindStringSubmatch(abi)
	return m != nil && strings.Contains(m[1], "t")
}

var cpABI = regexp.MustCompile(`^cp\d+(.*)`)

// pythonRange is packaging's _py_interpreter_range: py312, py3, py311 … py30.
func pythonRange(py [2]int) []string {
	out := []string{fmt.Sprintf("py%d%d", py[0], py[1]), fmt.Sprintf("py%d", py[0])}
	for minor := py[1] - 1; minor >= 0; minor-- {
		out = append(out, fmt.Sprintf("py%d%d", py[0], minor))
	}
	return out
}

// legacyManylinux maps the PEP 513/571/599 names to their glibc version.
var legacyManylinux = map[string][2]int{"manylinux1": {2, 5}, "manylinux2010": {2, 12}, "manylinux2014": {2, 17}}

var (
	perennialTag = regexp.MustCompile(`^(manylinux|musllinux)_(\d+)_(\d+)_(.+)$`)
	macTag       = regexp.MustCompile(`^(macosx)_(\d+)_(\d+)_(.+)$`)
)

// expandPlatform returns the platforms a system named by tag p installs:
// the manylinux and musllinux ladders of packaging's _manylinux and
// _musllinux.platform_tags, pip's macOS expansion (packaging.tags.
// mac_platforms), and p alone otherwise.
func expandPlatform(p string) []string {
	if m := perennialTag.FindStringSubmatch(p); m != nil {
		major, _ := strconv.Atoi(m[2])
		minor, _ := strconv.Atoi(m[3])
		if m[1] == "musllinux" {
			var out []string
			for v := minor; v >= 0; v-- {
				out = append(out, fmt.Sprintf("musllinux_%d_%d_%s", major, v, m[4]))
			}
			return out
		}
		return manylinuxLadder([2]int{major, minor}, m[4])
	}
	if name, arch, ok := strings.Cut(p, "_"); ok {
		if v, legacy := legacyManylinux[name]; legacy {
			return manylinuxLadder(v, arch)
		}
	}
	if m := macTag.FindStringSubmatch(p); m != nil {
		major, _ := strconv.Atoi(m[2])
		minor, _ := strconv.Atoi(m[3])
		return macPlatforms([2]int{major, minor}, m[4])
	}
	return []string{p}
}

// manylinuxLadder is packaging's _manylinux.platform_tags on a system with
// glibc v: every manylinux_2_N from v down to 2.17 (2.5 on x86), each
// followed by its legacy alias. Only glibc major version 2 exists.
func manylinuxLadder(v [2]int, arch string) []string {
	if v[0] != 2 {
		return []string{fmt.Sprintf("manylinux_%d_%d_%s", v[0], v[1], arch)}
	}
	oldest := 17
	if arch == "x86_64" || arch == "i686" {
		oldest = 5
	}
	legacy := map[int]string{17: "manylinux2014", 12: "manylinux2010", 5: "manylinux1"}
	var out []string
	for minor := v[1]; minor >= oldest; minor-- {
		out = append(out, fmt.Sprintf("manylinux_2_%d_%s", minor, arch))
		if l, ok := legacy[minor]; ok {
			out = append(out, l+"_"+arch)
		}
	}
	return out
}

// macPlatforms is packaging.tags.mac_platforms(version, arch).
func macPlatforms(v [2]int, arch string) []string {
	var out []string
	emit := func(major, minor int) {
		for _, f := range macBinaryFormats([2]int{major, minor}, arch) {
			out = append(out, fmt.Sprintf("macosx_%d_%d_%s", major, minor, f))
		}
	}
	if v[0] == 10 {
		for minor := v[1]; minor >= 0; minor-- {
			emit(10, minor)
		}
	}
	if v[0] >= 11 {
		for major := v[0]; major > 10; major-- {
			emit(major, 0)
		}
		for minor := 16; minor > 3; minor-- {
			if arch == "x86_64" {
				emit(10, minor)
			} else {
				out = append(out, fmt.Sprintf("macosx_10_%d_universal2", minor))
			}
		}
	}
	return out
}

// macBinaryFormats is packaging.tags._mac_binary_formats.
func macBinaryFormats(v [2]int, arch string) []string {
	formats := []string{arch}
	switch arch {
	case "x86_64":
		if cmpVersion(v, [2]int{10, 4}) < 0 {
			return nil
		}
		formats = append(formats, "intel", "fat64", "fat3")
	case "i386":
		if cmpVersion(v, [2]int{10, 4}) < 0 {
			return nil
		}
		formats = append(formats, "intel", "fat3", "fat")
	case "ppc64":
		if cmpVersion(v, [2]int{10, 5}) > 0 || cmpVersion(v, [2]int{10, 4}) < 0 {
			return nil
		}
		formats = append(formats, "fat64")
	case "ppc":
		if cmpVersion(v, [2]int{10, 6}) > 0 {
			return nil
		}
		formats = append(formats, "fat3", "fat")
	}
	if arch == "arm64" || arch == "x86_64" {
		formats = append(formats, "universal2")
	}
	if slices.Contains([]string{"x86_64", "i386", "ppc64", "ppc", "intel"}, arch) {
		formats = append(formats, "universal")
	}
	return formats
}

// cmpVersion compares two (major, minor) versions as Python compares tuples.
func cmpVersion(a, b [2]int) int {
	if a[0] != b[0] {
		return a[0] - b[0]
	}
	return a[1] - b[1]
}
