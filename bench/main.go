package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// Exit statuses (see doc.go).
const (
	exitOK     = 0
	exitBroken = 1 // setup failed or a package was not verified
	exitSlow   = 3 // correct, but the performance target was missed
)

// config is the command line.
type config struct {
	packages    int
	files       int
	size        int64
	latency     time.Duration
	concurrency int
	runs        int
	sequential  bool
	target      float64
	rss         bool
	rssSize     int64
	rssTarget   int64
	cpuprofile  string

	rerun       bool
	maxAge      time.Duration
	rerunTarget float64
	// filenames, when set, names the files of each project's release
	// instead of benchFilename (the -bytes mode's wheel grid).
	filenames func(project string) []string

	bytes         bool
	bytesPackages int

	hostile             bool
	hostilePackages     int
	hostileAttestations int
	hostileTarget       int64
	pyverify            string

	history           bool // -continuity: each package has an earlier attested release
	installed         bool
	installedPackages int
	installedFiles    int
	installedSize     int64
	installedTarget   int64
	many              int
	manyAttested      int
	manyLatency       time.Duration
	manyTarget        int64
	manyFormats       string
	manyCache         bool
	rssHelper         bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it parses args, runs the benchmark and
// returns the exit status, so that tests can drive it.
func run(args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	ctx := context.Background()
	if cfg.rssHelper {
		return serveRSSHelper(os.Stdin, stdout)
	}
	if cfg.rss {
		return runRSS(ctx, cfg, stdout, stderr)
	}
	if cfg.history {
		return runContinuity(ctx, cfg, stdout, stderr)
	}
	if cfg.hostile {
		return runHostile(ctx, cfg, stdout, stderr)
	}
	if cfg.rerun {
		return runRerun(ctx, cfg, stdout, stderr)
	}
	if cfg.bytes {
		return runBytes(ctx, cfg, stdout, stderr)
	}
	if cfg.installed {
		return runInstalled(ctx, cfg, stdout, stderr)
	}
	if cfg.many > 0 {
		return runMany(ctx, cfg, stdout, stderr)
	}
	return runThroughput(ctx, cfg, stdout, stderr)
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var (
		cfg                       config
		size, rssSize, rssTarget  string
		hostileTarget, manyTarget string
		installedTarget           string
		installedSize             string
		fs                        = flag.NewFlagSet("bench", flag.ContinueOnError)
	)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.packages, "packages", 200, "packages to audit")
	fs.IntVar(&cfg.files, "files", 2, "files per package (a wheel, an sdist, then more wheels)")
	fs.StringVar(&size, "size", "200KiB", "bytes per file (suffixes B, KiB, MiB, GiB)")
	fs.DurationVar(&cfg.latency, "latency", 50*time.Millisecond, "latency the fake index adds to every response")
	fs.IntVar(&cfg.concurrency, "concurrency", 16, "requests in flight (pypi.Options.Concurrency) and packages (verify.Options.Concurrency)")
	fs.IntVar(&cfg.runs, "runs", 3, "concurrent audits to time; the median is reported")
	fs.BoolVar(&cfg.sequential, "sequential", true, "also measure the sequential baseline (concurrency 1); false computes it only")
	fs.Float64Var(&cfg.target, "target", 1.5, "largest acceptable wall/bound ratio")
	fs.BoolVar(&cfg.rss, "rss", false, "measure peak RSS while auditing one large streamed artifact instead")
	fs.StringVar(&rssSize, "rss-size", "1GiB", "size of the -rss artifact")
	fs.StringVar(&rssTarget, "rss-target", "64MiB", "largest acceptable peak RSS in -rss mode")
	fs.BoolVar(&cfg.hostile, "hostile", false, "measure the pyverify binary's peak RSS on hostile provenance (issue #8), in every format, instead")
	fs.IntVar(&cfg.hostilePackages, "hostile-packages", 20, "packages of the -hostile index")
	fs.IntVar(&cfg.hostileAttestations, "hostile-attestations", 30000, "minimal failing attestations per hostile provenance document")
	fs.StringVar(&hostileTarget, "hostile-target", "128MiB", "largest acceptable peak RSS in -hostile mode")
	fs.StringVar(&cfg.pyverify, "pyverify", "", "-hostile, -many, -installed: measure this pyverify binary (an older build, to compare) instead of building one")
	fs.BoolVar(&cfg.history, "continuity", false, "measure publisher continuity's cost: every package gets an earlier attested release, audited with continuity on and off")
	fs.BoolVar(&cfg.rerun, "rerun", false, "measure re-runs on one cache instead (issue #13): cold, warm within max-age, warm after it, --offline")
	fs.DurationVar(&cfg.maxAge, "max-age", 10*time.Minute, "-rerun: the Cache-Control max-age the fake index sends (pypi.org's Integrity API sends 10 minutes)")
	fs.Float64Var(&cfg.rerunTarget, "rerun-target", 0.10, "-rerun: largest acceptable warm (within max-age) and --offline wall, as a fraction of the cold wall")
	fs.BoolVar(&cfg.bytes, "bytes", false, "measure the bytes downloaded with and without a target environment (issue #11) on releases of many wheels instead")
	fs.IntVar(&cfg.bytesPackages, "bytes-packages", 10, "packages of the -bytes index, each a release of "+strconv.Itoa(len(gridFilenames("p")))+" files")
	fs.BoolVar(&cfg.installed, "installed", false, "measure the pyverify binary's wall time and peak RSS on audit --path of a virtualenv (issue #12) instead")
	fs.IntVar(&cfg.installedPackages, "installed-packages", 100, "distributions in the -installed virtualenv")
	fs.IntVar(&cfg.installedFiles, "installed-files", 20, "modules per -installed distribution")
	fs.StringVar(&installedSize, "installed-size", "4KiB", "bytes per module of an -installed distribution")
	fs.StringVar(&installedTarget, "installed-target", "128MiB", "largest acceptable peak RSS in -installed mode")
	fs.IntVar(&cfg.many, "many", 0, "measure the pyverify binary's peak RSS and CPU auditing this many packages (issue #13) instead")
	fs.IntVar(&cfg.manyAttested, "many-attested", 2000, "-many: how many of the packages are attested (the rest hash-only)")
	fs.DurationVar(&cfg.manyLatency, "many-latency", 0, "-many: latency the fake index adds to every response")
	fs.StringVar(&cfg.manyFormats, "many-formats", "json,jsonl,text", "-many: the report formats to measure cold, comma-separated (json is written with -o)")
	fs.BoolVar(&cfg.manyCache, "many-cache", true, "-many: also measure a cold run filling a cache and warm re-runs with and without the verification cache")
	fs.BoolVar(&cfg.rssHelper, "rss-helper", false, "internal: run pyverify jobs read from stdin and report their cost (see rssHelper)")
	fs.StringVar(&manyTarget, "many-target", "96MiB", "-many: largest acceptable peak RSS with --format json")
	fs.StringVar(&cfg.cpuprofile, "cpuprofile", "", "write a CPU profile of the timed concurrent audits (-rerun: of the warm audit within max-age) to this file")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	var err error
	if cfg.size, err = parseSize(size); err != nil {
		return cfg, fmt.Errorf("-size: %w", err)
	}
	if cfg.rssSize, err = parseSize(rssSize); err != nil {
		return cfg, fmt.Errorf("-rss-size: %w", err)
	}
	if cfg.rssTarget, err = parseSize(rssTarget); err != nil {
		return cfg, fmt.Errorf("-rss-target: %w", err)
	}
	if cfg.hostileTarget, err = parseSize(hostileTarget); err != nil {
		return cfg, fmt.Errorf("-hostile-target: %w", err)
	}
	if cfg.installedSize, err = parseSize(installedSize); err != nil {
		return cfg, fmt.Errorf("-installed-size: %w", err)
	}
	if cfg.installedTarget, err = parseSize(installedTarget); err != nil {
		return cfg, fmt.Errorf("-installed-target: %w", err)
	}
	if cfg.manyTarget, err = parseSize(manyTarget); err != nil {
		return cfg, fmt.Errorf("-many-target: %w", err)
	}
	switch {
	case cfg.packages < 1 || cfg.bytesPackages < 1:
		return cfg, errors.New("-packages: must be at least 1")
	case cfg.files < 1:
		return cfg, errors.New("-files: must be at least 1")
	case cfg.concurrency < 1:
		return cfg, errors.New("-concurrency: must be at least 1")
	case cfg.hostilePackages < 1 || cfg.hostileAttestations < 1:
		return cfg, errors.New("-hostile-packages and -hostile-attestations: must be at least 1")
	case cfg.installedPackages < 1 || cfg.installedFiles < 1:
		return cfg, errors.New("-installed-packages and -installed-files: must be at least 1")
	case cfg.runs < 1:
		return cfg, errors.New("-runs: must be at least 1")
	case cfg.latency < 0:
		return cfg, errors.New("-latency: must not be negative")
	case cfg.maxAge < time.Second:
		return cfg, errors.New("-max-age: must be at least 1s")
	case cfg.size < 1 || cfg.rssSize < 1:
		return cfg, errors.New("sizes must be at least 1 byte")
	}
	return cfg, nil
}

