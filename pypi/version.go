package pypi

import (
	"fmt"
	"regexp"
	"strings"
)

// Version is a PEP 440 version, parsed and normalised. It is written here
// rather than adopted from a library (for example
// github.com/aquasecurity/go-pep440-version) because the rules are short,
// pypi must stay free of dependencies (STYLE.md §1), and we need exactly
// packaging's semantics: arbitrarily large numeric components, normalised
// String, and the specifier exclusion rules in specifier.go.
//
// Numeric components are kept as decimal strings without leading zeros, so
// no version overflows. The zero Version is not a valid version: its String
// is empty and it sorts as "0".
type Version struct {
	epoch   string   // "" when the epoch is 0
	release []string // at least one component for a parsed version
	preL    string   // "a", "b" or "rc"; "" when not a pre-release
	preN    string
	postN   string   // "" when not a post-release
	devN    string   // "" when not a developmental release
	local   []string // lower case; numeric segments without leading zeros
}

// versionRE is packaging's VERSION_PATTERN (PEP 440 Appendix B), applied to
// an input whose ASCII letters were lower-cased. Matching is ASCII-only on
// purpose: Python's re.IGNORECASE also folds a few non-ASCII letters (the
// Kelvin sign), which no real version uses.
var versionRE = regexp.MustCompile(`^v?` +
	`(?:([0-9]+)!)?` + // 1 epoch
	`([0-9]+(?:\.[0-9]+)*)` + // 2 release
	`(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?` + // 3,4 pre
	`(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?` + // 5 implicit post, 6,7 post
	`(?:[-_.]?(dev)[-_.]?([0-9]+)?)?` + // 8,9 dev
	`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$`) // 10 local

