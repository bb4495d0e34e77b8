package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// The -rss artifact's coordinates on the streaming index.
const (
	bigProject  = "bigartifact"
	bigVersion  = "1.0"
	bigFilename = "bigartifact-1.0-py3-none-any.whl"
)

// bigSeed seeds the generator of the -rss artifact's bytes.
var bigSeed = [32]byte{'o', 'n', 'e', ' ', 'g', 'i', 'b'}

// artifactReader returns the -rss artifact's bytes: size bytes of ChaCha8
// output, the same on every call, produced as they are read so that no copy
// of the artifact ever exists in memory.
func artifactReader(size int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8(bigSeed), size)
}

// bigIndex is a minimal Warehouse for one release of one file whose bytes
// are streamed from artifactReader: pypitest's Model holds []byte content,
// which would itself put the artifact in memory. It answers the JSON API
// release document, the Integrity API provenance and the file.
type bigIndex struct {
	size    int64
	sha256  string
	prov    []byte
	latency time.Duration
	base    string // the server's URL, set once it listens
}

func (b *bigIndex) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if b.latency > 0 {
		t := time.NewTimer(b.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch r.URL.Path {
	case "/pypi/" + bigProject + "/" + bigVersion + "/json":
		size := b.size
		doc, err := json.Marshal(map[string]any{
			"info": map[string]any{"name": bigProject, "version": bigVersion, "yanked": false, "yanked_reason": nil},
			"urls": []map[string]any{{
				"filename":             bigFilename,
				"url":                  b.base + "/files/" + bigProject + "/" + bigVersion + "/" + bigFilename,
				"packagetype":          "bdist_wheel",
				"size":                 size,
				"digests":              map[string]string{"sha256": b.sha256},
				"requires_python":      nil,
				"yanked":               false,
				"yanked_reason":        nil,
				"upload_time_iso_8601": "2024-11-06T22:37:09.000000Z",
			}},
			"vulnerabilities": []any{},
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	case "/simple/" + bigProject + "/":
		w.Header().Set("Content-Type", pypi.SimpleMediaType)
		_, _ = w.Write([]byte(`{"meta": {"api-version": "1.3"}, "name": "` + bigProject + `", "versions": ["` + bigVersion + `"], "files": []}`))
	case "/integrity/" + bigProject + "/" + bigVersion + "/" + bigFilename + "/provenance":
		w.Header().Set("Content-Type", pypi.IntegrityMediaType)
		_, _ = w.Write(b.prov)
	case "/files/" + bigProject + "/" + bigVersion + "/" + bigFilename:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(b.size, 10))
		buf := make([]byte, 64<<10)
		_, _ = io.CopyBuffer(w, artifactReader(b.size), buf)
	default:
		http.NotFound(w, r)
	}
}

// runRSS audits one artifact of cfg.rssSize and reports the peak resident
// set size against cfg.rssTarget (SPEC §9: memory bounded by concurrency,
// not artifact size). The index runs in this process, so its buffers count
// against the peak too: the figure is an upper bound for the engine alone.
func runRSS(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "bench: hashing the %s artifact once, streaming…\n", formatSize(cfg.rssSize))
	hashStart := time.Now()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, artifactReader(cfg.rssSize), make([]byte, 64<<10)); err != nil {
		fmt.Fprintf(stderr, "bench: hashing the artifact: %v\n", err)
		return exitBroken
	}
	hashTime := time.Since(hashStart)
	sum := hex.EncodeToString(h.Sum(nil))

	sig, verifier, err := newSigstore()
	if err != nil {
		fmt.Fprintf(stderr, "bench: setup: %v\n", err)
		return exitBroken
	}
	prov, err := sig.MintProvenance(bigFilename, sum, []byte(`{"kind":"GitHub","repository":"acme/bigartifact","workflow":"release.yml"}`))
	if err != nil {
		fmt.Fprintf(stderr, "bench: minting provenance for %s: %v\n", bigFilename, err)
		return exitBroken
	}
	idx := &bigIndex{size: cfg.rssSize, sha256: sum, prov: prov, latency: cfg.latency}
	srv := httptest.NewServer(idx)
	defer srv.Close()
	idx.base = srv.URL

	req, err := pypi.ParseRequirement(bigProject + "==" + bigVersion)
	if err != nil {
		fmt.Fprintf(stderr, "bench: requirement: %v\n", err)
		return exitBroken
	}
	client, err := pypi.NewClient(pypi.Options{BaseURL: srv.URL, Concurrency: cfg.concurrency, UserAgent: "pyverify-bench"})
	if err != nil {
		fmt.Fprintf(stderr, "bench: client: %v\n", err)
		return exitBroken
	}
	engine := verify.NewEngine(verify.Options{Index: client, Verifier: verifier, Concurrency: cfg.concurrency})

	// Drop what setup left behind (the sigstore's keys, minting garbage)
	// and restart the high-water mark, so that the peak is the audit's.
	runtime.GC()
	debug.FreeOSMemory()
	before, _ := procStatus("VmRSS")
	startHWM, _ := procStatus("VmHWM")
	reset := resetPeakRSS()

	fmt.Fprintf(stderr, "bench: auditing %s (%s)…\n", bigFilename, formatSize(cfg.rssSize))
	start := time.Now()
	rep := engine.Audit(ctx, []pypi.Requirement{req})
	wall := time.Since(start)
	peak, err := procStatus("VmHWM")
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if err := checkVerified(rep); err != nil {
		fmt.Fprintf(stderr, "bench: audit: %v\n", err)
		return exitBroken
	}
	if len(rep.Packages) != 1 || len(rep.Packages[0].Files) != 1 || rep.Packages[0].Files[0].Bytes != verify.BytesDownloaded {
		fmt.Fprintf(stderr, "bench: audit: %s was not downloaded\n", bigFilename)
		return exitBroken
	}

	verdict := "PASS"
	if peak >= cfg.rssTarget {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "pyverify peak RSS benchmark: one %s artifact, streamed, attested, +%v per response, concurrency %d\n\n",
		formatSize(cfg.rssSize), cfg.latency, cfg.concurrency)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "peak RSS (VmHWM)\t%s\ttarget < %s: %s\n", mib(peak), mib(cfg.rssTarget), verdict)
	if reset {
		fmt.Fprintf(tw, "RSS before audit\t%s\tafter setup and GC; high-water mark reset via /proc/self/clear_refs (was %s)\n", mib(before), mib(startHWM))
	} else {
		fmt.Fprintf(tw, "RSS before audit\t%s\t/proc/self/clear_refs not writable: peak includes setup\n", mib(before))
	}
	fmt.Fprintf(tw, "Go heap in use\t%s\tafter the audit (runtime.MemStats.HeapInuse); Sys %s\n", mib(int64(ms.HeapInuse)), mib(int64(ms.Sys)))
	fmt.Fprintf(tw, "audit wall\t%s\t%.0f MiB/s through download, sha256 and verification\n", sec(wall), float64(cfg.rssSize)/(1<<20)/wall.Seconds())
	fmt.Fprintf(tw, "hash once\t%s\tthe setup's own streaming sha256 of the generator, for comparison\n", sec(hashTime))
	fmt.Fprintf(tw, "includes\t\tthe in-process fake index (64 KiB copy buffer) and the Go runtime\n")
	tw.Flush()
	fmt.Fprintf(stdout, "\n%s: peak RSS %s (target < %s)\n", verdict, mib(peak), mib(cfg.rssTarget))
	if verdict != "PASS" {
		return exitSlow
	}
	return exitOK
}

// resetPeakRSS restarts the kernel's VmHWM for this process (writing "5"
// to clear_refs, Linux ≥ 4.0); it reports whether that worked.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// procStatus returns a "kB" field of /proc/self/status in bytes.
func procStatus(field string) (int64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("reading peak RSS: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/self/status %s: %q: %w", field, rest, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("/proc/self/status: no %s field", field)
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
