package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/report"
	"github.com/pyverify/pyverify/verify"
)

// sarifSchemaPath is the OASIS SARIF 2.1.0 schema in the shared test
// material, which exists in CI but not in a user's clone.
var sarifSchemaPath = filepath.Join("..", "..", "shared", "schemas", "sarif-schema-2.1.0.json")

// TestSARIFSchema validates the SARIF output of every golden case against
// the OASIS schema (SPEC §7: "sarif: SARIF 2.1.0").
func TestSARIFSchema(t *testing.T) {
	abs, err := filepath.Abs(sarifSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("SARIF schema not available (%s): %v", abs, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	schema, err := c.Compile(abs)
	if err != nil {
		t.Fatalf("compile %s: %v", abs, err)
	}
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			_, d := readGolden(t, file)
			var buf bytes.Buffer
			if err := report.Write(&buf, report.SARIF, d, report.Options{}); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(&buf)
			if err != nil {
				t.Fatalf("sarif output is not JSON: %v", err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("sarif output does not validate against %s:\n%v", abs, err)
			}
		})
	}
}

// TestSARIFSchemaRejects makes sure the schema check above can fail: a
// driver without a name is invalid SARIF.
func TestSARIFSchemaRejects(t *testing.T) {
	abs, err := filepath.Abs(sarifSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		t.Skipf("SARIF schema not available (%s): %v", abs, err)
	}
	schema, err := jsonschema.NewCompiler().Compile(abs)
	if err != nil {
		t.Fatalf("compile %s: %v", abs, err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error("a driver without a name validated; the schema check is not effective")
	}
}

// TestSARIFLocatesStructuredSource: SARIF takes the file and line from
// the package's structured source, and JSON still writes "FILE:LINE". A
// file name that merely ends in ":5" has no line, so it locates nothing,
// where parsing the string back would have invented line 5.
func TestSARIFLocatesStructuredSource(t *testing.T) {
	t.Parallel()
	type loc struct {
		URI    string
		Line   int
		Source string
	}
	tests := []struct {
		name string
		pos  pypi.Position
		want loc
	}{
		{"file and line", pypi.Position{File: "reqs/dev.txt", Line: 12}, loc{"reqs/dev.txt", 12, "reqs/dev.txt:12"}},
		{"colon in the file name", pypi.Position{File: "reqs:2024/dev.txt", Line: 3}, loc{"./reqs:2024/dev.txt", 3, "reqs:2024/dev.txt:3"}},
		{"no line", pypi.Position{File: "requirements.txt:5"}, loc{"", 0, "requirements.txt:5"}},
		{"command line", pypi.Position{}, loc{"", 0, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := report.FromVerify(&verify.Report{Packages: []verify.Package{{
				Name: "demo", Version: "1.0", Requirement: "demo==1.0", Source: tt.pos, Evidence: verify.Error,
				Problems: []verify.Problem{{Kind: verify.Network, Message: "demo: offline"}},
			}}}, report.Meta{})
			var sarif, js bytes.Buffer
			if err := report.Write(&sarif, report.SARIF, d, report.Options{}); err != nil {
				t.Fatal(err)
			}
			if err := report.Write(&js, report.JSON, d, report.Options{}); err != nil {
				t.Fatal(err)
			}
			var s struct {
				Runs []struct {
					Results []struct {
						Locations []struct {
							PhysicalLocation *struct {
								ArtifactLocation struct{ URI string }
								Region           struct{ StartLine int }
							}
						}
					}
				}
			}
			var j struct{ Packages []struct{ Source string } }
			if err := json.Unmarshal(sarif.Bytes(), &s); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(js.Bytes(), &j); err != nil {
				t.Fatal(err)
			}
			if len(s.Runs) != 1 || len(s.Runs[0].Results) != 1 || len(s.Runs[0].Results[0].Locations) != 1 || len(j.Packages) != 1 {
				t.Fatalf("want one result with one location and one package:\n%s\n%s", sarif.String(), js.String())
			}
			got := loc{Source: j.Packages[0].Source}
			if pl := s.Runs[0].Results[0].Locations[0].PhysicalLocation; pl != nil {
				got.URI, got.Line = pl.ArtifactLocation.URI, pl.Region.StartLine
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("location (-want +got):\n%s", diff)
			}
		})
	}
}
