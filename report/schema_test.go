package report_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pyverify/pyverify/report"
	"github.com/pyverify/pyverify/verify"
)

// TestJSONSchema validates the JSON output of every golden case against
// report/schema.json, the published schema of `--format json`, so that the
// schema and the output cannot drift apart.
func TestJSONSchema(t *testing.T) {
	schema := compileJSONSchema(t)
	for _, file := range goldenFiles(t) {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			_, d := readGolden(t, file)
			var buf bytes.Buffer
			if err := report.Write(&buf, report.JSON, d, report.Options{}); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(&buf)
			if err != nil {
				t.Fatalf("json output is not JSON: %v", err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("json output does not validate against schema.json:\n%v", err)
			}
		})
	}
}

// TestJSONSchemaRejects makes sure the check above can fail: an evidence
// level SPEC §5 does not have is refused.
func TestJSONSchemaRejects(t *testing.T) {
	schema := compileJSONSchema(t)
	var buf bytes.Buffer
	d := report.FromVerify(&verify.Report{Packages: []verify.Package{{Name: "x", Evidence: "maybe"}}}, report.Meta{ToolVersion: "0"})
	if err := report.Write(&buf, report.JSON, d, report.Options{}); err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error(`evidence "maybe" validated; the schema check is not effective`)
	}
}

// TestJSONSchemaProblemKinds keeps the schema's problem kinds equal to
// SPEC §5's, as verify declares them.
func TestJSONSchemaProblemKinds(t *testing.T) {
	schema := compileJSONSchema(t)
	for _, k := range verify.ProblemKinds {
		inst := map[string]any{"kind": string(k), "message": "m"}
		if err := schema.Validate(problemDoc(inst)); err != nil {
			t.Errorf("problem kind %q refused by schema.json: %v", k, err)
		}
	}
	if err := schema.Validate(problemDoc(map[string]any{"kind": "no-such-kind", "message": "m"})); err == nil {
		t.Error("an unknown problem kind validated")
	}
}

// problemDoc is the smallest valid document holding one package problem.
func problemDoc(problem map[string]any) any {
	return map[string]any{
		"schema_version": 1,
		"tool":           map[string]any{"name": "pyverify", "version": "0"},
		"index_url":      "", "policy": "",
		"packages": []any{map[string]any{
			"name": "x", "version": "", "requirement": "x", "source": "", "evidence": "error", "ok": false,
			"problems": []any{problem}, "files": []any{},
		}},
		"summary": map[string]any{"packages": 1, "verified": 0, "hash_only": 0, "failed": 0, "error": 1, "ok": 0, "violations": 0},
	}
}

func compileJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	abs, err := filepath.Abs("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile(abs)
	if err != nil {
		t.Fatalf("compile schema.json: %v", err)
	}
	return s
}
