package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/pyverify/pyverify/pypi"
)

// childStats is what one run of the pyverify binary cost.
type childStats struct {
	peak int64         // peak RSS (getrusage maxrss)
	cpu  time.Duration // user + system
	wall time.Duration
	exit int
}

// runChild runs bin with args in dir, its report discarded, through the
// helper h (see rssHelper).
func runChild(h *rssHelper, dir, bin string, args []string) (childStats, error) {
	return h.run(helperJob{Dir: dir, Bin: bin, Args: args})
}

// helperJob is one pyverify run the helper makes; helperResult its cost.
type helperJob struct {
	Dir, Bin string
	Args     []string
}

type helperResult struct {
	Peak, CPU, Wall int64
	Exit            int
	Stderr, Err     string
}

// rssHelper is a small copy of the bench process, started before the bench
// grows, that starts the pyverify runs. Linux charges a child started with
// vfork (as Go's os/exec does) the high-water RSS of the process it was
// forked from: measured from the bench itself, with its index of 20,000
// packages in memory, every run would show at least the bench's size.
type rssHelper struct {
	cmd   *exec.Cmd
	stdin io.Closer
	in    *json.Encoder
	out   *json.Decoder
}

// startRSSHelper re-executes this program as the helper.
func startRSSHelper(ctx context.Context) (*rssHelper, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-rss-helper")
	cmd.Stderr = os.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &rssHelper{cmd: cmd, stdin: w, in: json.NewEncoder(w), out: json.NewDecoder(r)}, nil
}

func (h *rssHelper) run(j helperJob) (childStats, error) {
	if err := h.in.Encode(j); err != nil {
		return childStats{}, fmt.Errorf("rss helper: %w", err)
	}
	var res helperResult
	if err := h.out.Decode(&res); err != nil {
		return childStats{}, fmt.Errorf("rss helper: %w", err)
	}
	switch {
	case res.Err != "":
		return childStats{}, errors.New(res.Err)
	case res.Exit == 2:
		return childStats{}, fmt.Errorf("pyverify exited 2: %s", strings.TrimSpace(res.Stderr))
	}
	return childStats{peak: res.Peak, cpu: time.Duration(res.CPU), wall: time.Duration(res.Wall), exit: res.Exit}, nil
}

func (h *rssHelper) close() {
	h.stdin.Close() // the helper's loop ends
	_ = h.cmd.Wait()
}

// serveRSSHelper is the helper's main loop: a job per line on stdin, its
// result per line on stdout.
func serveRSSHelper(stdin io.Reader, stdout io.Writer) int {
	dec, enc := json.NewDecoder(stdin), json.NewEncoder(stdout)
	for {
		var j helperJob
		if err := dec.Decode(&j); err != nil {
			return exitOK // the bench closed stdin
		}
		_ = enc.Encode(helperRun(j))
	}
}

func helperRun(j helperJob) helperResult {
	cmd := exec.Command(j.Bin, j.Args...)
	cmd.Dir = j.Dir
	cmd.Stdout = io.Discard
	var errOut strings.Builder
	cmd.Stderr = &errOut
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return helperResult{Err: err.Error()}
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return helperResult{Err: "no resource usage for the child on this system"}
	}
	return helperResult{Peak: ru.Maxrss << 10, CPU: ru.Utime.Nano() + ru.Stime.Nano(), Wall: int64(wall), // Linux: maxrss in KiB
		Exit: cmd.ProcessState.ExitCode(), Stderr: errOut.String()}
}

// manyRelease is what manyServer serves for one project.
type manyRelease struct {
	doc, simple, prov, content []byte
}

// manyServer is a minimal Warehouse for many one-file projects, every
// answer prepared up front: pypitest.Server looks projects up by scanning
// them, which at 20,000 projects costs the bench more CPU than the audit
// it measures.
type manyServer struct {
	releases map[string]*manyRelease // by request path
	latency  time.Duration
}

