package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pyverify/pyverify/policy"
)

// FuzzParse checks the properties of the policy parsers on any input
// (STYLE §6): they never panic, every error is a *policy.Error that names
// the file and a position (line and column ≥ 1), and a policy that parses
// describes itself consistently (normalised patterns, known levels).
// Seeds: policy/testdata/policies/*.toml and the inline ones below.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "policies", "*.toml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(specExample))
	f.Add([]byte("[packages.\"acme-[\"]\nrequire = \"hash\"\n"))
	f.Add([]byte("[[packages.x.publishers]]\nkind = \"Google\"\n[packages.x]\n"))
	f.Add([]byte("a = [1, {b = 2}]\n[tool.pyverify]\npackages = { x = { require = \"hash\" } }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(p *policy.Policy, err error, file string) {
			if err != nil {
				var pe *policy.Error
				if !errors.As(err, &pe) || pe.File != file || pe.Line < 1 || pe.Col < 1 {
					t.Fatalf("error without FILE:LINE:COLUMN: %v", err)
				}
				return
			}
			if p == nil {
				return
			}
			if p.Require != policy.Hash && p.Require != policy.Attestation {
				t.Errorf("top-level require %q", p.Require)
			}
			for _, e := range p.Entries {
				if e.Line < 1 {
					t.Errorf("entry %q has no line", e.Pattern)
				}
				if e.Require == "" && len(e.Publishers) == 0 {
					t.Errorf("entry %q decides nothing", e.Pattern)
				}
				// Looking up an exact pattern finds an entry.
				if got, _ := p.Lookup(e.Pattern, e.Expires.AddDate(-1, 0, 0)); e.Expires.IsZero() && got == nil {
					t.Errorf("Lookup(%q) found nothing", e.Pattern)
				}
			}
			// Evaluation never panics on the parsed policy.
			p.Evaluate(policy.Evidence{Name: "x", Files: []policy.FileEvidence{{Filename: "x-1.tar.gz", Level: policy.HashOnly}}}, now)
		}
		p, err := policy.Parse("pyverify.toml", data)
		check(p, err, "pyverify.toml")
		p, _, err = policy.ParsePyproject("pyproject.toml", data)
		check(p, err, "pyproject.toml")
	})
}
