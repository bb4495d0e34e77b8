package pypi_test

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

// TestSpecifiersAgainstPackaging replays tables generated from the real
// packaging library (its version is in each file): specifiers.json
// (gen_specifiers.py) for the cases where packaging 21.3 and current
// packaging differ, specifiers_suite.json (gen_suite.py) for every
// specifier and version of packaging's own tests/test_specifiers.py. pip's
// finder uses current packaging, so a specifier must admit, and an
// unpinned audit must pick, what pip would.
func TestSpecifiersAgainstPackaging(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"specifiers.json", "specifiers_suite.json"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			replaySpecifiers(t, filepath.Join("testdata", "packaging", file))
		})
	}
}

func replaySpecifiers(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var golden struct {
		Packaging string
		Specs     []struct {
			Spec           string
			Invalid        bool
			Contains       map[string]bool
			Newest         string
			NewestOfFinals string `json:"newest_of_finals"`
		}
	}
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	for _, tt := range golden.Specs {
		t.Run(tt.Spec, func(t *testing.T) {
			set, err := pypi.ParseSpecifierSet(tt.Spec)
			// packaging's grammar lets "===" compare with the empty
			// string; a pin on no version at all is refused here.
			if tt.Invalid || tt.Spec == "===" {
				if err == nil {
					t.Fatalf("ParseSpecifierSet(%q) = %q, want an error (packaging %s rejects it)", tt.Spec, set, golden.Packaging)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSpecifierSet(%q): %v (packaging %s accepts it)", tt.Spec, err, golden.Packaging)
			}
			var written, finals []string
			for _, w := range slices.Sorted(maps.Keys(tt.Contains)) {
				want := tt.Contains[w]
				if got := set.ContainsString(w, true); got != want {
					t.Errorf("%q contains %q = %v, packaging %s says %v", tt.Spec, w, got, golden.Packaging, want)
				}
				if v, err := pypi.ParseVersion(w); err == nil {
					written = append(written, w)
					if !v.IsPrerelease() {
						finals = append(finals, w)
					}
				}
			}
			// Equal versions spelled differently (1.0+LOCAL, 1.0+local) tie.
			if got, _ := set.NewestString(written, false); !sameVersion(got, tt.Newest) {
				t.Errorf("%q: newest = %q, packaging's filter picks %q", tt.Spec, got, tt.Newest)
			}
			if got, _ := set.NewestString(finals, false); !sameVersion(got, tt.NewestOfFinals) {
				t.Errorf("%q: newest final = %q, packaging's filter picks %q", tt.Spec, got, tt.NewestOfFinals)
			}
		})
	}
}

func sameVersion(a, b string) bool {
	va, errA := pypi.ParseVersion(a)
	vb, errB := pypi.ParseVersion(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return va.Equal(vb)
}