// ParseVersion parses a version written in any form PEP 440 accepts,
// including its normalisation rules: surrounding white space, a leading "v",
// an epoch ("1!2.0"), alternate spellings of pre-releases ("alpha", "beta",
// "c", "pre", "preview"), post-releases ("rev", "r", implicit "1.0-1") and
// separators ("1.0-a.1", "1.0_post_2"), implicit numbers ("1.0a" = "1.0a0"),
// leading zeros ("2024.10.08" = "2024.10.8") and local versions ("1.0+Ubuntu-1").
func ParseVersion(s string) (Version, error) {
	in := strings.TrimSpace(s)
	m := versionRE.FindStringSubmatchIndex(asciiLower(in))
	if m == nil {
		return Version{}, fmt.Errorf("invalid version %q: not a PEP 440 version", s)
	}
	lower := asciiLower(in)
	group := func(i int) (string, bool) {
		if m[2*i] < 0 {
			return "", false
		}
		return lower[m[2*i]:m[2*i+1]], true
	}
	var v Version
	if e, ok := group(1); ok {
		if e = trimZeros(e); e != "0" {
			v.epoch = e
		}
	}
	rel, _ := group(2)
	for _, p := range strings.Split(rel, ".") {
		v.release = append(v.release, trimZeros(p))
	}
	if l, ok := group(3); ok {
		switch l {
		case "alpha", "a":
			v.preL = "a"
		case "beta", "b":
			v.preL = "b"
		default: // c, pre, preview, rc
			v.preL = "rc"
		}
		n, _ := group(4)
		v.preN = trimZeros(n)
	}
	if n, ok := group(5); ok {
		v.postN = trimZeros(n)
	} else if _, ok := group(6); ok {
		n, _ := group(7)
		v.postN = trimZeros(n)
	}
	if _, ok := group(8); ok {
		n, _ := group(9)
		v.devN = trimZeros(n)
	}
	if l, ok := group(10); ok {
		v.local = strings.FieldsFunc(l, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
		for i, p := range v.local {
			if isDigits(p) {
				v.local[i] = trimZeros(p)
			}
		}
	}
	return v, nil
}

// NormalizeVersion returns the PEP 440 normalised form of s, as
// ParseVersion(s).String().
func NormalizeVersion(s string) (string, error) {
	v, err := ParseVersion(s)
	if err != nil {
		return "", err
	}
	return v.String(), nil
}

// String returns the canonical normalised form of v (PEP 440 "Normalization"):
// "[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]". Leading zeros are removed
// but trailing ".0" components are kept, so "1.0" stays "1.0".
func (v Version) String() string {
	var b strings.Builder
	if v.epoch != "" {
		b.WriteString(v.epoch)
		b.WriteByte('!')
	}
	b.WriteString(strings.Join(v.release, "."))
	if v.preL != "" {
		b.WriteString(v.preL)
		b.WriteString(v.preN)
	}
	if v.postN != "" {
		b.WriteString(".post")
		b.WriteString(v.postN)
	}
	if v.devN != "" {
		b.WriteString(".dev")
		b.WriteString(v.devN)
	}
	if len(v.local) > 0 {
		b.WriteByte('+')
		b.WriteString(strings.Join(v.local, "."))
	}
	return b.String()
}

// IsPrerelease reports whether v is a pre-release or a developmental release
// (PEP 440 "Handling of pre-releases" treats both as pre-releases).
func (v Version) IsPrerelease() bool { return v.preL != "" || v.devN != "" }

// IsPostrelease reports whether v has a post-release segment.
func (v Version) IsPostrelease() bool { return v.postN != "" }

// IsDevrelease reports whether v has a developmental release segment.
func (v Version) IsDevrelease() bool { return v.devN != "" }

// Equal reports whether v and o are equal under PEP 440 ordering, so
// "1.0" equals "1.0.0". It lets github.com/google/go-cmp compare Versions.
func (v Version) Equal(o Version) bool { return v.Compare(o) == 0 }

// Compare returns -1, 0 or +1 as v sorts before, with or after o under PEP
// 440 ordering (packaging's _cmpkey): epoch, then release with trailing zeros
// ignored, then .devN < aN < bN < rcN < final < .postN (a dev release of a
// pre or post release sorts just before it), then no local version before any
// local version, whose segments compare numerically when both are numbers,
// numbers after strings, and strings lexically.
func (v Version) Compare(o Version) int {
	if c := cmpNum(v.epoch, o.epoch); c != 0 {
		return c
	}
	if c := cmpRelease(v.release, o.release); c != 0 {
		return c
	}
	if c := v.preRank() - o.preRank(); c != 0 {
		return sign(c)
	}
	if v.preL != "" {
		if c := cmpNum(v.preN, o.preN); c != 0 {
			return c
		}
	}
	// Post: absent sorts first.
	if c := cmpOptional(v.postN, o.postN, -1); c != 0 {
		return c
	}
	// Dev: absent sorts last.
	if c := cmpOptional(v.devN, o.devN, +1); c != 0 {
		return c
	}
	return cmpLocal(v.local, o.local)
}

// preRank orders the pre-release phase: a bare dev release (1.0.dev0) sorts
// before every pre-release of the same release, a version without a
// pre-release sorts after them.
func (v Version) preRank() int {
	switch {
	case v.preL == "a":
		return 1
	case v.preL == "b":
		return 2
	case v.preL == "rc":
		return 3
	case v.postN == "" && v.devN != "":
		return 0
	}
	return 4
}

// public returns v without its local version label.
func (v Version) public() Version {
	v.local = nil
	return v
}

// cmpOptional compares two optional numbers; absent ("") sorts at absentSign.
func cmpOptional(a, b string, absentSign int) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return absentSign
	case b == "":
		return -absentSign
	}
	return cmpNum(a, b)
}

func cmpRelease(a, b []string) int {
	n := max(len(a), len(b))
	for i := range n {
		x, y := "0", "0"
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmpNum(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func cmpLocal(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		xn, yn := isDigits(x), isDigits(y)
		var c int
		switch {
		case xn && yn:
			c = cmpNum(x, y)
		case xn:
			c = 1
		case yn:
			c = -1
		default:
			c = strings.Compare(x, y)
		}
		if c != 0 {
			return c
		}
	}
	return sign(len(a) - len(b))
}

// cmpNum compares decimal strings without leading zeros; "" counts as 0.
func cmpNum(a, b string) int {
	if a == "" {
		a = "0"
	}
	if b == "" {
		b = "0"
	}
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	return strings.Compare(a, b)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// trimZeros removes leading zeros from a decimal string, keeping one digit.
func trimZeros(s string) string {
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "0"
	}
	return s
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, leaving other bytes unchanged
// (unlike strings.ToLower, it never changes the length of s).
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
