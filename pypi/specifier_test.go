package pypi_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// TestSpecifierContains follows packaging's test_specifiers.py tables,
// with pre-releases allowed so that only the operator rules are tested.
func TestSpecifierContains(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, spec string
		want          bool
	}{
		// == and PEP 440 equality, local labels ignored unless specified.
		{"2.0", "==2", true},
		{"2.0", "==2.0", true},
		{"2.0", "==2.0.0", true},
		{"2.0+deadbeef", "==2", true},
		{"2.0+deadbeef", "==2.0.0", true},
		{"2.0+deadbeef", "==2.0+deadbeef", true},
		{"2.0+deadbeef.0", "==2.0.0+deadbeef.00", true},
		{"2024.10.8", "==2024.10.08", true},
		{"2.1", "==2", false},
		{"2.1", "==2.0", false},
		{"2.0", "==2.0+deadbeef", false},
		{"2.0.post1", "==2.0", false},
		{"1!2.0", "==2", false},
		// Prefix matching.
		{"2.0", "==2.*", true},
		{"2.0", "==2.0.*", true},
		{"2.0.0", "==2.*", true},
		{"2", "==2.0.*", true},
		{"2.0a1", "==2.0.*", true},
		{"2.0.post1", "==2.0.*", true},
		{"2.1+local.version", "==2.1.*", true},
		{"2.0", "==3.*", false},
		{"2.1", "==2.0.*", false},
		{"2.0", "==1!2.*", false},
		{"1!2.3", "==1!2.*", true},
		{"12.0", "==1.*", false},
		// !=.
		{"2.1", "!=2", true},
		{"2.0.1", "!=2.0", true},
		{"2.0", "!=2.0+deadbeef", true},
		{"2.0", "!=3.*", true},
		{"2.1", "!=2.0.*", true},
		{"2.0", "!=2", false},
		{"2.0", "!=2.0.0", false},
		{"2.0+deadbeef", "!=2.0", false},
		{"2.0+deadbeef", "!=2.0+deadbeef", false},
		{"2.0", "!=2.*", false},
		// Inclusive ordered comparisons ignore local labels.
		{"2.0", ">=2", true},
		{"2.0.post1", ">=2", true},
		{"2.0.post1.dev1", ">=2", true},
		{"2.0+local", ">=2", true},
		{"2.0.dev1", ">=2", false},
		{"2.0", "<=2", true},
		{"2.0+local", "<=2", true},
		{"2.0.dev1", "<=2", true},
		{"2.0.1", "<=2", false},
		{"2.0.post1", "<=2", false},
		// <V excludes pre-releases of V unless V is one.
		{"1.9", "<2.0", true},
		{"2.0b1", "<2.0rc1", true},
		{"1.6.dev0", "<1.7", true},
		{"2.0", "<2", false},
		{"2.0.dev1", "<2", false},
		{"1.7rc1", "<1.7", false},
		{"1.7.dev0", "<1.7", false},
		// >V excludes post-releases and local versions of V unless V is one.
		{"3", ">2", true},
		{"2.0.1", ">2", true},
		{"2.1.post1", ">2", true},
		{"2.1+local.version", ">2", true},
		{"1.7.post2", ">1.7.post1", true},
		{"2.0", ">2", false},
		{"1.7.post1", ">1.7", false},
		{"2.0+local.version", ">2", false},
		{"1", ">2", false},
		// ~= is >= plus a prefix match without the last component.
		{"2", "~=2.0", true},
		{"2.0", "~=2.0", true},
		{"2.9", "~=2.0", true},
		{"2.2.5", "~=2.2.0", true},
		{"1.4.5.0", "~=1.4.5.0", true},
		{"2.0.post1", "~=2.0", true},
		{"1!2.5", "~=1!2.2", true},
		{"1.0", "~=2.0", false},
		{"3.0", "~=2.0", false},
		{"2.3.0", "~=2.2.0", false},
		{"2.2", "~=2.2.post3", false},
		{"2.5", "~=1!2.2", false},
		// === compares normalised strings, case-insensitively.
		{"1.0", "===1.0", true},
		{"1.0", "===1.0.0", false},
		{"1.0+LOCAL", "===1.0+Local", true},
		// Several clauses must all hold.
		{"1.5", ">=1.0,<2.0,!=1.4.*", true},
		{"1.4.2", ">=1.0,<2.0,!=1.4.*", false},
		{"2.0", ">=1.0,<2.0,!=1.4.*", false},
		{"7", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.version+" in "+tt.spec, func(t *testing.T) {
			t.Parallel()
			set := mustSpec(t, tt.spec)
			if got := set.Contains(mustVersion(t, tt.version), true); got != tt.want {
				t.Errorf("%q.Contains(%s, true) = %v, want %v", tt.spec, tt.version, got, tt.want)
			}
		})
	}
}

