package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// installedSP is the site-packages of the -installed virtualenv.
const installedSP = "lib/python3.12/site-packages"

// runInstalled measures `pyverify audit --path` (issue #12) on a
// virtualenv of cfg.installedPackages distributions, each installed from an
// attested wheel of cfg.installedFiles modules of cfg.installedSize bytes that the
// fake index serves with cfg.latency: the pyverify binary's wall time and
// peak RSS, next to auditing the same pins with -r, and that every
// distribution came out verified and fully bound.
// Each package costs four requests (the release document and the project
// document for the continuity check, then the wheel and its provenance),
// so the critical-path bound is criticalPath(4×packages); the CPU floor
// (verifying 100 attestations, hashing the environment) is not in it.
func runInstalled(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	b, err := newBinaryBench(ctx, cfg, "installed", stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	defer b.close()
	dir, sig, root := b.dir, b.sig, b.root
	fmt.Fprintf(stderr, "bench: building and installing %d wheels…\n", cfg.installedPackages)
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{}}
	module := strings.Repeat("# pyverify bench module\n", int(cfg.installedSize)/24+1)[:cfg.installedSize]
	var pins []string
	venv := filepath.Join(dir, "venv")
	for i := range cfg.installedPackages {
		w := pypitest.Wheel{Name: fmt.Sprintf("inst%03d", i+1), Version: "1.0", Files: map[string]string{}}
		for j := range cfg.installedFiles {
			w.Files[fmt.Sprintf("%s/m%02d.py", w.Name, j)] = fmt.Sprintf("# %s %d\n", w.Name, j) + module
		}
		data := w.Bytes()
		pins = append(pins, w.Name+"==1.0")
		model.Projects[w.Name] = map[string][]pypitest.ModelFile{"1.0": {{Filename: w.Filename(), Content: data,
			Publisher: []byte(`{"kind":"GitHub","repository":"acme/` + w.Name + `","workflow":"release.yml"}`)}}}
		if err := pypitest.Install(data, venv, installedSP); err != nil {
			fmt.Fprintf(stderr, "bench: install %s: %v\n", w.Filename(), err)
			return exitBroken
		}
	}
	srv := pypitest.New(model, func(f pypitest.File) ([]byte, error) { return sig.MintProvenance(f.Filename, f.SHA256, f.Publisher) })
	defer srv.Close()
	srv.SetLatency(cfg.latency)

	reqFile := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(reqFile, []byte(strings.Join(pins, "\n")+"\n"), 0o644); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	common := []string{"audit", "--trusted-root", root, "--no-cache", "-q", "--index-url", srv.URL(),
		"--concurrency", fmt.Sprint(cfg.concurrency), "--format", "json", "-o", "report.json"}
	// The same pins from a requirements file: every file of each release
	// (here the one wheel) checked, nothing bound. The difference is what
	// reading the environment and binding it cost.
	fmt.Fprintf(stderr, "bench: auditing the same pins with -r…\n")
	base, err := b.run(append(common, "-r", reqFile))
	basePeak, baseWall, code := base.peak, base.wall, base.exit
	if err != nil || code != 0 {
		fmt.Fprintf(stderr, "bench: -r baseline: exit %d: %v\n", code, err)
		return exitBroken
	}
	fmt.Fprintf(stderr, "bench: auditing --path…\n")
	st, err := b.run(append(common, "--path", venv))
	peak, wall, code := st.peak, st.wall, st.exit
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	bound, err := checkBound(filepath.Join(dir, "report.json"), cfg)
	if err != nil || code != 0 {
		fmt.Fprintf(stderr, "bench: pyverify exited %d: %v\n", code, err)
		return exitBroken
	}
	bnd := criticalPath(4*cfg.installedPackages, cfg.latency, cfg.concurrency)
	verdict := "PASS"
	if peak >= cfg.installedTarget {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "pyverify installed-environment benchmark (issue #12): audit --path of a virtualenv of %d distributions × %d modules of %s, +%v per response, concurrency %d\n\n",
		cfg.installedPackages, cfg.installedFiles, formatSize(cfg.installedSize), cfg.latency, cfg.concurrency)
	fmt.Fprintf(stdout, "  audit --path          wall %s, peak RSS %s\n", sec(wall), mib(peak))
	fmt.Fprintf(stdout, "  audit -r (same pins)  wall %s, peak RSS %s\n", sec(baseWall), mib(basePeak))
	fmt.Fprintf(stdout, "  critical-path bound   %s (%d requests at concurrency %d)\n", sec(bnd), 4*cfg.installedPackages, cfg.concurrency)
	fmt.Fprintf(stdout, "  installed files bound %d (every distribution verified, nothing modified)\n", bound)
	fmt.Fprintf(stdout, "\n%s: peak RSS %s (target < %s)\n", verdict, mib(peak), mib(cfg.installedTarget))
	if verdict != "PASS" {
		return exitSlow
	}
	return exitOK
}

