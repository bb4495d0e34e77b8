package pypi

import (
	"os"
	"path/filepath"
	"testing"
)

// AddSeedFiles adds every file matching pattern (relative to the package
// directory) to f's seed corpus. It is exported for the package's external
// tests; it exists only in test builds.
func AddSeedFiles(f *testing.F, pattern string) {
	f.Helper()
	seeds, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatal(err)
	}
	if len(seeds) == 0 {
		f.Fatalf("no seed files match %s", pattern)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}