func TestSpecifierSetPrereleases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version, spec string
		pre, want     bool
	}{
		{"1.0", "", false, true},
		{"1.0a1", "", false, false},
		{"1.0a1", "", true, true},
		{"1.0.dev0", ">=0.9", false, false},
		{"2.0b1", ">=1.0", false, false},
		{"2.0b1", ">=1.0", true, true},
		{"1.0a2", ">=1.0a1", false, true},
		{"1.0.dev1", "==1.0.dev1", false, true},
		{"1.0rc2", "~=1.0rc1", false, true},
		{"1.0rc1", "===1.0rc1", false, true},
		{"2.0b1", "<2.0rc1", false, true},   // packaging >= 24.2: < naming a pre-release asks for them
		{"2.0b1", "!=2.0rc1", false, false}, // != never does
		{"2.0b1", "!=2.0rc1", false, false}, // nor does !=
		{"2.0.post1", ">=2.0", false, true}, // post-releases are not pre-releases
	}
	for _, tt := range tests {
		t.Run(tt.version+" in "+tt.spec, func(t *testing.T) {
			t.Parallel()
			if got := mustSpec(t, tt.spec).Contains(mustVersion(t, tt.version), tt.pre); got != tt.want {
				t.Errorf("%q.Contains(%s, %v) = %v, want %v", tt.spec, tt.version, tt.pre, got, tt.want)
			}
		})
	}
}

func TestParseSpecifierSetString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{">= 1.0 , <2", ">=1.0,<2"},
		{"==01.02.*", "==1.2.*"},
		{"!= v1.0.*", "!=1.0.*"},
		{"~=1.0RC1", "~=1.0rc1"},
		{"==1.0+Local-1", "==1.0+local.1"},
		{"=== 1.0-Foo", "===1.0-Foo"},
		{"<1.0-1", "<1.0.post1"},
		{">1!0.5.dev", ">1!0.5.dev0"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			set := mustSpec(t, tt.in)
			if diff := cmp.Diff(tt.want, set.String()); diff != "" {
				t.Errorf("ParseSpecifierSet(%q).String() (-want +got):\n%s", tt.in, diff)
			}
			again := mustSpec(t, set.String())
			if diff := cmp.Diff(set, again); diff != "" {
				t.Errorf("reparse of %q (-want +got):\n%s", set, diff)
			}
			if set.IsEmpty() != (tt.want == "") || len(set.Specifiers()) != strings.Count(tt.want, ",")+btoi(tt.want != "") {
				t.Errorf("%q: IsEmpty %v, %d clauses", tt.in, set.IsEmpty(), len(set.Specifiers()))
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestParseSpecifierSetErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, wantErr string }{
		{"1.0", "has no operator"},
		{"=1.0", "has no operator"},
		{"==", "has no version"},
		{"==1.0 and", `invalid version "1.0 and"`},
		{">=1.0.*", "wildcard is allowed only with == and !="},
		{"==1.0a1.*", "wildcard must follow a release segment"},
		{"==1.0+local.*", "wildcard must follow a release segment"},
		{"==1.*.0", "invalid version"},
		{"==2!1 .*", `white space before ".*"`},
		{"<1.0+local", "local version is allowed only with == and !="},
		{"~=1", "at least two release components"},
		{"~=1.0.*", "wildcard is allowed only with == and !="},
		{"~=1.0+local", "local version"},
		{"==1.0,,", "empty clause"},
		{",==1.0", "empty clause"},
		{",==1.0", "empty clause"},
		{">=1.0,,<2", "empty clause"},
		{"===", "has no version"},
		{"===a b", "white space"},
		{"===a;b", "white space"},
		{">=1.0 <2", "invalid version"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := pypi.ParseSpecifierSet(tt.in)
			if err == nil {
				t.Fatalf("ParseSpecifierSet(%q): want an error", tt.in)
			}
			prefix := "invalid specifier \"" + strings.TrimSpace(tt.in) + "\""
			if msg := err.Error(); !strings.HasPrefix(msg, prefix) || !strings.Contains(msg, tt.wantErr) {
				t.Errorf("ParseSpecifierSet(%q) error = %q, want %q ... %q", tt.in, msg, prefix, tt.wantErr)
			}
		})
	}
}