// parseSize reads "200KiB", "1GiB", "64MiB", "512B" or a plain byte count.
// Units are binary; "KB"/"MB"/"GB" are read as their binary cousins too, as
// the issue writes "200 KB".
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
		{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1},
	}
	mult := int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("size %q: want a byte count such as 200KiB", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return n * mult, nil
}

// runThroughput is the default mode: wall time against the bound.
func runThroughput(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "bench: minting %d attested files…\n", cfg.packages*cfg.files)
	w, err := newWorld(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "bench: setup: %v\n", err)
		return exitBroken
	}
	defer w.srv.Close()

	// Per pinned package the engine sends one release document request
	// and, for publisher continuity (issue #9), one simple page request;
	// then for every file the provenance and the download in parallel.
	// Each project has one release, so no earlier release's provenance is
	// fetched.
	perPkg := 2 + 2*cfg.files
	requests := cfg.packages * perPkg
	bound := criticalPath(requests, cfg.latency, cfg.concurrency)

	// The floor: the same audit with no added latency is what the CPU and
	// the loopback cost; the bound assumes this is zero.
	w.srv.SetLatency(0)
	floor, rep := audit(ctx, w, cfg.concurrency)
	if err := checkVerified(rep); err != nil {
		fmt.Fprintf(stderr, "bench: audit without latency: %v\n", err)
		return exitBroken
	}
	w.srv.SetLatency(cfg.latency)

	if cfg.cpuprofile != "" {
		stop, err := startCPUProfile(cfg.cpuprofile)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		defer stop()
	}
	var walls []time.Duration
	for i := range cfg.runs {
		fmt.Fprintf(stderr, "bench: concurrent audit %d/%d…\n", i+1, cfg.runs)
		before := len(w.srv.Requests())
		d, rep := audit(ctx, w, cfg.concurrency)
		if err := checkVerified(rep); err != nil {
			fmt.Fprintf(stderr, "bench: concurrent audit: %v\n", err)
			return exitBroken
		}
		if got := len(w.srv.Requests()) - before; got != requests {
			fmt.Fprintf(stderr, "bench: the audit sent %d requests, the bound assumes %d: fix the formula\n", got, requests)
			return exitBroken
		}
		walls = append(walls, d)
	}
	if cfg.cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	peak := w.srv.PeakInFlight()
	wall := median(walls)

	seqTheory := time.Duration(requests) * cfg.latency
	var seq time.Duration
	if cfg.sequential {
		fmt.Fprintf(stderr, "bench: sequential audit (about %v)…\n", seqTheory.Round(time.Second))
		var rep *verify.Report
		seq, rep = audit(ctx, w, 1)
		if err := checkVerified(rep); err != nil {
			fmt.Fprintf(stderr, "bench: sequential audit: %v\n", err)
			return exitBroken
		}
	}

	// With no added latency the bound is zero and the ratio meaningless:
	// such a run only shows the floor, and passes.
	ratio := math.Inf(1)
	if bound > 0 {
		ratio = float64(wall) / float64(bound)
	}
	verdict := "PASS"
	if bound > 0 && ratio > cfg.target {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "pyverify audit benchmark: %d packages × %d files × %s, +%v per response, concurrency %d\n",
		cfg.packages, cfg.files, formatSize(cfg.size), cfg.latency, cfg.concurrency)
	fmt.Fprintf(stdout, "requests per audit: %d = %d packages × (1 release document + 1 simple page + %d files × (provenance + download))\n\n",
		requests, cfg.packages, cfg.files)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "wall\t%s\tmedian of %d: %s\n", sec(wall), len(walls), secs(walls))
	fmt.Fprintf(tw, "bound\t%s\tmax(%d requests × %v / %d, chain %v = release doc, then provenance ‖ download)\n",
		sec(bound), requests, cfg.latency, cfg.concurrency, 2*cfg.latency)
	if bound > 0 {
		fmt.Fprintf(tw, "wall / bound\t%.2f\ttarget ≤ %.2f: %s\n", ratio, cfg.target, verdict)
	} else {
		fmt.Fprintf(tw, "wall / bound\tn/a\tno latency added: the bound is 0 and only the floor is shown\n")
	}
	fmt.Fprintf(tw, "floor\t%s\tthe same audit with no added latency (CPU: sigstore verification, hashing, the fake index)\n", sec(floor))
	if cfg.sequential {
		fmt.Fprintf(tw, "sequential\t%s\tmeasured at concurrency 1; %d requests × %v = %s\n", sec(seq), requests, cfg.latency, sec(seqTheory))
		fmt.Fprintf(tw, "speed-up\t%.1f×\tsequential / wall\n", float64(seq)/float64(wall))
	} else {
		fmt.Fprintf(tw, "sequential\t%s\tnot measured (-sequential=false): %d requests × %v\n", sec(seqTheory), requests, cfg.latency)
		fmt.Fprintf(tw, "speed-up\t%.1f×\tsequential (computed) / wall\n", float64(seqTheory)/float64(wall))
	}
	fmt.Fprintf(tw, "peak in flight\t%d\tat the fake index; the client allows %d\n", peak, cfg.concurrency)
	tw.Flush()
	fmt.Fprintf(stdout, "\n%s: wall/bound %.2f (target ≤ %.2f)\n", verdict, ratio, cfg.target)
	if verdict != "PASS" {
		return exitSlow
	}
	return exitOK
}

