package pypi_test

import (
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pyverify/pyverify/pypi"
)

// FuzzParseRequirements checks properties of the requirements parser (STYLE.md
// §6): every error carries FILE:LINE, every requirement has a source line,
// names normalise idempotently, and specifiers survive a print/parse round trip.
func FuzzParseRequirements(f *testing.F) {
	pypi.AddSeedFiles(f, filepath.Join("testdata", "requirements", "*.txt"))
	f.Add([]byte("Demo_Pkg[x]==1.0 ; python_version >= '3.9' \\\n  --hash=sha256:00ff\n-r missing.txt\n"))
	f.Add([]byte("-r req.txt\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"req.txt": {Data: data}}
		rf, err := pypi.ParseRequirements(fsys, "req.txt")
		if err != nil {
			var pes pypi.ParseErrors
			if errors.As(err, &pes) {
				for _, pe := range pes {
					if pe.File == "" || pe.Line < 1 {
						t.Fatalf("error without FILE:LINE: %v", pe)
					}
				}
				return
			}
			var pe *pypi.ParseError
			if !errors.As(err, &pe) || pe.File == "" || pe.Line < 1 {
				t.Fatalf("error without FILE:LINE: %v", err)
			}
			return
		}
		for _, list := range [][]pypi.Requirement{rf.Requirements, rf.Constraints} {
			for _, r := range list {
				if r.Line < 1 || r.File == "" {
					t.Errorf("%q: requirement has no source line", r.Text)
				}
				if n := pypi.NormalizeName(r.Name); pypi.NormalizeName(n) != n {
					t.Errorf("NormalizeName(%q) is not idempotent", r.Name)
				}
				if r.Unsupported == "" && !pypi.ValidName(r.Name) {
					t.Errorf("%q: supported requirement with invalid name %q", r.Text, r.Name)
				}
				again, err := pypi.ParseSpecifierSet(r.Specifier.String())
				if err != nil || !again.Equal(r.Specifier) {
					t.Errorf("%q: specifier %q does not round-trip: %v", r.Text, r.Specifier, err)
				}
				// A word after options is reported whatever it is.
				if _, err := pypi.ParseRequirement(r.Text); err != nil && r.Text[0] != '-' && r.Unsupported != pypi.UnsupportedAfterOption {
					t.Errorf("%q parses in a file but not alone: %v", r.Text, err)
				}
			}
		}
		for _, o := range rf.Options {
			if o.Line < 1 || o.File == "" || o.Name == "" {
				t.Errorf("option %+v has no source line", o)
			}
		}
	})
}
