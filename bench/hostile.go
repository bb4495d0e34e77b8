package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// hostileWorld is one of the -hostile runs: what every file's provenance
// is, and the exit status pyverify must give for it.
type hostileWorld struct {
	name     string
	what     string
	wantExit int
	prov     func(filename string, content []byte) ([]byte, error) // nil = none published
}

// hostileFormats are the report formats measured, as pyverify flags: every
// format of SPEC §7, JSON written with -o as the worst case was.
var hostileFormats = []struct {
	name  string
	flags []string
}{
	{"text", []string{"--format", "text"}},
	{"json -o", []string{"--format", "json", "-o", "report.json"}},
	{"sarif", []string{"--format", "sarif"}},
	{"markdown", []string{"--format", "markdown"}},
}

// runHostile measures pyverify's peak RSS while auditing cfg.hostilePackages
// packages whose provenance is hostile (issue #8): the real binary, built
// from this module, against a fake index in this process, once per report
// format, so that the figure is the whole program's (decoding, verifying,
// the report and its rendering) and the index's memory is not in it. The
// same packages with genuine provenance are the baseline, and provenance
// at the attestation cap (decoded, verified and reported) is the most an
// index can still make pyverify hold.
func runHostile(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	b, err := newBinaryBench(ctx, cfg, "hostile", stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	defer b.close()
	dir, sig, root := b.dir, b.sig, b.root
	hostile := verifytest.HostileProvenance(cfg.hostileAttestations)
	if len(hostile) > pypi.MaxProvenanceSize {
		fmt.Fprintf(stderr, "bench: %d attestations make %d bytes of provenance, more than the index may send (%d)\n",
			cfg.hostileAttestations, len(hostile), pypi.MaxProvenanceSize)
		return exitBroken
	}
	capped := verifytest.HostileProvenance(verify.MaxAttestations)
	worlds := []hostileWorld{
		{"baseline", "genuine provenance, one attestation per file", 0, func(filename string, content []byte) ([]byte, error) {
			sum := sha256.Sum256(content)
			return sig.MintProvenance(filename, hex.EncodeToString(sum[:]), []byte(`{"kind":"GitHub","repository":"acme/demo","workflow":"release.yml"}`))
		}},
		{"hostile", fmt.Sprintf("%d failing attestations per file (%s of provenance)", cfg.hostileAttestations, mib(int64(len(hostile)))), 3,
			func(string, []byte) ([]byte, error) { return hostile, nil }},
		{"at cap", fmt.Sprintf("%d failing attestations per file (verify.MaxAttestations)", verify.MaxAttestations), 1,
			func(string, []byte) ([]byte, error) { return capped, nil }},
	}

	type result struct {
		world, format string
		peak          int64
		wall          time.Duration
		exit          int
	}
	var results []result
	var worst int64
	for _, w := range worlds {
		srv, reqs, err := hostileIndex(cfg, w)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %s: %v\n", w.name, err)
			return exitBroken
		}
		reqFile := filepath.Join(dir, "requirements.txt")
		if err := os.WriteFile(reqFile, []byte(strings.Join(reqs, "\n")+"\n"), 0o644); err != nil {
			srv.Close()
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		for _, f := range hostileFormats {
			fmt.Fprintf(stderr, "bench: %s, %s…\n", w.name, f.name)
			args := append([]string{"audit", "-r", reqFile, "--trusted-root", root, "--no-cache", "-q",
				"--index-url", srv.URL(), "--concurrency", fmt.Sprint(cfg.concurrency)}, f.flags...)
			st, err := b.run(args)
			peak, wall, code := st.peak, st.wall, st.exit
			if err != nil {
				srv.Close()
				fmt.Fprintf(stderr, "bench: %s, %s: %v\n", w.name, f.name, err)
				return exitBroken
			}
			// Another build (-pyverify, say an older one to compare with)
			// is measured whatever it concludes.
			if code != w.wantExit && cfg.pyverify == "" {
				srv.Close()
				fmt.Fprintf(stderr, "bench: %s, %s: pyverify exited %d, want %d\n", w.name, f.name, code, w.wantExit)
				return exitBroken
			}
			results = append(results, result{w.name, f.name, peak, wall, code})
			if w.name != "baseline" {
				worst = max(worst, peak)
			}
		}
		srv.Close()
	}

	verdict := "PASS"
	if worst >= cfg.hostileTarget {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "pyverify hostile-provenance benchmark (issue #8): %d packages × 1 file, +%v per response, concurrency %d, the pyverify binary's peak RSS (getrusage maxrss)\n\n",
		cfg.hostilePackages, cfg.latency, cfg.concurrency)
	for _, w := range worlds {
		fmt.Fprintf(stdout, "  %-9s %s (want exit %d)\n", w.name, w.what, w.wantExit)
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "provenance\tformat\tpeak RSS\twall\texit\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\n", r.world, r.format, mib(r.peak), sec(r.wall), r.exit)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\n%s: hostile peak RSS %s (target < %s)\n", verdict, mib(worst), mib(cfg.hostileTarget))
	if verdict != "PASS" {
		return exitSlow
	}
	return exitOK
}

// hostileIndex serves cfg.hostilePackages projects of one wheel each, with
// w's provenance, and returns their requirements.
func hostileIndex(cfg config, w hostileWorld) (*pypitest.Server, []string, error) {
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{}}
	var reqs []string
	for i := range cfg.hostilePackages {
		project := fmt.Sprintf("hostile%02d", i+1)
		mf := pypitest.ModelFile{Filename: benchFilename(project, 0), Content: []byte("the bytes of " + project + "\n")}
		prov, err := w.prov(mf.Filename, mf.Content)
		if err != nil {
			return nil, nil, fmt.Errorf("provenance for %s: %w", mf.Filename, err)
		}
		mf.Provenance = prov
		model.Projects[project] = map[string][]pypitest.ModelFile{"1.0": {mf}}
		reqs = append(reqs, project+"==1.0")
	}
	srv := pypitest.New(model, nil)
	srv.SetLatency(cfg.latency)
	return srv, reqs, nil
}
