package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify/verifytest"
)

var update = flag.Bool("update", false, "rewrite cmp sections in testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"pyverify": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	sig, err := verifytest.NewSigstore()
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "..", "testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(e *testscript.Env) error {
			// pypitest knows nothing of Sigstore: it takes a func that mints
			// provenance for files that have a publisher sidecar.
			// A file's provenance is minted once and then served the same,
			// as an index serves a stored document: a warm run can then
			// use the verification cache.
			var (
				mu     sync.Mutex
				minted = map[string][]byte{}
			)
			mint := func(f pypitest.File) ([]byte, error) {
				key := f.Filename + "\x00" + f.SHA256 + "\x00" + string(f.Publisher)
				mu.Lock()
				defer mu.Unlock()
				if prov, ok := minted[key]; ok {
					return prov, nil
				}
				prov, err := sig.MintProvenance(f.Filename, f.SHA256, f.Publisher)
				if err == nil {
					minted[key] = prov
				}
				return prov, err
			}
			dir := filepath.Join(e.WorkDir, "index")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			idx, err := pypitest.Serve(dir, mint)
			if err != nil {
				return err
			}
			e.Defer(idx.Close)
			e.Setenv("PYVERIFY_INDEX_URL", idx.URL()) // never the real pypi.org
			e.Setenv("XDG_CACHE_HOME", filepath.Join(e.WorkDir, ".cache"))
			if corpus, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpus")); err == nil {
				if _, err := os.Stat(corpus); err == nil {
					e.Setenv("CORPUS", corpus)
				}
			}
			return os.WriteFile(filepath.Join(e.WorkDir, "trusted_root.json"), sig.TrustedRootJSON(), 0o644)
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "corpus":
				_, err := os.Stat(filepath.Join("..", "..", "..", "shared", "corpus", "manifest.json"))
				return err == nil, nil
			case "pip":
				return hasPip(), nil
			}
			return false, errors.New("unknown condition " + cond)
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"exitcode": cmdExitCode, "mint": cmdMint(sig), "mkwheel": cmdMkwheel,
			"wheel": cmdWheel, "install": cmdInstall},
	})
}

// exitcode N prog args... runs prog and requires exit status N (exec only
// knows pass/fail).
func cmdExitCode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil { // keeps stdout/stderr for later checks
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit status %d, want %d", got, want)
	}
}

// mint FILE SIDECAR OUT writes to OUT the provenance sig mints for FILE's
// bytes as the publisher sidecar SIDECAR says (one verifytest.Spec as JSON,
// or an array of them), for scripts that pass --provenance.
func cmdMint(sig *verifytest.Sigstore) func(*testscript.TestScript, bool, []string) {
	return func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 3 {
			ts.Fatalf("usage: mint FILE SIDECAR OUT")
		}
		data, err := os.ReadFile(ts.MkAbs(args[0]))
		ts.Check(err)
		sidecar, err := os.ReadFile(ts.MkAbs(args[1]))
		ts.Check(err)
		sum := sha256.Sum256(data)
		prov, err := sig.MintProvenance(filepath.Base(args[0]), hex.EncodeToString(sum[:]), sidecar)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[2]), prov, 0o644))
	}
}

// hasPip reports whether python3 -m pip runs here, for [pip] scripts.
var hasPip = sync.OnceValue(func() bool {
	return exec.Command("python3", "-m", "pip", "--version").Run() == nil
})

// mkwheel DIR NAME VERSION [REQUIRES-DIST]... writes a minimal valid,
// installable wheel NAME-VERSION-py3-none-any.whl into DIR (package NAME
// whose __init__.py sets VERSION), since the fake index's usual files are
// not wheels pip could install.
func cmdMkwheel(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: mkwheel DIR NAME VERSION [REQUIRES-DIST]...")
	}
	data, err := buildWheel(args[1], args[2], args[3:])
	ts.Check(err)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	ts.Check(os.WriteFile(filepath.Join(dir, args[1]+"-"+args[2]+"-py3-none-any.whl"), data, 0o644))
}

// wheel NAME VERSION [TAG] builds a real minimal wheel (a module NAME/__init__.py,
// a data file, a script) into index/NAME/VERSION/ for the fake index and
// into wheels/ for install.
func cmdWheel(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: wheel NAME VERSION [TAG]")
	}
	w := pypitest.Wheel{Name: args[0], Version: args[1],
		Files:   map[string]string{args[0] + "/__init__.py": "print('" + args[0] + "')\n", args[0] + "/data.txt": "data\n"},
		Scripts: map[string]string{args[0] + "-tool": "#!python\nprint('tool')\n"}}
	if len(args) == 3 {
		w.Tag = args[2]
	}
	for _, dir := range []string{filepath.Join("index", args[0], args[1]), "wheels"} {
		ts.Check(os.MkdirAll(ts.MkAbs(dir), 0o755))
		ts.Check(os.WriteFile(ts.MkAbs(filepath.Join(dir, w.Filename())), w.Bytes(), 0o644))
	}
}

// install WHEEL DIR lays WHEEL out in a virtualenv at DIR as pip would
// (site-packages lib/python3.11/site-packages).
func cmdInstall(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: install WHEEL DIR")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(pypitest.Install(data, ts.MkAbs(args[1]), "lib/python3.11/site-packages"))
}
