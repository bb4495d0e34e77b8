package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// The -bytes mode (issue #11): how much an audit downloads with and
// without a target environment, on releases shaped like a compiled
// project's (numpy, torch): a wheel per CPython version and platform, and
// an sdist.

var (
	gridPythons   = []string{"cp39", "cp310", "cp311", "cp312", "cp313"}
	gridPlatforms = []string{
		"manylinux_2_17_x86_64.manylinux2014_x86_64",
		"manylinux_2_17_aarch64.manylinux2014_aarch64",
		"musllinux_1_2_x86_64",
		"macosx_11_0_arm64",
		"macosx_10_9_x86_64",
		"win_amd64",
	}
	// benchTarget is the environment of the targeted audit, as
	// --python-version 3.12 --platform manylinux_2_28_x86_64.
	benchTarget = pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}
)

// gridFilenames names a release of project: one wheel per CPython version
// and platform, then the sdist.
func gridFilenames(project string) []string {
	var out []string
	for _, py := range gridPythons {
		for _, plat := range gridPlatforms {
			out = append(out, fmt.Sprintf("%s-1.0-%s-%s-%s.whl", project, py, py, plat))
		}
	}
	return append(out, project+"-1.0.tar.gz")
}

// runBytes audits the grid index twice, without and with benchTarget, and
// reports the bytes the index served for each. Every checked package must
// come out verified, and the targeted audit must check exactly one file
// per package (the cp312 manylinux wheel), or the command exits 1.
func runBytes(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	cfg.packages = cfg.bytesPackages
	cfg.filenames = gridFilenames
	cfg.files = len(gridFilenames("p"))
	fmt.Fprintf(stderr, "bench: minting %d attested files…\n", cfg.packages*cfg.files)
	cfg.latency = 0
	w, err := newWorld(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "bench: setup: %v\n", err)
		return exitBroken
	}
	defer w.srv.Close()

	type result struct {
		name         string
		files, bytes int64
		rep          *verify.Report
	}
	var results []result
	for _, t := range []*pypi.Target{nil, &benchTarget} {
		before := len(w.srv.Requests())
		rep := auditTarget(ctx, w, cfg.concurrency, t)
		if err := checkVerified(rep); err != nil {
			fmt.Fprintf(stderr, "bench: audit: %v\n", err)
			return exitBroken
		}
		r := result{name: "no target", rep: rep}
		if t != nil {
			r.name = "--python-version 3.12 --platform manylinux_2_28_x86_64"
		}
		for _, path := range w.srv.Requests()[before:] {
			if strings.HasPrefix(path, "/files/") {
				r.files++
				r.bytes += cfg.size // every file of the grid is cfg.size bytes
			}
		}
		results = append(results, r)
	}
	if got := results[1].files; got != int64(cfg.packages) {
		fmt.Fprintf(stderr, "bench: the targeted audit downloaded %d files, want %d (one cp312 manylinux wheel per package)\n", got, cfg.packages)
		return exitBroken
	}

	fmt.Fprintf(stdout, "pyverify download benchmark (issue #11): %d packages × %d files (%d wheels + sdist) × %s, concurrency %d\n\n",
		cfg.packages, cfg.files, cfg.files-1, formatSize(cfg.size), cfg.concurrency)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "audit\tfiles downloaded\tbytes downloaded\tfiles skipped\n")
	for _, r := range results {
		skipped := 0
		for _, p := range r.rep.Packages {
			skipped += len(p.SkippedFiles)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\n", r.name, r.files, mib(r.bytes), skipped)
	}
	_ = tw.Flush()
	fmt.Fprintf(stdout, "\nreduction: %.1f× fewer bytes with the target\n", float64(results[0].bytes)/float64(max(1, results[1].bytes)))
	return exitOK
}

// auditTarget is audit with a target environment.
func auditTarget(ctx context.Context, w *world, conc int, t *pypi.Target) *verify.Report {
	c, err := pypi.NewClient(pypi.Options{BaseURL: w.srv.URL(), Concurrency: conc, UserAgent: "pyverify-bench"})
	if err != nil {
		return &verify.Report{Packages: []verify.Package{{Name: "client", Problems: []verify.Problem{{Message: err.Error()}}}}}
	}
	return verify.NewEngine(verify.Options{Index: c, Verifier: w.verifier, Concurrency: conc, Target: t}).Audit(ctx, w.reqs)
}
