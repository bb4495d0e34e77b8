package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/pyverify/pyverify"

// importRule is one row of STYLE.md §1's import table: which packages of
// this module, and which third-party modules, a package may import.
type importRule struct {
	internal []string // module-relative package paths ("" = none)
	external []string // third-party import path prefixes
	helpers  bool     // may import …test helpers from non-test code (the bench program only)
}

var importRules = map[string]importRule{
	// pypi reads PEP 751 lock files (pylock.toml), which are TOML.
	"pypi":              {external: []string{"golang.org/x/sync", "github.com/pelletier/go-toml"}},
	"pypi/pypitest":     {internal: []string{"pypi"}, external: []string{"golang.org/x/sync"}},
	"policy":            {internal: []string{"pypi"}, external: []string{"github.com/pelletier/go-toml", "github.com/BurntSushi/toml"}},
	"verify":            {internal: []string{"pypi", "policy"}, external: []string{"github.com/sigstore/", "golang.org/x/sync", "google.golang.org/protobuf", "github.com/secure-systems-lab/", "github.com/in-toto/", "github.com/google/certificate-transparency-go"}},
	"verify/verifytest": {internal: []string{"verify", "pypi", "policy"}, external: []string{"github.com/sigstore/", "golang.org/x/sync", "google.golang.org/protobuf", "github.com/secure-systems-lab/", "github.com/in-toto/", "github.com/google/certificate-transparency-go", "github.com/cyberphone/", "github.com/transparency-dev/", "github.com/go-openapi/", "github.com/digitorus/timestamp", "golang.org/x/mod/sumdb/note"}},
	"report":            {internal: []string{"verify", "pypi", "policy"}},
	"bench":             {internal: []string{"verify", "pypi", "policy"}, helpers: true},
	"cmd/pyverify":      {internal: []string{"verify", "pypi", "policy", "report"}, external: []string{"github.com/spf13/cobra", "github.com/spf13/pflag", "golang.org/x/term"}},
}

// testOnlyExternal may be imported by any package's tests.
var testOnlyExternal = []string{"github.com/google/go-cmp", "github.com/rogpeppe/go-internal", "golang.org/x/tools/txtar", "github.com/santhosh-tekuri/jsonschema"}

type listedPackage struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

// TestImportRules enforces STYLE.md §1: imports point downward only
// (cmd → report → verify → policy → pypi), nothing imports cmd, non-test
// code never imports a …test helper, only verify touches sigstore-go and
// only cmd touches cobra.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("go list is slow; skipped in -short")
	}
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rule, ok := importRules[rel]
		if !ok {
			t.Errorf("%s: package not in the import table of STYLE.md §1; add it there and here", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if why := checkImport(rel, rule, imp, false); why != "" {
				t.Errorf("%s imports %s: %s", p.ImportPath, imp, why)
			}
		}
		for _, imp := range append(p.TestImports, p.XTestImports...) {
			if why := checkImport(rel, rule, imp, true); why != "" {
				t.Errorf("%s (tests) imports %s: %s", p.ImportPath, imp, why)
			}
		}
	}
}

func checkImport(rel string, rule importRule, imp string, test bool) string {
	if !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") {
		return "" // standard library
	}
	if after, ok := strings.CutPrefix(imp, module); ok {
		target := strings.TrimPrefix(after, "/")
		if target == rel {
			return "" // external test package of itself
		}
		if strings.HasSuffix(target, "test") && strings.Contains(target, "/") {
			if test || rule.helpers {
				return ""
			}
			return "non-test code must not import a …test helper"
		}
		if target == "cmd/pyverify" {
			return "nothing imports cmd"
		}
		for _, ok := range rule.internal {
			if target == ok {
				return ""
			}
		}
		return "imports must point downward: cmd → report → verify → policy → pypi"
	}
	for _, p := range rule.external {
		if strings.HasPrefix(imp, p) {
			return ""
		}
	}
	if test {
		for _, p := range testOnlyExternal {
			if strings.HasPrefix(imp, p) {
				return ""
			}
		}
	}
	return "third-party import not allowed for this package (STYLE.md §1)"
}
