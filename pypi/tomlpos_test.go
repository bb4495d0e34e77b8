package pypi_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// TestParseTOML pins the positions the shared TOML layer keeps, which
// policy and pylock errors are placed at: a key's, a value's, each
// [[array]] entry's and each inline table's, with KeyWhere and Where.
func TestParseTOML(t *testing.T) {
	t.Parallel()
	data := []byte(`top = "v"
a.b = 1
arr = [
  { x = 1 },
  2,
]

[[packages]]
name = "one"
  [[packages.wheels]]
  url = "u"

[[packages]]
name = "two"
`)
	doc, root, err := pypi.ParseTOML(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc) != 4 {
		t.Errorf("decoded document has %d keys, want 4: %v", len(doc), doc)
	}
	type at struct {
		Kind      pypi.TOMLKind
		Type      string
		Key, Here pypi.TOMLPos
	}
	view := func(v *pypi.TOMLValue) at { return at{v.Kind, v.TypeName(), v.KeyWhere(), v.Where()} }
	pkgs := root.Fields["packages"]
	got := map[string]at{
		"top":                view(root.Fields["top"]),
		"a":                  view(root.Fields["a"]),
		"a.b":                view(root.Fields["a"].Fields["b"]),
		"arr":                view(root.Fields["arr"]),
		"arr[0]":             view(root.Fields["arr"].Elems[0]),
		"arr[1]":             view(root.Fields["arr"].Elems[1]),
		"packages":           view(pkgs),
		"packages[0]":        view(pkgs.Elems[0]),
		"packages[0].wheels": view(pkgs.Elems[0].Fields["wheels"].Elems[0]),
		"packages[1]":        view(pkgs.Elems[1]),
		"packages[1].name":   view(pkgs.Elems[1].Fields["name"]),
	}
	want := map[string]at{
		"top":                {pypi.TOMLScalar, "a string", pypi.TOMLPos{1, 1}, pypi.TOMLPos{1, 7}},
		"a":                  {pypi.TOMLTable, "a table", pypi.TOMLPos{2, 1}, pypi.TOMLPos{2, 1}},
		"a.b":                {pypi.TOMLScalar, "an integer", pypi.TOMLPos{2, 3}, pypi.TOMLPos{2, 7}},
		"arr":                {pypi.TOMLArray, "an array", pypi.TOMLPos{3, 1}, pypi.TOMLPos{3, 1}},
		"arr[0]":             {pypi.TOMLTable, "a table", pypi.TOMLPos{3, 1}, pypi.TOMLPos{4, 3}},
		"arr[1]":             {pypi.TOMLScalar, "an integer", pypi.TOMLPos{3, 1}, pypi.TOMLPos{5, 3}},
		"packages":           {pypi.TOMLArray, "an array", pypi.TOMLPos{8, 3}, pypi.TOMLPos{8, 3}},
		"packages[0]":        {pypi.TOMLTable, "a table", pypi.TOMLPos{8, 3}, pypi.TOMLPos{8, 3}},
		"packages[0].wheels": {pypi.TOMLTable, "a table", pypi.TOMLPos{10, 14}, pypi.TOMLPos{10, 14}},
		"packages[1]":        {pypi.TOMLTable, "a table", pypi.TOMLPos{13, 3}, pypi.TOMLPos{13, 3}},
		"packages[1].name":   {pypi.TOMLScalar, "a string", pypi.TOMLPos{14, 1}, pypi.TOMLPos{14, 8}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"top", "a", "arr", "packages"}, root.Names); diff != "" {
		t.Errorf("keys not in file order (-want +got):\n%s", diff)
	}
}

// TestParseTOMLErrors: every refused document is a *TOMLError at a line
// and column of at least 1:1.
func TestParseTOMLErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data string
		want       pypi.TOMLPos
	}{
		{"missing value", "a = 1\nb =\n", pypi.TOMLPos{2, 4}},
		{"duplicate key", "a = 1\na = 2\n", pypi.TOMLPos{2, 1}},
		{"table redefined", "[t]\n[t]\n", pypi.TOMLPos{2, 2}},
		{"newline in a basic string", "a = \"x\n", pypi.TOMLPos{1, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := pypi.ParseTOML([]byte(tt.data))
			var te *pypi.TOMLError
			if !errors.As(err, &te) {
				t.Fatalf("ParseTOML error = %v, want a *TOMLError", err)
			}
			if te.Pos != tt.want || te.Msg == "" {
				t.Errorf("ParseTOML error at %v (%q), want %v", te.Pos, te.Msg, tt.want)
			}
		})
	}
}