func TestSpecifierSetPinned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		spec, want string
		ok         bool
	}{
		{"==1.0", "1.0", true},
		{"== 01.0", "1.0", true},
		{"==1.0+local", "1.0+local", true},
		{"===1.0-Foo", "1.0-Foo", true},
		{"==1.*", "", false},
		{">=1.0", "", false},
		{"~=1.0", "", false},
		{"==1.0,==1.0", "", false},
		{"==1.0,<2", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			t.Parallel()
			got, ok := mustSpec(t, tt.spec).Pinned()
			if got != tt.want || ok != tt.ok {
				t.Errorf("%q.Pinned() = %q, %v; want %q, %v", tt.spec, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSpecifierSetNewest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, spec string
		versions   []string
		pre        bool
		want       string // "" for none
	}{
		{"finals preferred", ">=1.0", []string{"1.0", "1.1", "2.0b1", "0.9"}, false, "1.1"},
		{"pre-release when nothing else", ">=1.0", []string{"2.0b1", "2.0a1", "0.9"}, false, "2.0b1"},
		{"pre-releases allowed", ">=1.0", []string{"1.0", "1.1", "2.0b1"}, true, "2.0b1"},
		{"named pre-release", ">=2.0b1", []string{"1.0", "2.0b1", "2.0b2"}, false, "2.0b2"},
		{"empty set", "", []string{"1.0", "2.0a1", "0.5"}, false, "1.0"},
		{"no match", "==3.0", []string{"1.0", "2.0"}, false, ""},
		{"no versions", ">=1", nil, false, ""},
		{"equal versions keep the first", ">=1", []string{"1.0", "1.0.0"}, false, "1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set := mustSpec(t, tt.spec)
			var vs []pypi.Version
			for _, s := range tt.versions {
				vs = append(vs, mustVersion(t, s))
			}
			got, ok := set.Newest(vs, tt.pre)
			if ok != (tt.want != "") || (ok && got.String() != tt.want) {
				t.Errorf("Newest = %q, %v; want %q", got, ok, tt.want)
			}
			gotS, ok := set.NewestString(tt.versions, tt.pre)
			if ok != (tt.want != "") || gotS != tt.want {
				t.Errorf("NewestString = %q, %v; want %q", gotS, ok, tt.want)
			}
		})
	}
}

func TestSpecifierSetNewestStringKeepsSpelling(t *testing.T) {
	t.Parallel()
	got, ok := mustSpec(t, ">=1").NewestString([]string{"1.0", "2004d", "01.6", "1.5.0"}, false)
	if got != "01.6" || !ok {
		t.Errorf("NewestString = %q, %v; want \"01.6\", true", got, ok)
	}
}

func mustSpec(t *testing.T, s string) pypi.SpecifierSet {
	t.Helper()
	set, err := pypi.ParseSpecifierSet(s)
	if err != nil {
		t.Fatalf("ParseSpecifierSet(%q): %v", s, err)
	}
	return set
}
