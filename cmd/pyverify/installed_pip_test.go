package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// TestAuditPipVenv is issue #12's "done when": a virtualenv made by
// python3 -m venv, with pip installing from the fake index, is audited
// with --path: every installed distribution is verified (or hash-only) and
// bound; one byte changed in an installed .py file fails the audit naming
// that file. It skips, saying so, without python3 and its venv module.
func TestAuditPipVenv(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: the pip-installed environment is not tested (the hand-laid one is, in verify and audit_installed.txtar)")
	}
	sig, err := verifytest.NewSigstore()
	if err != nil {
		t.Fatal(err)
	}
	demo := pypitest.Wheel{Name: "demo", Version: "1.0",
		Files:   map[string]string{"demo/__init__.py": "print('demo')\n", "demo/data.txt": "data\n"},
		Scripts: map[string]string{"demo-tool": "#!python\nprint('tool')\n"}}
	other := pypitest.Wheel{Name: "other", Version: "2.0", Files: map[string]string{"other.py": "x = 1\n"}}
	srv := pypitest.New(pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo":  {"1.0": {{Filename: demo.Filename(), Content: demo.Bytes(), Publisher: []byte(`{"kind": "GitHub", "repository": "acme/demo"}`)}}},
		"other": {"2.0": {{Filename: other.Filename(), Content: other.Bytes()}}},
	}}, func(f pypitest.File) ([]byte, error) { return sig.MintProvenance(f.Filename, f.SHA256, f.Publisher) })
	defer srv.Close()

	dir := t.TempDir()
	venv := filepath.Join(dir, "v")
	// Without pip in the venv (the host's pip installs into it with
	// --python, pip ≥ 22.3), every distribution in it is from the fake index.
	if out, err := exec.Command(py, "-m", "venv", "--without-pip", venv).CombinedOutput(); err != nil {
		t.Skipf("python3 -m venv failed, so the pip-installed environment is not tested: %v\n%s", err, out)
	}
	if out, err := exec.Command(py, "-m", "pip", "--version").CombinedOutput(); err != nil {
		t.Skipf("python3 has no pip, so the pip-installed environment is not tested: %v\n%s", err, out)
	}
	pip := exec.Command(py, "-m", "pip", "--python", filepath.Join(venv, "bin", "python"), "install", "--no-cache-dir",
		"--disable-pip-version-check", "--index-url", srv.URL()+"/simple/", "demo==1.0", "other==2.0")
	pip.Env = append(os.Environ(), "PIP_CONFIG_FILE=/dev/null")
	if out, err := pip.CombinedOutput(); err != nil {
		t.Fatalf("pip install from the fake index: %v\n%s", err, out)
	}
	root := filepath.Join(dir, "trusted_root.json")
	if err := os.WriteFile(root, sig.TrustedRootJSON(), 0o644); err != nil {
		t.Fatal(err)
	}

	audit := func() (int, pipDoc, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"audit", "--index-url", srv.URL(), "--trusted-root", root, "--no-cache",
			"--format", "json", "--path", venv}, &stdout, &stderr)
		var doc pipDoc
		if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
			t.Fatalf("exit %d, report %q (stderr %q): %v", code, stdout.String(), stderr.String(), err)
		}
		return code, doc, stderr.String()
	}

	code, doc, stderr := audit()
	type pkg struct {
		Name, Evidence string
		Wheel          string
		Bound          int
		Modified       []string
	}
	var got []pkg
	for _, p := range doc.Packages {
		got = append(got, pkg{p.Name, p.Evidence, p.Installed.Wheel, p.Installed.Bound, p.Installed.Modified})
	}
	// pip installs what the wheel holds: demo's module, data file, METADATA
	// and WHEEL; other's module, METADATA and WHEEL.
	want := []pkg{
		{"demo", "verified", demo.Filename(), 4, []string{}},
		{"other", "hash-only", other.Filename(), 3, []string{}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("clean pip venv (-want +got):\n%s\nstderr: %s", diff, stderr)
	}
	if code != exitOK {
		t.Errorf("clean pip venv: exit %d", code)
	}

	matches, _ := filepath.Glob(filepath.Join(venv, "lib", "python*", "site-packages", "demo", "__init__.py"))
	if len(matches) != 1 {
		t.Fatalf("demo/__init__.py installed at %v", matches)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-2] ^= 1 // one byte
	if err := os.WriteFile(matches[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, doc, _ = audit()
	if code != exitViolation {
		t.Errorf("a byte changed in demo/__init__.py: exit %d, want %d", code, exitViolation)
	}
	for _, p := range doc.Packages {
		if p.Name != "demo" {
			continue
		}
		if p.Evidence != "failed" || !cmp.Equal(p.Installed.Modified, []string{"demo/__init__.py"}) ||
			len(p.Problems) == 0 || p.Problems[0].Kind != "installed-modified" || !strings.Contains(p.Problems[0].Message, "demo/__init__.py") {
			t.Errorf("a byte changed in demo/__init__.py: %+v", p)
		}
	}
}

type pipDoc struct {
	Packages []struct {
		Name      string
		Evidence  string
		Installed struct {
			Wheel    string
			Bound    int
			Modified []string
		}
		Problems []struct{ Kind, Message string }
	}
}
