package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/pyverify/pyverify/policy"
)

// runContinuity measures what publisher continuity (issue #9) costs: every
// package has an earlier attested release (a wheel and an sdist), so each
// audit of 1.0 also fetches the project's simple page and the reference's
// two provenance documents, and verifies their attestations. The same
// audit with continuity = false is the baseline, in the same run.
func runContinuity(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "bench: minting %d attested files…\n", cfg.packages*(cfg.files+2))
	w, err := newWorld(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "bench: setup: %v\n", err)
		return exitBroken
	}
	defer w.srv.Close()
	off, err := policy.Parse("continuity-off.toml", []byte("continuity = false\n"))
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	measure := func(name string, pol *policy.Policy) (time.Duration, int, error) {
		var walls []time.Duration
		n := 0
		for i := range cfg.runs {
			fmt.Fprintf(stderr, "bench: %s %d/%d…\n", name, i+1, cfg.runs)
			before := len(w.srv.Requests())
			d, rep := auditWith(ctx, w, cfg.concurrency, pol)
			if err := checkVerified(rep); err != nil {
				return 0, 0, fmt.Errorf("%s: %w", name, err)
			}
			if pol == nil {
				for _, p := range rep.Packages {
					if p.Continuity == nil || p.Continuity.Status != policy.Same {
						return 0, 0, fmt.Errorf("%s: %s: continuity %+v, want same", name, p.Name, p.Continuity)
					}
				}
			}
			n = len(w.srv.Requests()) - before
			walls = append(walls, d)
		}
		return median(walls), n, nil
	}
	offWall, offReqs, err := measure("continuity off", off)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	onWall, onReqs, err := measure("continuity on", nil)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	per := func(n int) float64 { return float64(n) / float64(cfg.packages) }
	fmt.Fprintf(stdout, "publisher continuity benchmark: %d packages × %d files × %s, each with an earlier attested release, +%v per response, concurrency %d\n\n",
		cfg.packages, cfg.files, formatSize(cfg.size), cfg.latency, cfg.concurrency)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "continuity off\t%s\t%d requests (%.1f per package)\n", sec(offWall), offReqs, per(offReqs))
	fmt.Fprintf(tw, "continuity on\t%s\t%d requests (%.1f per package): the simple page and the reference's provenance (a wheel, an sdist)\n", sec(onWall), onReqs, per(onReqs))
	fmt.Fprintf(tw, "cost\t%+.0f%% wall\t%+.1f requests per package, overlapped with the package's own work\n",
		100*(float64(onWall)/float64(offWall)-1), per(onReqs-offReqs))
	tw.Flush()
	return exitOK
}