// criticalPath is the bound for perfect overlap: n requests of latency l
// through c slots take at least n×l/c, and no package can finish faster
// than its own chain of dependent requests — the release document, then
// (for every file, in parallel) the provenance and the download: 2×l. Time
// spent on the CPU and on the wire is taken as zero, so the bound is
// optimistic by the floor the benchmark also prints.
func criticalPath(n int, l time.Duration, c int) time.Duration {
	overlap := time.Duration(int64(n) * int64(l) / int64(c))
	return max(overlap, 2*l)
}

// audit runs one engine audit over w with a fresh client (cold connections,
// as a real run has) and returns its wall time.
func audit(ctx context.Context, w *world, conc int) (time.Duration, *verify.Report) {
	return auditWith(ctx, w, conc, nil)
}

// auditWith is audit under policy pol (nil: the built-in default).
func auditWith(ctx context.Context, w *world, conc int, pol *policy.Policy) (time.Duration, *verify.Report) {
	c, err := pypi.NewClient(pypi.Options{BaseURL: w.srv.URL(), Concurrency: conc, UserAgent: "pyverify-bench"})
	if err != nil {
		// The URL comes from httptest: this cannot fail, but never panic.
		return 0, &verify.Report{Packages: []verify.Package{{Name: "client", Problems: []verify.Problem{{Message: err.Error()}}}}}
	}
	e := verify.NewEngine(verify.Options{Index: c, Verifier: w.verifier, Concurrency: conc, Policy: pol})
	start := time.Now()
	rep := e.Audit(ctx, w.reqs)
	return time.Since(start), rep
}

