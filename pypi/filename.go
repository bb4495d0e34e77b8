package pypi

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DistKind says whether a distribution file is a wheel or an sdist.
type DistKind int

// The distribution kinds pyverify understands. Legacy formats (eggs,
// .tar.bz2, Windows installers) are rejected by ParseDistFilename: PyPI no
// longer accepts them and PEP 740 attestations name only these two.
const (
	// Wheel is a built distribution, "NAME-VERSION[-BUILD]-PY-ABI-PLATFORM.whl" (PEP 427).
	Wheel DistKind = iota + 1
	// Sdist is a source distribution, "NAME-VERSION.tar.gz" or "NAME-VERSION.zip" (PEP 625).
	Sdist
)

// String returns "wheel" or "sdist".
func (k DistKind) String() string {
	switch k {
	case Wheel:
		return "wheel"
	case Sdist:
		return "sdist"
	}
	return fmt.Sprintf("DistKind(%d)", int(k))
}

// WheelTag is one (python, abi, platform) compatibility tag of a wheel
// (PEP 425), lower-cased as packaging.tags.Tag does.
type WheelTag struct {
	Python   string
	ABI      string
	Platform string
}

// String returns the tag as "python-abi-platform".
func (t WheelTag) String() string { return t.Python + "-" + t.ABI + "-" + t.Platform }

// DistFilename is a parsed distribution filename, in the normalised form
// pypi-attestations compares when it checks that an attestation's subject
// names the file it is attached to (its _check_dist_filename, built on
// packaging.utils.parse_wheel_filename and parse_sdist_filename; corpus
// README "Filename equivalence").
type DistFilename struct {
	// Name is the project name, PEP 503 normalised.
	Name string
	// Version is the parsed PEP 440 version.
	Version Version
	// Kind is Wheel or Sdist.
	Kind DistKind
	// Build is a wheel's build tag with the leading number's zeros removed
	// ("1", "2abc"), or "" when there is none. packaging compares build tags
	// as (int, suffix); this string is a one-to-one encoding of that pair.
	Build string
	// Tags is a wheel's expanded compressed tag set, sorted and without
	// duplicates: "cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64"
	// yields two tags. It is nil for an sdist.
	Tags []WheelTag
	// Ext is the extension as written: ".whl", ".tar.gz" or ".zip".
	Ext string
}

// ParseDistFilename parses a wheel or sdist filename with packaging's rules.
//
// Wheels ("*.whl"): the stem has 4 or 5 dashes; the name part matches
// [\w.]* and contains no "__"; the version is PEP 440; with 5 dashes the
// third part is a build tag that starts with digits ((\d+)(.*)); the last
// part is a compressed tag set "PY-ABI-PLATFORM" whose dotted alternatives
// are expanded. Sdists ("*.tar.gz", "*.zip"): the stem is split at its last
// dash into name and version (a PEP 440 version holds no dash). Errors say
// what is wrong with the filename.
func ParseDistFilename(filename string) (DistFilename, error) {
	switch {
	case strings.HasSuffix(filename, ".whl"):
		return parseWheelFilename(filename)
	case strings.HasSuffix(filename, ".tar.gz"):
		return parseSdistFilename(filename, ".tar.gz")
	case strings.HasSuffix(filename, ".zip"):
		return parseSdistFilename(filename, ".zip")
	}
	return DistFilename{}, fmt.Errorf("invalid distribution filename %q: extension is not .whl, .tar.gz or .zip", filename)
}