func (m *manyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if m.latency > 0 {
		t := time.NewTimer(m.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	rel, ok := m.releases[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/pypi/"):
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(rel.doc)
	case strings.HasPrefix(r.URL.Path, "/simple/"):
		w.Header().Set("Content-Type", pypi.SimpleMediaType)
		_, _ = w.Write(rel.simple)
	case strings.HasPrefix(r.URL.Path, "/integrity/"):
		if rel.prov == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", pypi.IntegrityMediaType)
		_, _ = w.Write(rel.prov)
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(rel.content)
	}
}

// manyIndex serves n projects of one small wheel each, the first attested
// of them with provenance minted up front (on every core) and served
// verbatim, as an index serves a stored document.
func manyIndex(n, attested int, latency time.Duration) (*httptest.Server, []byte, []string, error) {
	sig, _, err := newSigstore()
	if err != nil {
		return nil, nil, nil, err
	}
	ms := &manyServer{releases: map[string]*manyRelease{}, latency: latency}
	srv := httptest.NewServer(ms)
	rels := make([]*manyRelease, n)
	names := make([]string, n)
	reqs := make([]string, n)
	for i := range n {
		project := fmt.Sprintf("many%05d", i+1)
		filename := benchFilename(project, 0)
		rel := &manyRelease{content: []byte("the bytes of " + project + "\n")}
		sum := sha256.Sum256(rel.content)
		doc, err := json.Marshal(map[string]any{
			"info": map[string]any{"name": project, "version": "1.0", "yanked": false, "yanked_reason": nil},
			"urls": []map[string]any{{
				"filename": filename, "url": srv.URL + "/files/" + project + "/" + filename,
				"packagetype": "bdist_wheel", "size": len(rel.content),
				"digests":         map[string]string{"sha256": hex.EncodeToString(sum[:])},
				"requires_python": nil, "yanked": false, "yanked_reason": nil,
				"upload_time_iso_8601": "2024-11-06T22:37:09.000000Z",
			}},
			"vulnerabilities": []any{},
		})
		if err != nil {
			srv.Close()
			return nil, nil, nil, err
		}
		rel.doc = doc
		rel.simple = []byte(`{"meta": {"api-version": "1.3"}, "name": "` + project + `", "versions": ["1.0"], "files": []}`)
		for _, p := range []string{"/pypi/" + project + "/1.0/json", "/simple/" + project + "/",
			"/integrity/" + project + "/1.0/" + filename + "/provenance", "/files/" + project + "/" + filename} {
			ms.releases[p] = rel
		}
		rels[i], names[i], reqs[i] = rel, filename, project+"==1.0"
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan int)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				sum := sha256.Sum256(rels[i].content)
				prov, err := sig.MintProvenance(names[i], hex.EncodeToString(sum[:]), []byte(`{"kind":"GitHub","repository":"acme/many","workflow":"release.yml"}`))
				mu.Lock()
				if err != nil && first == nil {
					first = fmt.Errorf("minting provenance for %s: %w", names[i], err)
				}
				mu.Unlock()
				rels[i].prov = prov
			}
		})
	}
	for i := range min(attested, n) {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		srv.Close()
		return nil, nil, nil, first
	}
	return srv, sig.TrustedRootJSON(), reqs, nil
}

