package pypi_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

func TestMergeRequirements(t *testing.T) {
	type row struct {
		Name, Spec, Source string
		Hashes, Notices    []string
	}
	h := func(c byte) string { return strings.Repeat(string(c), 64) }
	tests := []struct {
		name       string
		reqs, cons string
		want       []row
		wantErrs   []string
	}{
		{
			name: "identical requirements merge, hashes as pip intersects them",
			reqs: "demo==1.0 --hash=sha256:" + h('a') + " --hash=sha256:" + h('b') + "\nDemo==1.0.0 --hash=sha256:" + h('b') + "\nother\n",
			want: []row{{"demo", "==1.0", "r.txt:1", []string{h('b')}, []string{
				"sha256:" + h('a') + ", pinned only at r.txt:1, is not checked: pip installs only files pinned on every line",
			}}, {"other", "", "r.txt:3", nil, nil}},
		},
		{
			name:     "pins with nothing in common name both lines",
			reqs:     "demo==1.0 --hash=sha256:" + h('a') + "\nother\nDemo==1.0 --hash=sha256:" + h('b') + "\n",
			wantErrs: []string{`r.txt:3: requirement "Demo==1.0" pins no file that "demo==1.0" (r.txt:1) pins: pip installs only a file whose hash every line pins`},
		},
		{
			// The issue #14 case: a bad pin is reported where it is written.
			name: "hashes only one line pins locate the requirement there",
			reqs: "demo==1.0\nother\nDemo==1.0 --hash=sha256:" + h('b') + "\n",
			want: []row{{"demo", "==1.0", "r.txt:3", []string{h('b')}, nil}, {"other", "", "r.txt:2", nil, nil}},
		},
		{
			name: "a pin inside a range becomes the pin, located where it is written",
			reqs: "demo>=1.0\ndemo==1.5\n",
			want: []row{{"demo", "==1.5", "r.txt:2", nil, nil}},
		},
		{
			name: "two ranges intersect",
			reqs: "demo>=1.0\ndemo<2\n",
			want: []row{{"demo", ">=1.0,<2", "r.txt:1", nil, nil}},
		},
		{
			name: "different markers are different packages",
			reqs: "demo==1.0 ; python_version < '3.9'\ndemo==2.0 ; python_version >= '3.9'\n",
			want: []row{{"demo", "==1.0", "r.txt:1", nil, nil}, {"demo", "==2.0", "r.txt:2", nil, nil}},
		},
		{
			name: "markers are compared in normal form",
			reqs: "demo==1.0 ; python_version<'3.9'\ndemo==1.0 ; python_version < \"3.9\"\n",
			want: []row{{"demo", "==1.0", "r.txt:1", nil, nil}},
		},
		{
			name:     "conflicting pins name both lines",
			reqs:     "demo==1.0\ndemo==9.9\n",
			wantErrs: []string{`r.txt:2: requirement "demo==9.9" conflicts with "demo==1.0" (r.txt:1)`},
		},
		{
			name:     "a pin outside the range",
			reqs:     "demo>=2\ndemo==1.0\n",
			wantErrs: []string{`r.txt:2: requirement "demo==1.0" conflicts with "demo>=2" (r.txt:1)`},
		},
		{
			name: "a constraint pins an unpinned requirement and lends its hashes, so it is located there",
			reqs: "demo\nmulti>=1.0\n",
			cons: "demo==1.0 --hash=sha256:" + h('c') + "\nmulti<2\nunused==3\n",
			want: []row{{"demo", "==1.0", "c.txt:1", []string{h('c')}, nil}, {"multi", ">=1.0,<2", "r.txt:2", nil, nil}},
		},
		{
			name:     "a constraint that contradicts the pin",
			reqs:     "demo==1.0\nmulti>=1.1\n",
			cons:     "demo==9.9\nmulti==1.0\n",
			wantErrs: []string{`c.txt:1: constraint "demo==9.9" conflicts with "demo==1.0" (r.txt:1)`, `c.txt:2: constraint "multi==1.0" conflicts with "multi>=1.1" (r.txt:2)`},
		},
		{
			name: "unsupported requirements are kept as they are",
			reqs: "git+https://example.com/x.git\ngit+https://example.com/x.git\n",
			want: []row{{"", "", "r.txt:1", nil, nil}, {"", "", "r.txt:2", nil, nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"r.txt": {Data: []byte(tt.reqs)}, "c.txt": {Data: []byte(tt.cons)}}
			rf, err := pypi.ParseRequirements(fsys, "r.txt")
			if err != nil {
				t.Fatal(err)
			}
			cf, err := pypi.ParseRequirements(fsys, "c.txt")
			if err != nil {
				t.Fatal(err)
			}
			got, err := pypi.MergeRequirements(rf.Requirements, cf.Requirements)
			if tt.wantErrs != nil {
				if err == nil {
					t.Fatalf("no error, want %q", tt.wantErrs)
				}
				if diff := cmp.Diff(tt.wantErrs, strings.Split(err.Error(), "\n")); diff != "" {
					t.Errorf("errors (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rows []row
			for _, r := range got {
				rows = append(rows, row{pypi.NormalizeName(r.Name), r.Specifier.String(), r.Source(), hexes(r.Hashes), r.Notices})
			}
			if diff := cmp.Diff(tt.want, rows); diff != "" {
				t.Errorf("merged (-want +got):\n%s", diff)
			}
		})
	}
}
