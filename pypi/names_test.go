package pypi_test

import (
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"requests", "requests"},
		{"Demo_Pkg", "demo-pkg"},
		{"demo.pkg", "demo-pkg"},
		{"Demo-_.-Pkg", "demo-pkg"},
		{"pep740_sampleproject", "pep740-sampleproject"},
		{"zope.interface", "zope-interface"},
		{"A", "a"},
		{"", ""},
		{"--x__", "-x-"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got := pypi.NormalizeName(tt.in)
			if got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := pypi.NormalizeName(got); again != got {
				t.Errorf("NormalizeName not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"requests", true},
		{"A", true},
		{"9", true},
		{"Demo_Pkg.v2-x", true},
		{"a--b", true},
		{"", false},
		{"-a", false},
		{"a-", false},
		{"_a", false},
		{"a.", false},
		{"a b", false},
		{"a@b", false},
		{"café", false},
		{"a[x]", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := pypi.ValidName(tt.in); got != tt.want {
				t.Errorf("ValidName(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