// checkVerified fails unless every package came out verified and OK: a
// fast audit that verified nothing measures nothing.
func checkVerified(rep *verify.Report) error {
	var bad []string
	for _, p := range rep.Packages {
		if p.Evidence == verify.Verified && p.OK {
			continue
		}
		msg := fmt.Sprintf("%s: %s", p.Name, p.Evidence)
		for _, f := range p.Files {
			for _, q := range f.AllProblems() {
				msg += "; " + q.Message
			}
		}
		for _, q := range p.Problems {
			msg += "; " + q.Message
		}
		bad = append(bad, msg)
	}
	if len(bad) == 0 {
		return nil
	}
	if len(bad) > 5 {
		bad = append(bad[:5], fmt.Sprintf("… and %d more", len(bad)-5))
	}
	return fmt.Errorf("%d of %d packages not verified:\n\t%s", len(bad), len(rep.Packages), strings.Join(bad, "\n\t"))
}

// startCPUProfile profiles the process into path; the returned function
// stops it (stopping twice is harmless) and closes the file.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-cpuprofile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("-cpuprofile %s: %w", path, err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func sec(d time.Duration) string { return fmt.Sprintf("%.3fs", d.Seconds()) }

func secs(ds []time.Duration) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = sec(d)
	}
	return strings.Join(out, " ")
}

func formatSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
