package pypi_test

import (
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

// FuzzParseVersion checks that normalisation is a fixed point:
// ParseVersion(v.String()) succeeds, prints the same and compares equal.
func FuzzParseVersion(f *testing.F) {
	for _, s := range pep440Order {
		f.Add(s)
	}
	for _, s := range []string{"v1.0-ALPHA_1.post-2-dev.3+Ubuntu-01", "1.0-1", " 01!2024.10.08 ", "1.0+0abc.007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := pypi.ParseVersion(s)
		if err != nil {
			return
		}
		w, err := pypi.ParseVersion(v.String())
		if err != nil {
			t.Fatalf("ParseVersion(%q).String() = %q does not parse: %v", s, v, err)
		}
		if w.String() != v.String() {
			t.Errorf("round trip of %q: %q then %q", s, v, w)
		}
		if v.Compare(w) != 0 || w.Compare(v) != 0 {
			t.Errorf("%q does not compare equal to its normal form %q", s, w)
		}
	})
}

// FuzzParseDistFilename checks that a parsed filename carries a normalised
// name and version and that a filename is equivalent to itself.
func FuzzParseDistFilename(f *testing.F) {
	for _, s := range []string{
		"abi3info-2024.10.08-py3-none-any.whl",
		"x-1.0-007abc-CP310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
		"pep740_sampleproject-1.0.0.tar.gz",
		"demo-1.0.zip",
		"de__mo-1.0-py3-none-any.whl",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := pypi.ParseDistFilename(s)
		if err != nil {
			if pypi.EquivalentFilenames(s, s) {
				t.Errorf("unparsable %q is equivalent to itself", s)
			}
			return
		}
		if n := pypi.NormalizeName(d.Name); n != d.Name {
			t.Errorf("%q: name %q is not normalised (%q)", s, d.Name, n)
		}
		if n, err := pypi.NormalizeVersion(d.Version.String()); err != nil || n != d.Version.String() {
			t.Errorf("%q: version %q is not normalised: %q, %v", s, d.Version, n, err)
		}
		if !pypi.EquivalentFilenames(s, s) {
			t.Errorf("%q is not equivalent to itself", s)
		}
	})
}