// runMany measures the pyverify binary auditing cfg.many packages (issue
// #13): the peak RSS per report format against the target (the report is
// streamed for json and jsonl), the CPU per package of a cold run, and a
// warm re-run with and without the verification cache.
func runMany(ctx context.Context, cfg config, stdout, stderr io.Writer) int {
	helper, err := startRSSHelper(ctx) // first, while this process is small
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	defer helper.close()
	dir, err := os.MkdirTemp("", "pyverify-bench-many-")
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	defer os.RemoveAll(dir)
	bin, err := buildPyverify(ctx, cfg, dir, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	attested := min(cfg.manyAttested, cfg.many)
	fmt.Fprintf(stderr, "bench: minting %d attested files of %d…\n", attested, cfg.many)
	srv, rootJSON, reqs, err := manyIndex(cfg.many, attested, cfg.manyLatency)
	if err != nil {
		fmt.Fprintf(stderr, "bench: setup: %v\n", err)
		return exitBroken
	}
	defer srv.Close()
	root := filepath.Join(dir, "trusted_root.json")
	reqFile := filepath.Join(dir, "requirements.txt")
	if err := errors.Join(os.WriteFile(root, rootJSON, 0o644),
		os.WriteFile(reqFile, []byte(strings.Join(reqs, "\n")+"\n"), 0o644)); err != nil {
		fmt.Fprintf(stderr, "bench: %v\n", err)
		return exitBroken
	}
	base := []string{"audit", "-r", reqFile, "--trusted-root", root, "-q", "--index-url", srv.URL, "--concurrency", fmt.Sprint(cfg.concurrency)}
	run := func(what string, args ...string) (childStats, error) {
		fmt.Fprintf(stderr, "bench: %s…\n", what)
		st, err := runChild(helper, dir, bin, append(append([]string{}, base...), args...))
		if err == nil && st.exit != 0 {
			err = fmt.Errorf("%s: pyverify exited %d, want 0", what, st.exit)
		}
		return st, err
	}

	type row struct {
		name string
		st   childStats
	}
	var rows []row
	var formats [][]string
	for _, f := range strings.Split(cfg.manyFormats, ",") {
		switch f = strings.TrimSpace(f); f {
		case "json", "jsonl":
			formats = append(formats, []string{"--format", f, "-o", "report." + f})
		case "":
		default:
			formats = append(formats, []string{"--format", f})
		}
	}
	var jsonPeak int64
	for _, f := range formats {
		name := "cold, --no-cache, " + strings.Join(f, " ")
		st, err := run(name, append([]string{"--no-cache"}, f...)...)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		rows = append(rows, row{name, st})
		if f[1] == "json" {
			jsonPeak = st.peak
			if err := checkManyReport(filepath.Join(dir, "report.json"), reqs); err != nil {
				fmt.Fprintf(stderr, "bench: %v\n", err)
				return exitBroken
			}
		}
	}
	var warm, noVerify childStats
	if cfg.manyCache {
		cache := filepath.Join(dir, "cache")
		cached := []string{"--cache-dir", cache, "--format", "json", "-o", "report.json"}
		fill, err := run("cold, filling the cache", cached...)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		rows = append(rows, row{"cold, filling --cache-dir, --format json -o", fill})
		warm, err = run("warm, with the verification cache", cached...)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		rows = append(rows, row{"warm, artifact + verification cache", warm})
		if err := os.RemoveAll(filepath.Join(cache, "verify")); err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		noVerify, err = run("warm, without the verification cache", cached...)
		if err != nil {
			fmt.Fprintf(stderr, "bench: %v\n", err)
			return exitBroken
		}
		rows = append(rows, row{"warm, artifact cache only (verify/ removed)", noVerify})
	}
	verdict := "PASS"
	if jsonPeak == 0 {
		verdict = "n/a (json not measured)"
	} else if jsonPeak > cfg.manyTarget {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "pyverify many-packages benchmark (issue #13): %d packages × 1 wheel, %d of them attested, +%v per response, concurrency %d; the pyverify binary's peak RSS (getrusage maxrss) and CPU (user + system)\n\n",
		cfg.many, attested, cfg.manyLatency, cfg.concurrency)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "run\tpeak RSS\tCPU\tCPU/package\twall\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0fµs\t%s\n", r.name, mib(r.st.peak), sec(r.st.cpu), float64(r.st.cpu.Microseconds())/float64(cfg.many), sec(r.st.wall))
	}
	tw.Flush()
	if cfg.manyCache {
		fmt.Fprintf(stdout, "\nverification cache: warm CPU %s with it, %s without (%.0f%% saved)\n",
			sec(warm.cpu), sec(noVerify.cpu), 100*(1-float64(warm.cpu)/float64(noVerify.cpu)))
	}
	fmt.Fprintf(stdout, "%s: --format json peak RSS %s (target ≤ %s)\n", verdict, mib(jsonPeak), mib(cfg.manyTarget))
	if verdict != "PASS" {
		return exitSlow
	}
	return exitOK
}

// checkManyReport reads the JSON report back, streaming, and checks that
// it lists every requirement once, in order, all verified or hash-only.
func checkManyReport(path string, reqs []string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var doc struct {
		Packages []struct{ Name, Evidence string }
		Summary  struct{ Packages, OK int }
	}
	if err := json.NewDecoder(bufio.NewReader(f)).Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Packages) != len(reqs) || doc.Summary.Packages != len(reqs) || doc.Summary.OK != len(reqs) {
		return fmt.Errorf("%s: %d packages, summary %d, %d ok; want %d", path, len(doc.Packages), doc.Summary.Packages, doc.Summary.OK, len(reqs))
	}
	for i, p := range doc.Packages {
		if want := strings.TrimSuffix(reqs[i], "==1.0"); p.Name != want {
			return fmt.Errorf("%s: package %d is %s, want %s", path, i, p.Name, want)
		}
	}
	return nil
}