func parseWheelFilename(filename string) (DistFilename, error) {
	stem := strings.TrimSuffix(filename, ".whl")
	dashes := strings.Count(stem, "-")
	if dashes != 4 && dashes != 5 {
		return DistFilename{}, fmt.Errorf("invalid wheel filename %q: want 4 or 5 dashes (NAME-VERSION[-BUILD]-PY-ABI-PLATFORM), found %d", filename, dashes)
	}
	parts := strings.Split(stem, "-")
	namePart := parts[0]
	if namePart == "" {
		return DistFilename{}, fmt.Errorf("invalid wheel filename %q: empty project name", filename)
	}
	if strings.Contains(namePart, "__") {
		return DistFilename{}, fmt.Errorf("invalid wheel filename %q: project name %q contains \"__\"", filename, namePart)
	}
	if !utf8.ValidString(namePart) || strings.IndexFunc(namePart, func(r rune) bool {
		return r != '.' && r != '_' && !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) >= 0 {
		return DistFilename{}, fmt.Errorf("invalid wheel filename %q: project name %q has characters other than letters, digits, \"_\" and \".\"", filename, namePart)
	}
	v, err := ParseVersion(parts[1])
	if err != nil {
		return DistFilename{}, fmt.Errorf("invalid wheel filename %q: %w", filename, err)
	}
	d := DistFilename{Name: NormalizeName(namePart), Version: v, Kind: Wheel, Ext: ".whl"}
	if dashes == 5 {
		b := parts[2]
		i := 0
		for i < len(b) && isASCIIDigit(b[i]) {
			i++
		}
		if i == 0 {
			return DistFilename{}, fmt.Errorf("invalid wheel filename %q: build tag %q does not start with a digit", filename, b)
		}
		d.Build = trimZeros(b[:i]) + b[i:]
	}
	n := len(parts)
	pys, abis, plats := strings.Split(parts[n-3], "."), strings.Split(parts[n-2], "."), strings.Split(parts[n-1], ".")
	if len(pys) > MaxWheelTags || len(abis) > MaxWheelTags || len(plats) > MaxWheelTags ||
		len(pys)*len(abis)*len(plats) > MaxWheelTags {
		return DistFilename{}, fmt.Errorf("invalid wheel filename %q: more than %d compatibility tags", filename, MaxWheelTags)
	}
	for _, py := range pys {
		for _, abi := range abis {
			for _, plat := range plats {
				d.Tags = append(d.Tags, WheelTag{Python: strings.ToLower(py), ABI: strings.ToLower(abi), Platform: strings.ToLower(plat)})
			}
		}
	}
	slices.SortFunc(d.Tags, func(a, b WheelTag) int { return strings.Compare(a.String(), b.String()) })
	d.Tags = slices.Compact(d.Tags)
	return d, nil
}

func parseSdistFilename(filename, ext string) (DistFilename, error) {
	stem := strings.TrimSuffix(filename, ext)
	i := strings.LastIndexByte(stem, '-')
	if i < 0 {
		return DistFilename{}, fmt.Errorf("invalid sdist filename %q: no dash between project name and version", filename)
	}
	if i == 0 {
		return DistFilename{}, fmt.Errorf("invalid sdist filename %q: empty project name", filename)
	}
	v, err := ParseVersion(stem[i+1:])
	if err != nil {
		return DistFilename{}, fmt.Errorf("invalid sdist filename %q: %w", filename, err)
	}
	return DistFilename{Name: NormalizeName(stem[:i]), Version: v, Kind: Sdist, Ext: ext}, nil
}

// EquivalentFilenames reports whether a and b name the same distribution once
// parsed (corpus README "Filename equivalence", rule 5): same kind, same
// normalised project name, PEP 440-equal versions, same build tag and the
// same expanded tag set; sdists also the same extension, as
// pypi-attestations' _ultranormalize_dist_filename keeps it (".tar.gz" and
// ".zip" of one name and version are different files). A filename that does
// not parse is equivalent to nothing. A wheel never equals an sdist.
func EquivalentFilenames(a, b string) bool {
	x, err := ParseDistFilename(a)
	if err != nil {
		return false
	}
	y, err := ParseDistFilename(b)
	if err != nil {
		return false
	}
	return x.Equivalent(y)
}

// Equivalent reports whether d and o name the same distribution, with the
// rules of EquivalentFilenames (an sdist's extension counts).
func (d DistFilename) Equivalent(o DistFilename) bool {
	return d.Kind == o.Kind && d.Ext == o.Ext && d.Name == o.Name && d.Version.Compare(o.Version) == 0 &&
		d.Build == o.Build && slices.Equal(d.Tags, o.Tags)
}
