package pypi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

func TestParseDistFilename(t *testing.T) {
	t.Parallel()
	type parsed struct {
		Name, Version, Kind, Build, Ext string
		Tags                            []string
	}
	tests := []struct {
		in   string
		want parsed
	}{
		{"abi3info-2024.10.08-py3-none-any.whl", parsed{"abi3info", "2024.10.8", "wheel", "", ".whl", []string{"py3-none-any"}}},
		{"Demo_Pkg-1.0-1-py2.py3-none-any.whl", parsed{"demo-pkg", "1.0", "wheel", "1", ".whl", []string{"py2-none-any", "py3-none-any"}}},
		{"x-1.0-007abc-CP310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", parsed{"x", "1.0", "wheel", "7abc", ".whl",
			[]string{"cp310-cp310-manylinux2014_x86_64", "cp310-cp310-manylinux_2_17_x86_64"}}},
		{"zope.interface-6.0+local-cp311-cp311-win_amd64.whl", parsed{"zope-interface", "6.0+local", "wheel", "", ".whl", []string{"cp311-cp311-win_amd64"}}},
		{"pep740_sampleproject-1.0.0.tar.gz", parsed{"pep740-sampleproject", "1.0.0", "sdist", "", ".tar.gz", nil}},
		{"sigstore-3.6.1.tar.gz", parsed{"sigstore", "3.6.1", "sdist", "", ".tar.gz", nil}},
		{"my-cool-pkg-2.0rc1.zip", parsed{"my-cool-pkg", "2.0rc1", "sdist", "", ".zip", nil}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			d, err := pypi.ParseDistFilename(tt.in)
			if err != nil {
				t.Fatalf("ParseDistFilename(%q): %v", tt.in, err)
			}
			got := parsed{d.Name, d.Version.String(), d.Kind.String(), d.Build, d.Ext, nil}
			for _, tag := range d.Tags {
				got.Tags = append(got.Tags, tag.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseDistFilename(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParseDistFilenameErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantErr string }{
		{"demo-1.0.egg", "extension is not .whl, .tar.gz or .zip"},
		{"demo-1.0.tar.bz2", "extension is not"},
		{"demo-1.0-py3-any.whl", "want 4 or 5 dashes"},
		{"demo-1.0-1-2-py3-none-any.whl", "found 6"},
		{"de__mo-1.0-py3-none-any.whl", `contains "__"`},
		{"de+mo-1.0-py3-none-any.whl", "characters other than"},
		{"-1.0-py3-none-any.whl", "empty project name"},
		{"demo-1.0.x-py3-none-any.whl", `invalid version "1.0.x"`},
		{"demo-1.0-b1-py3-none-any.whl", `build tag "b1" does not start with a digit`},
		{"demo.tar.gz", "no dash"},
		{"-1.0.tar.gz", "empty project name"},
		{"demo-latest.zip", `invalid version "latest"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := pypi.ParseDistFilename(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.in) {
				t.Errorf("ParseDistFilename(%q) error = %v, want one naming the file and containing %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestEquivalentFilenames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"pep740_sampleproject-1.0.0.tar.gz", "pep740-sampleproject-1.0.0.tar.gz", true},
		{"abi3info-2024.10.08-py3-none-any.whl", "abi3info-2024.10.8-py3-none-any.whl", true},
		{"x-1.0-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "x-1.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", true},
		{"X-1.0-CP310-cp310-ANY.whl", "x-1.0.0-cp310-cp310-any.whl", true},
		{"demo-1.0-py2.py3-none-any.whl", "demo-1.0-py3.py2-none-any.whl", true},
		{"demo-1.0-01-py3-none-any.whl", "demo-1.0-1-py3-none-any.whl", true},
		// pypi-attestations' _ultranormalize_dist_filename keeps the sdist
		// extension: a .zip and a .tar.gz are different files.
		{"demo-1.0.tar.gz", "demo-1.0.zip", false},
		{"Demo.Pkg-1.0.zip", "demo_pkg-1.0.0.zip", true},
		{"demo-1.0-py3-none-any.whl", "demo-1.0.tar.gz", false},
		{"demo-1.0-py3-none-any.whl", "demo-1.0-1-py3-none-any.whl", false},
		{"demo-1.0-py3-none-any.whl", "demo-1.0-py2.py3-none-any.whl", false},
		{"demo-1.0-py3-none-any.whl", "demo-1.0+local-py3-none-any.whl", false},
		{"demo-1.0.tar.gz", "demo-1.0.post0.tar.gz", false},
		{"demo-1.0.tar.gz", "demo2-1.0.tar.gz", false},
		{"demo-1.0.tar.gz", "demo-1.0.tar.gz.asc", false},
		{"bad", "bad", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"~"+tt.b, func(t *testing.T) {
			t.Parallel()
			if got := pypi.EquivalentFilenames(tt.a, tt.b); got != tt.want {
				t.Errorf("EquivalentFilenames(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if got := pypi.EquivalentFilenames(tt.b, tt.a); got != tt.want {
				t.Errorf("EquivalentFilenames(%q, %q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

// TestParseDistFilenameTagProduct: a wheel's compressed tag sets multiply
// (py2.py3-none-any is two tags), so a filename the index makes up with
// hundreds of dots in each part would ask for millions of tags, or with
// thousands billions, filling the memory from one JSON document of a few
// KiB. Past pypi.MaxWheelTags it is not a wheel filename.
func TestParseDistFilenameTagProduct(t *testing.T) {
	t.Parallel()
	part := func(prefix string, n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteByte('.')
			}
			fmt.Fprintf(&b, "%s%d", prefix, i)
		}
		return b.String()
	}
	name := "demo-1.0-" + part("py", 100) + "-" + part("abi", 100) + "-" + part("plat", 100) + ".whl"
	if _, err := pypi.ParseDistFilename(name); err == nil || !strings.Contains(err.Error(), "compatibility tags") {
		t.Errorf("ParseDistFilename(100×100×100 tags) = %v, want an error about too many compatibility tags", err)
	}
	ok := "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_2_x86_64.macosx_10_9_x86_64.macosx_11_0_arm64.macosx_10_9_universal2.whl"
	if d, err := pypi.ParseDistFilename(ok); err != nil || len(d.Tags) != 6 {
		t.Errorf("ParseDistFilename(%s) = %d tags, %v", ok, len(d.Tags), err)
	}
}
