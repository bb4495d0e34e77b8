package pypi_test

import (
	"errors"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pyverify/pyverify/pypi"
)

// FuzzParsePylock checks properties of the PEP 751 reader (STYLE.md §6):
// it never panics, every error carries FILE:LINE with LINE ≥ 1, and every
// requirement is located, named validly, and either pinned with sha256
// digests of 64 hex digits or unsupported with a reason.
func FuzzParsePylock(f *testing.F) {
	pypi.AddSeedFiles(f, filepath.Join("testdata", "pylock", "*.toml"))
	f.Add([]byte("lock-version = '1.0'\n[[packages]]\nname = 'x'\nversion = '1'\nsdist = { hashes = { sha256 = '00' } }\n"))
	f.Add([]byte("lock-version = '3'\npackages = [1, {name = 2}]\n"))
	f.Add([]byte("[[packages]\n"))
	f.Add([]byte("lock-version = '1.0'\n[[packages]]\nname = 'b'\nversion = '2.*'\nwheels = []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rf, err := pypi.ParsePylock(fstest.MapFS{"pylock.toml": {Data: data}}, "pylock.toml")
		if err != nil {
			var pes pypi.ParseErrors
			if errors.As(err, &pes) {
				for _, pe := range pes {
					if pe.File != "pylock.toml" || pe.Line < 1 {
						t.Fatalf("error without FILE:LINE: %v", pe)
					}
				}
				return
			}
			var pe *pypi.ParseError
			if !errors.As(err, &pe) || pe.File != "pylock.toml" || pe.Line < 1 {
				t.Fatalf("error without FILE:LINE: %v", err)
			}
			return
		}
		for _, r := range rf.Requirements {
			if r.File != "pylock.toml" || r.Line < 1 {
				t.Errorf("%q: requirement has no source line", r.Text)
			}
			if !pypi.ValidName(r.Name) {
				t.Errorf("%q: invalid name %q", r.Text, r.Name)
			}
			if _, pinned := r.Pinned(); !pinned && r.Unsupported == "" {
				t.Errorf("%q: neither pinned nor unsupported", r.Text)
			}
			for _, h := range r.Hashes {
				if len(h) != 64 {
					t.Errorf("%q: hash %q is not 64 hex digits", r.Text, h)
				}
			}
		}
	})
}
