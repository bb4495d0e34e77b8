package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// rerun is one audit of the -rerun sequence and what it cost.
type rerun struct {
	name  string
	wall  time.Duration
	cpu   time.Duration // user + system time of the process
	stats pypitest.Stats
	bound time.Duration // the round trips it must make, perfectly overlapped
}

// runRerun measures a CI gate re-auditing an unchanged lock (issue #13):
// in one run, on one cache, a cold audit; a warm one within the documents'
// max-age; a warm one after it (the client's clock moved past max-age, so
// every document is revalidated); and an --offline one. It reports walls
// relative to cold and what each cost the index, against the issue's
// targets.
func runRerun(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "bench: minting %d attested files…\n", cfg.packages*cfg.files)
	w, err := newWorld(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "bench: setup: %v\n", err)
		return exitBroken
	}
	defer w.srv.Close()
	w.srv.SetLatency(cfg.latency)
	w.srv.SetMaxAge(cfg.maxAge)
	dir, err := os.MkdirTemp("", "pyverify-bench-cache-")
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	defer os.RemoveAll(dir)

	var skew atomic.Int64 // the client's clock ahead of the real one
	now := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	// Metadata documents per audit: each package's release document and
	// simple page, and each file's provenance.
	docs := cfg.packages * (2 + cfg.files)
	steps := []struct {
		name    string
		skew    time.Duration
		offline bool
		bound   time.Duration
	}{
		{"cold", 0, false, criticalPath(cfg.packages*(2+2*cfg.files), cfg.latency, cfg.concurrency)},
		{"warm, within max-age", 0, false, 0},
		{"warm, after max-age", cfg.maxAge + time.Minute, false, criticalPath(docs, cfg.latency, cfg.concurrency)},
		{"--offline", 0, true, 0},
	}
	var runs []rerun
	for i, st := range steps {
		fmt.Fprintf(stderr, "bench: %s audit…\n", st.name)
		skew.Store(int64(st.skew))
		c, err := pypi.NewClient(pypi.Options{BaseURL: w.srv.URL(), Concurrency: cfg.concurrency, UserAgent: "pyverify-bench",
			CacheDir: dir, Offline: st.offline, Now: now})
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		// The same cache directory holds the verification cache, as
		// pyverify's --cache-dir does: warm runs reuse what cold ones
		// verified.
		e := verify.NewEngine(verify.Options{Index: c, Verifier: w.verifier, Concurrency: cfg.concurrency,
			VerifyCacheDir: filepath.Join(dir, "verify")})
		stop := func() {}
		if cfg.cpuprofile != "" && i == 1 { // the warm run: what a verification cache would save
			if stop, err = startCPUProfile(cfg.cpuprofile); err != nil {
				fmt.Fprintf(stderr, "bench: %v\n", err)
				return exitBroken
			}
		}
		before, cpu0 := w.srv.Stats(), cpuTime()
		start := time.Now()
		rep := e.Audit(ctx, w.reqs)
		r := rerun{name: st.name, wall: time.Since(start), cpu: cpuTime() - cpu0, bound: st.bound}
		stop()
		if err := checkVerified(rep); err != nil {
			fmt.Fprintf(stderr, "bench: %s audit: %v\n", st.name, err)
			return exitBroken
		}
		after := w.srv.Stats()
		r.stats = pypitest.Stats{Requests: after.Requests - before.Requests, Conditional: after.Conditional - before.Conditional,
			NotModified: after.NotModified - before.NotModified, Files: after.Files - before.Files}
		runs = append(runs, r)
	}

	cold, within, stale, offline := runs[0], runs[1], runs[2], runs[3]
	rel := func(r rerun) float64 { return float64(r.wall) / float64(cold.wall) }
	ok304 := stale.stats.Conditional == docs && stale.stats.Requests == docs && float64(stale.stats.NotModified) >= 0.9*float64(docs)
	fresh := within.stats.Requests == 0 && offline.stats.Requests == 0
	noDownload := within.stats.Files == 0 && stale.stats.Files == 0 && offline.stats.Files == 0
	fast := rel(within) <= cfg.rerunTarget && rel(offline) <= cfg.rerunTarget

	fmt.Fprintf(stdout, "pyverify re-run benchmark: %d packages × %d files × %s, +%v per response, concurrency %d, max-age %v\n\n",
		cfg.packages, cfg.files, formatSize(cfg.size), cfg.latency, cfg.concurrency, cfg.maxAge)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\twall\t/ cold\tCPU\trequests\tconditional\t304\tdownloads\tround-trip bound\twall / bound\t")
	for _, r := range runs {
		bound, ratio := "-", "-"
		if r.bound > 0 {
			bound, ratio = sec(r.bound), fmt.Sprintf("%.2f", float64(r.wall)/float64(r.bound))
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f%%\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t\n", r.name, sec(r.wall), 100*rel(r), sec(r.cpu),
			r.stats.Requests, r.stats.Conditional, r.stats.NotModified, r.stats.Files, bound, ratio)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "\n%d metadata documents per audit (%d packages × (release document + simple page + %d provenance)).\n", docs, cfg.packages, cfg.files)
	fmt.Fprintf(stdout, "The CPU column is the process's; warm runs reuse the verification cache (verify/ in the same directory) instead of verifying signatures again.\n\n")
	check := func(pass bool, what string) string {
		if pass {
			return "PASS: " + what
		}
		return "FAIL: " + what
	}
	fmt.Fprintln(stdout, check(fresh, "no request within max-age nor --offline"))
	fmt.Fprintln(stdout, check(noDownload, "no artifact downloaded again by a warm run"))
	fmt.Fprintln(stdout, check(ok304, fmt.Sprintf("after max-age every document conditional (%d/%d), ≥ 90%% answered 304 (%d)", stale.stats.Conditional, docs, stale.stats.NotModified)))
	fmt.Fprintln(stdout, check(fast, fmt.Sprintf("within max-age %.1f%% and --offline %.1f%% of the cold wall (target ≤ %.0f%%)", 100*rel(within), 100*rel(offline), 100*cfg.rerunTarget)))
	switch {
	case !fresh || !noDownload || !ok304:
		return exitBroken
	case !fast:
		return exitSlow
	}
	return exitOK
}

// cpuTime is the user and system time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