// checkBound reads the JSON report and checks that every distribution is
// verified with each module, METADATA and WHEEL bound; it returns the files
// bound.
func checkBound(path string, cfg config) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var doc struct {
		Packages []struct {
			Name      string
			Evidence  string
			Installed struct {
				Bound    int
				Modified []string
			}
		}
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return 0, err
	}
	if len(doc.Packages) != cfg.installedPackages {
		return 0, fmt.Errorf("%d packages reported, want %d", len(doc.Packages), cfg.installedPackages)
	}
	total := 0
	for _, p := range doc.Packages {
		if p.Evidence != "verified" || p.Installed.Bound != cfg.installedFiles+2 || len(p.Installed.Modified) > 0 {
			return 0, fmt.Errorf("%s: %s, %d bound, modified %q", p.Name, p.Evidence, p.Installed.Bound, p.Installed.Modified)
		}
		total += p.Installed.Bound
	}
	return total, nil
}

// buildPyverify builds the pyverify binary into dir, or returns
// cfg.pyverify (another build, to compare).
// binaryBench is what the modes that measure the pyverify binary share: a
// scratch directory, the binary, a virtual Sigstore and its trusted root
// written there.
type binaryBench struct {
	dir, bin, root string
	sig            *verifytest.Sigstore
	helper         *rssHelper // starts the runs, so they are not charged the bench's size
}

// newBinaryBench sets one up for mode; close removes the directory.
func newBinaryBench(ctx context.Context, cfg config, mode string, stderr io.Writer) (*binaryBench, error) {
	dir, err := os.MkdirTemp("", "pyverify-bench-"+mode+"-")
	if err != nil {
		return nil, err
	}
	b := &binaryBench{dir: dir, root: filepath.Join(dir, "trusted_root.json")}
	// The helper first, while the bench is small (see rssHelper).
	if b.helper, err = startRSSHelper(ctx); err == nil {
		b.bin, err = buildPyverify(ctx, cfg, dir, stderr)
	}
	if err == nil {
		if b.sig, _, err = newSigstore(); err == nil {
			err = os.WriteFile(b.root, b.sig.TrustedRootJSON(), 0o644)
		}
	}
	if err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *binaryBench) close() {
	if b.helper != nil {
		b.helper.close()
	}
	_ = os.RemoveAll(b.dir)
}

// run runs the binary with args in the bench's directory, through the
// helper, and returns what it cost.
func (b *binaryBench) run(args []string) (childStats, error) {
	return runChild(b.helper, b.dir, b.bin, args)
}

func buildPyverify(ctx context.Context, cfg config, dir string, stderr io.Writer) (string, error) {
	if cfg.pyverify != "" {
		return filepath.Abs(cfg.pyverify)
	}
	bin := filepath.Join(dir, "pyverify")
	fmt.Fprintf(stderr, "bench: building pyverify…\n")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/pyverify/pyverify/cmd/pyverify")
	build.Stderr = stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build: %w", err)
	}
	return bin, nil
}
