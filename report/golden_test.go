package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/pyverify/pyverify/report"
)

var update = flag.Bool("update", false, "rewrite the expected sections of testdata/*.txtar")

// goldenFormats are the sections every testdata archive holds after its
// input.json, and how each is rendered (STYLE §5 golden tests).
var goldenFormats = []struct {
	section string
	format  report.Format
	opts    report.Options
}{
	{"text", report.Text, report.Options{}},
	{"text-detail", report.Text, report.Options{Detail: true}},
	{"markdown", report.Markdown, report.Options{}},
	{"sarif", report.SARIF, report.Options{}},
	{"json", report.JSON, report.Options{}},
}

// readGolden parses a testdata archive and decodes its input.json, which
// must use only fields the Document knows: a renamed field fails here and
// again in the json section, which doubles as the schema-stability test.
func readGolden(t *testing.T, file string) (*txtar.Archive, *report.Document) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name != "input.json" {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(f.Data))
		dec.DisallowUnknownFields()
		var d report.Document
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: input.json: %v", file, err)
		}
		return ar, &d
	}
	t.Fatalf("%s: no input.json section", file)
	return nil, nil
}

func goldenFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txtar archives")
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, d := readGolden(t, file)
			got := map[string][]byte{}
			for _, g := range goldenFormats {
				var buf bytes.Buffer
				if err := report.Write(&buf, g.format, d, g.opts); err != nil {
					t.Fatalf("Write(%s): %v", g.section, err)
				}
				got[g.section] = buf.Bytes()
			}
			if *update {
				files := []txtar.File{}
				for _, f := range ar.Files {
					if f.Name == "input.json" {
						files = append(files, f)
					}
				}
				for _, g := range goldenFormats {
					files = append(files, txtar.File{Name: g.section, Data: got[g.section]})
				}
				ar.Files = files
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := map[string][]byte{}
			for _, f := range ar.Files {
				want[f.Name] = f.Data
			}
			for _, g := range goldenFormats {
				w, ok := want[g.section]
				if !ok {
					t.Errorf("no %q section; run go test -update", g.section)
					continue
				}
				if diff := cmp.Diff(string(w), string(got[g.section])); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", g.section, diff)
				}
			}
		})
	}
}
