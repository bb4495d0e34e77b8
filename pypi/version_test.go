package pypi_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

func TestParseVersionNormalizes(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"1.0", "1.0"},
		{"1", "1"},
		{"1.0.0", "1.0.0"},
		{"2024.10.08", "2024.10.8"},
		{"00.01.002", "0.1.2"},
		{"v1.0", "1.0"},
		{"V1.0", "1.0"},
		{" \t1.0\n", "1.0"},
		{"0!1.0", "1.0"},
		{"01!1.0", "1!1.0"},
		{"2!1.0a1", "2!1.0a1"},
		{"1.0a", "1.0a0"},
		{"1.0a1", "1.0a1"},
		{"1.0.a1", "1.0a1"},
		{"1.0-alpha-1", "1.0a1"},
		{"1.0ALPHA1", "1.0a1"},
		{"1.0_beta.2", "1.0b2"},
		{"1.0c1", "1.0rc1"},
		{"1.0pre1", "1.0rc1"},
		{"1.0-preview_3", "1.0rc3"},
		{"1.0RC01", "1.0rc1"},
		{"1.0-1", "1.0.post1"},
		{"1.0post", "1.0.post0"},
		{"1.0.post1", "1.0.post1"},
		{"1.0-r4", "1.0.post4"},
		{"1.0rev2", "1.0.post2"},
		{"1.0_POST_02", "1.0.post2"},
		{"1.0-dev", "1.0.dev0"},
		{"1.0dev3", "1.0.dev3"},
		{"1.0.DEV_3", "1.0.dev3"},
		{"1.0a1.post2.dev3", "1.0a1.post2.dev3"},
		{"1.0-1-dev2", "1.0.post1.dev2"},
		{"1.0+Ubuntu-1", "1.0+ubuntu.1"},
		{"1.0+ubuntu_01", "1.0+ubuntu.1"},
		{"1.0+abc.5", "1.0+abc.5"},
		{"1.0+0abc", "1.0+0abc"},
		{"1.99999999999999999999999999", "1.99999999999999999999999999"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			v, err := pypi.ParseVersion(tt.in)
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, v.String()); diff != "" {
				t.Errorf("ParseVersion(%q).String() (-want +got):\n%s", tt.in, diff)
			}
			n, err := pypi.NormalizeVersion(tt.in)
			if err != nil || n != tt.want {
				t.Errorf("NormalizeVersion(%q) = %q, %v; want %q", tt.in, n, err, tt.want)
			}
		})
	}
}

func TestParseVersionRejects(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		"", " ", "french toast", "1.0.", ".1", "1.0-", "1..0", "1.0a1a2", "1!", "!1.0",
		"1.0+", "1.0+ubuntu-", "1.0+a..b", "1.0 a1", "1.0_1", "1.0.post1.post2",
		"1.0.dev1.dev2", "1.0.*", "1.0+loc/al", "vv1.0", "1.0\x00", "१.0",
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			if v, err := pypi.ParseVersion(in); err == nil {
				t.Errorf("ParseVersion(%q) = %q, want an error", in, v)
			}
			if _, err := pypi.NormalizeVersion(in); err == nil {
				t.Errorf("NormalizeVersion(%q): want an error", in)
			}
		})
	}
}

// pep440Order is PEP 440's "Summary of permitted suffixes and relative
// ordering" example, extended with epochs and large numbers; each version
// sorts strictly before the next.
var pep440Order = []string{
	"1.dev0",
	"1.0.dev456",
	"1.0a1",
	"1.0a2.dev456",
	"1.0a12.dev456",
	"1.0a12",
	"1.0b1.dev456",
	"1.0b2",
	"1.0b2.post345.dev456",
	"1.0b2.post345",
	"1.0rc1.dev456",
	"1.0rc1",
	"1.0",
	"1.0+abc.5",
	"1.0+abc.7",
	"1.0+5",
	"1.0.post456.dev34",
	"1.0.post456",
	"1.0.15",
	"1.1.dev1",
	"1.1",
	"1.2+abc",
	"1.2+abc.0",
	"1.2+abd",
	"1.2+1",
	"1.2+2",
	"1.2+10",
	"2024.10.3",
	"2024.10.8",
	"99999999999999999999",
	"1!0.1",
	"1!1.0",
	"2!0.0.dev0",
}

func TestVersionCompareOrder(t *testing.T) {
	t.Parallel()
	vs := make([]pypi.Version, len(pep440Order))
	for i, s := range pep440Order {
		v, err := pypi.ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		vs[i] = v
	}
	for i := range vs {
		for j := range vs {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := vs[i].Compare(vs[j]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", vs[i], vs[j], got, want)
			}
		}
	}
}

func TestVersionEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"1.0", "1.0.0", true},
		{"1", "1.0.0.0", true},
		{"2024.10.08", "2024.10.8", true},
		{"0!1.0", "1.0", true},
		{"1.0a", "1.0a0", true},
		{"1.0-1", "1.0.post1", true},
		{"1.0+ABC", "1.0+abc", true},
		{"1.0+abc", "1.0", false},
		{"1.0", "1.0.post0", false},
		{"1.0.dev0", "1.0", false},
		{"1!1.0", "1.0", false},
		{"1.0a1", "1.0b1", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"=="+tt.b, func(t *testing.T) {
			t.Parallel()
			a, b := mustVersion(t, tt.a), mustVersion(t, tt.b)
			if got := a.Equal(b); got != tt.want {
				t.Errorf("%s.Equal(%s) = %v, want %v", a, b, got, tt.want)
			}
			if got := a.Compare(b) == 0; got != tt.want {
				t.Errorf("%s.Compare(%s) == 0 is %v, want %v", a, b, got, tt.want)
			}
		})
	}
}

func TestVersionPredicates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in             string
		pre, post, dev bool
	}{
		{"1.0", false, false, false},
		{"1.0a1", true, false, false},
		{"1.0rc1.post1", true, true, false},
		{"1.0.dev1", true, false, true},
		{"1.0.post1.dev1", true, true, true},
		{"1.0.post1", false, true, false},
		{"1.0+dev", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			v := mustVersion(t, tt.in)
			got := []bool{v.IsPrerelease(), v.IsPostrelease(), v.IsDevrelease()}
			if diff := cmp.Diff([]bool{tt.pre, tt.post, tt.dev}, got); diff != "" {
				t.Errorf("%s: [pre post dev] (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func mustVersion(t *testing.T, s string) pypi.Version {
	t.Helper()
	v, err := pypi.ParseVersion(s)
	if err != nil {
		t.Fatalf("ParseVersion(%q): %v", s, err)
	}
	return v
}
