package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pyverify/pyverify/report"
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
