package verify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/sync/semaphore"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
)

// Index is what the engine needs from a Warehouse-compatible index. It is
// declared here, by its consumer, so that engine tests can use in-memory
// fakes; *pypi.Client satisfies it.
type Index interface {
	Project(ctx context.Context, project string) (*pypi.Project, error)
	Release(ctx context.Context, project, version string) (*pypi.Release, error)
	Provenance(ctx context.Context, project, version, filename string) ([]byte, error)
	Download(ctx context.Context, f pypi.File, w io.Writer) (pypi.Fetched, error)
	Simple(ctx context.Context, project string) (*pypi.SimpleProject, error)
}

// Options configures an Engine.
type Options struct {
	Index    Index          // required by Audit; Verify uses it only when no provenance file is given
	Verifier *Verifier      // required
	Policy   *policy.Policy // nil = policy.Default()
	// Concurrency bounds the packages worked on at once (goroutines and
	// memory). Requests in flight are bounded separately, by the index
	// client. 0 = 16.
	Concurrency int
	// NoDownload verifies attestations against the index's digest instead
	// of recomputed bytes (SPEC §2 --no-download).
	NoDownload bool
	// FlagUnpinned reports requirements without ==/=== as not-pinned
	// (audit); ad hoc lookups (check) leave it off.
	FlagUnpinned bool
	// Target narrows the audit to one environment (issue #11): only the
	// files it could install are checked, and a requirement whose marker
	// is false there is not applicable. nil = every file, markers not
	// evaluated.
	Target *pypi.Target
	// Now is the clock for policy expiry; nil = time.Now.
	Now func() time.Time
	// OnProgress is called after each package finishes; it must be safe for
	// concurrent calls.
	OnProgress func(done, total int)
	// ClosureEnv, when set, is the marker environment of the target the
	// audit is for: each audited release's dependencies, evaluated in it,
	// must be in the audited set (issue #11, policy require-complete). nil
	// = dependencies are not examined.
	ClosureEnv *pypi.Environment
	// Keep, when set, is given the bytes of every file the engine
	// downloads and hashes (from the index or the cache), as they are
	// hashed, so that exactly the checked bytes can be kept (pyverify
	// download); the engine closes the writer when the download ends. A
	// file whose writer cannot be had or written is error. Unused with
	// NoDownload.
	Keep func(project, version string, f pypi.File) (io.WriteCloser, error)
	// VerifyCacheDir is the verification cache's directory (issue #13,
	// vcache.go); "" = none (--no-cache).
	VerifyCacheDir string
	// Window bounds the finished packages AuditStream holds while an
	// earlier one is still being checked (issue #13); 0 = 8 × Concurrency.
	Window int
}

// Engine runs the checks of SPEC §4 for many packages concurrently.
type Engine struct {
	o Options
	// files bounds the files being checked at once across all packages:
	// each holds its provenance (up to pypi.MaxProvenanceSize) and a
	// download in progress, so this, not the releases' file counts, is what
	// bounds memory (SPEC §9). Twice the request limit keeps every request
	// slot busy: a file has its provenance and its download in flight.
	files *semaphore.Weighted
	// provenance bounds the provenance documents being fetched and decoded
	// at once. Each may be pypi.MaxProvenanceSize whatever it holds (issue
	// #8), while real ones are a few KB and quick, so half the request
	// slots keep them flowing and bound what a hostile index can make the
	// run hold.
	provenance *semaphore.Weighted
	// env and tags are Options.Target's marker environment and tag set,
	// computed once.
	env    pypi.Environment
	tags   map[pypi.WheelTag]bool
	vcache *vcache // nil: every attestation is verified
}

// NewEngine returns an engine with o's defaults filled in.
func NewEngine(o Options) *Engine {
	if o.Policy == nil {
		o.Policy = policy.Default()
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 16
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Window <= 0 {
		o.Window = 8 * o.Concurrency
	}
	e := &Engine{o: o, files: semaphore.NewWeighted(int64(o.Concurrency) * 2),
		provenance: semaphore.NewWeighted(int64(max(1, o.Concurrency/2)))}
	if o.VerifyCacheDir != "" && o.Verifier != nil {
		e.vcache = &vcache{dir: o.VerifyCacheDir, root: o.Verifier.tr.digest}
	}
	if o.Target != nil {
		e.env = o.Target.Environment()
		e.tags = map[pypi.WheelTag]bool{}
		for _, t := range o.Target.Tags() {
			e.tags[t] = true
		}
	}
	return e
}

// Audit checks every requirement against the index and the policy. It
// returns no error: every failure is a value inside the report, each
// requirement appears exactly once and in input order, and a cancelled ctx
// marks unfinished packages as error (SPEC §7, §9).
func (e *Engine) Audit(ctx context.Context, reqs []pypi.Requirement) *Report {
	pkgs := make([]Package, 0, len(reqs))
	// Every package is kept anyway: no window, so that a slow package
	// never holds up the start of later ones.
	r := e.auditStream(ctx, reqs, len(reqs), func(_ int, p Package) { pkgs = append(pkgs, p) })
	r.Packages = pkgs
	return r
}

// AuditStream is Audit for reports too large to hold (issue #13): each
// package is handed to sink once, in input order, as soon as it and every
// package before it are done, and is not kept. The returned report has the
// summary, the interruption and no Packages. sink is called from one
// goroutine at a time. At most a reorder window of packages
// (Window) is held while an earlier one is still being checked, so memory
// stays flat in the number of packages.
//
// With a dependency closure (ClosureEnv) each package is judged against
// all the others, so none is decided, and none handed on, before every
// one is checked: the packages are then collected as Audit does.
func (e *Engine) AuditStream(ctx context.Context, reqs []pypi.Requirement, sink func(i int, p Package)) *Report {
	if e.o.ClosureEnv != nil {
		r := e.Audit(ctx, reqs)
		for i, p := range r.Packages {
			sink(i, p)
		}
		r.Packages = nil
		return r
	}
	return e.auditStream(ctx, reqs, e.o.Window, sink)
}

func (e *Engine) auditStream(ctx context.Context, reqs []pypi.Requirement, window int, sink func(i int, p Package)) *Report {
	r := e.newReport()
	out := newOrderer(len(reqs), window, r, !e.o.NoDownload, sink)
	// With a closure, packages wait here for their decisions (AuditStream
	// never streams then, so the window holds every package).
	closure := e.o.ClosureEnv != nil
	var (
		cpkgs []Package
		cpend []*pending
	)
	if closure {
		cpkgs, cpend = make([]Package, len(reqs)), make([]*pending, len(reqs))
	}
	var (
		mu   sync.Mutex
		done int
	)
	finish := func() {
		if e.o.OnProgress == nil {
			return
		}
		mu.Lock() // held across the call, so counts arrive in order
		defer mu.Unlock()
		done++
		e.o.OnProgress(done, len(reqs))
	}
	// Several packages per request slot keep the client's limiter busy
	// while other packages wait on their metadata round trip.
	var g errgroup.Group
	g.SetLimit(e.o.Concurrency * 4)
	started := 0
	for i, req := range reqs {
		if out.wait(ctx) != nil {
			break // the sweep below reports the rest
		}
		started++
		g.Go(func() error {
			p, pd := e.auditOne(ctx, req)
			if ctx.Err() != nil && cutShort(p) {
				p, pd = e.unfinished(req, ctx.Err()), nil
			}
			finish()
			if closure {
				cpkgs[i], cpend[i] = p, pd
				return nil
			}
			e.settle(&p, pd, nil)
			out.put(i, p)
			return nil // one package's failure never cancels another's work
		})
	}
	_ = g.Wait()
	for i := started; i < len(reqs); i++ {
		if !closure {
			out.put(i, e.unfinished(reqs[i], ctx.Err()))
			continue
		}
		cpkgs[i] = e.unfinished(reqs[i], ctx.Err())
	}
	if closure {
		closures := e.closures(reqs, cpkgs, cpend)
		for i := range cpkgs {
			e.settle(&cpkgs[i], cpend[i], closures[i])
			out.put(i, cpkgs[i])
		}
	}
	e.finishReport(ctx, r)
	return r
}

// pending is what a package's policy decision waits for: the facts
// auditOne gathered, and with a target, the dependencies it declares,
// which are judged only once every package is known (issue #11).
type pending struct {
	yanked, pinned bool
	locked         []pypi.Publisher
	deps           []pypi.Requirement // declared dependencies (Requires-Dist)
	depsUnknown    string             // why deps could not be read; "" when read
	extras         []string           // the extras the requirement asks for
	marker         pypi.Marker        // the requirement's marker
	now            time.Time          // the instant the policy is read at
}

// settle applies the policy to a package auditOne left pending; nil
// means it was decided already (or never reached a decision).
func (e *Engine) settle(p *Package, pd *pending, c *policy.Closure) {
	if pd == nil {
		return
	}
	e.decide(p, pd.yanked, pd.pinned, pd.locked, c, pd.now)
}

// orderer hands packages that finish in any order to a sink in input
// order, holding at most window of them (issue #13's bounded reorder
// window): wait blocks the start of a package until the one window places
// before it has been handed on.
type orderer struct {
	mu     sync.Mutex
	next   int
	taken  int // slots taken by wait: packages started
	held   map[int]Package
	slots  *semaphore.Weighted
	report *Report
	sizes  bool // count the files' declared sizes into report.DownloadSize
	sink   func(int, Package)
}

func newOrderer(n, window int, r *Report, sizes bool, sink func(int, Package)) *orderer {
	return &orderer{held: map[int]Package{}, slots: semaphore.NewWeighted(int64(max(1, min(n, window)))), report: r, sizes: sizes, sink: sink}
}

// wait takes a slot of the window for the next package to start.
func (o *orderer) wait(ctx context.Context) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := o.slots.Acquire(ctx, 1); err != nil {
		return err
	}
	o.mu.Lock()
	o.taken++
	o.mu.Unlock()
	return nil
}

// put records package i and hands on every package now in order.
func (o *orderer) put(i int, p Package) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.held[i] = p
	for {
		q, ok := o.held[o.next]
		if !ok {
			return
		}
		delete(o.held, o.next)
		o.report.add(q, o.sizes)
		o.sink(o.next, q)
		if o.next < o.taken { // the sweep's packages never took a slot
			o.slots.Release(1)
		}
		o.next++
	}
}

// Header is the report before any package is checked: the index and the
// policy, which a streamed report writes first.
func (e *Engine) Header() *Report { return e.newReport() }

// newReport starts a report: the index and the policy, no packages yet.
func (e *Engine) newReport() *Report {
	r := &Report{Policy: e.o.Policy.Source, Target: e.o.Target}
	if c, ok := e.o.Index.(interface{ BaseURL() string }); ok {
		r.IndexURL = c.BaseURL()
	}
	return r
}

// finishReport marks r interrupted when ctx was cancelled.
func (e *Engine) finishReport(ctx context.Context, r *Report) {
	if r.Interrupted = ctx.Err() != nil; !r.Interrupted {
		r.Unfinished = 0
	}
}

// newPackage starts the result for requirement r.
func newPackage(r pypi.Requirement) Package {
	p := Package{
		Name:        r.Name,
		Requirement: r.Text,
		Marker:      r.Marker,
		Notes:       r.Notices,
	}
	if p.Name == "" { // a URL or path requirement that does not say its name
		p.Name = r.Text
	}
	p.Source = r.Position()
	if v, ok := r.Pinned(); ok {
		p.Version = v
	}
	if r.Installed != nil {
		p.Installed = newInstalled(r.Installed)
		if p.Version == "" {
			p.Version = r.Installed.Version
		}
	}
	return p
}

// unfinished is the result for a requirement whose work was cancelled
// before it completed.
func (e *Engine) unfinished(r pypi.Requirement, cause error) Package {
	p := newPackage(r)
	if why := e.notApplicable(r); why != "" {
		// Nothing was to be checked: the marker is known false.
		p.Evidence, p.NotApplicable = NotApplicable, why
		return p
	}
	msg := fmt.Sprintf("%s: not checked: %v", p.Name, cause)
	if cause == nil || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		msg = p.Name + interruptedSuffix
	}
	p.Evidence = Error
	p.Problems = []Problem{{Kind: Network, Message: msg}}
	return p
}

// interruptedSuffix ends the message of every problem that a cancelled
// context caused, so that cutShort can tell them from real answers.
const interruptedSuffix = ": not checked: interrupted"

// cutShort reports whether cancellation kept p from finishing. Such a
// package is summarised by unfinished in one problem, instead of one
// "interrupted" per request in flight; a definite failure is kept.
func cutShort(p Package) bool {
	if p.Evidence == Failed {
		return false
	}
	cut := func(ps []Problem) bool {
		return slices.ContainsFunc(ps, func(pr Problem) bool { return strings.HasSuffix(pr.Message, interruptedSuffix) })
	}
	if cut(p.Problems) {
		return true
	}
	return slices.ContainsFunc(p.Files, func(f File) bool { return cut(f.Problems) })
}

// auditOne runs SPEC §4 for one requirement. The policy decision is left
// pending when the release was reached; nil means there is none to make.
func (e *Engine) auditOne(ctx context.Context, r pypi.Requirement) (Package, *pending) {
	p := newPackage(r)
	if why := e.notApplicable(r); why != "" {
		p.Evidence = NotApplicable
		p.NotApplicable = why
		return p, nil
	}
	if r.Unsupported != "" {
		p.Evidence = Error
		p.Problems = append(p.Problems, Problem{Kind: UnsupportedRequirement,
			Message: fmt.Sprintf("%s: cannot be checked against the index: %s", r.Text, r.Unsupported)})
		return p, nil
	}
	version, pinned := r.Pinned()
	if !pinned {
		v, prob := e.resolve(ctx, r)
		if prob != nil {
			p.Evidence = Error
			p.Problems = append(p.Problems, *prob)
			return p, nil
		}
		version = v
		p.Version = v
		if e.o.FlagUnpinned {
			p.Problems = append(p.Problems, Problem{Kind: NotPinned,
				Message: fmt.Sprintf("%s%s is not pinned with == or ===: checked the newest matching release, %s", r.Name, r.Spec, v)})
		}
	}
	fetch := e.release
	arbitrary := strings.HasPrefix(strings.TrimSpace(r.Spec), "===")
	if arbitrary {
		fetch = e.o.Index.Release // arbitrary equality: the string as written, nothing else
	}
	// One instant for the policy: whether it asks for the history and how
	// it judges the package must not straddle an entry's expiry.
	now := e.o.Now()
	// The project's history (publisher continuity, issue #9) needs only
	// the version, so it is read while the release is: its round trips
	// overlap the package's own.
	var (
		hist    history
		histRun = e.o.Policy.ContinuityFor(r.Name, now)
		histWG  sync.WaitGroup
	)
	if histRun {
		histWG.Go(func() { hist = e.history(ctx, r.Name, version) })
	}
	defer histWG.Wait() // never leave it running past the package
	rel, err := fetch(ctx, r.Name, version)
	if err != nil {
		p.Evidence = Error
		prob := indexProblem(fmt.Sprintf("%s %s", r.Name, version), err)
		if prob.Kind == NotFound {
			prob.Message += e.existingVersions(ctx, r.Name)
		}
		p.Problems = append(p.Problems, prob)
		return p, nil
	}
	if prob := checkReleaseDocument(r.Name, version, arbitrary, rel); prob != nil {
		// Not the release that was asked for: nothing in it is evidence
		// about the request, so none of its files is fetched.
		p.Evidence = Failed
		p.Problems = append(p.Problems, *prob)
		e.decide(&p, false, pinned, r.AttestationIdentities, nil, now)
		return p, nil
	}
	p.Version = rel.Version
	if rel.Yanked {
		p.Problems = append(p.Problems, yankedProblem(r.Name, p.Version, rel.YankedReason))
	}
	if n := len(rel.Files); n > pypi.MaxReleaseFiles {
		// Each file is a download, a provenance fetch and a result held
		// until the report: a document listing ~100,000 would make memory
		// grow with what the index sends. Nothing is fetched.
		p.Evidence = Error
		p.Problems = append(p.Problems, Problem{Kind: IndexError, Message: fmt.Sprintf(
			"%s %s: the index lists %d files for this release, more than the %d pyverify checks in one release; none was checked",
			r.Name, p.Version, n, pypi.MaxReleaseFiles)})
		e.decide(&p, rel.Yanked, pinned, r.AttestationIdentities, nil, now)
		return p, nil
	}
	foreign, dups := bindFiles(r.Name, p.Version, arbitrary, rel)
	p.Problems = append(p.Problems, dups...)
	files, pinProblems := selectFiles(r, rel)
	bound := -1 // the wheel an installed distribution is bound to (issue #12)
	if r.Installed != nil {
		files, bound, p.Installed.Note = selectInstalled(r.Installed, rel)
		if bound >= 0 {
			p.Installed.Wheel = rel.Files[bound].Filename
		}
	}
	p.Problems = append(p.Problems, pinProblems...)
	if r.Installed == nil {
		files, p.SkippedFiles = e.targetFiles(rel, files, foreign)
	}
	var (
		wheelRecord []pypi.RecordEntry
		recordProb  *Problem
	)
	p.Files = make([]File, len(files))
	// Requests are bounded by the client and files in progress by
	// e.files; the limit bounds the goroutines waiting for them.
	var g errgroup.Group
	g.SetLimit(2 * e.o.Concurrency)
	for i, sel := range files {
		f := rel.Files[sel]
		if why, bad := foreign[sel]; bad {
			p.Files[i] = foreignFile(r.Name, p.Version, f, why)
			continue
		}
		g.Go(func() error {
			if err := e.files.Acquire(ctx, 1); err != nil {
				p.Files[i] = File{Filename: f.Filename, URL: f.URL, Size: f.Size, SHA256: f.SHA256, Evidence: Error, Bytes: BytesNotDownloaded,
					Problems: []Problem{indexProblem(f.Filename, err)}}
				return nil
			}
			defer e.files.Release(1)
			if sel == bound {
				p.Files[i], wheelRecord, recordProb = e.checkInstalledWheel(ctx, r.Name, p.Version, f, path.Base(r.Installed.DistInfo))
				return nil
			}
			p.Files[i], _ = e.checkFile(ctx, r.Name, p.Version, f, nil)
			return nil
		})
	}
	_ = g.Wait()
	histWG.Wait()
	if histRun {
		p.Continuity = continuity(r.Name, p.Version, hist, p.Files)
		if p.Continuity.Status == policy.Changed && e.confirm(ctx, &hist) {
			p.Continuity = continuity(r.Name, p.Version, hist, p.Files)
		}
	}

	for _, f := range p.Files {
		p.Evidence = Worst(p.Evidence, f.Evidence)
	}
	if len(pinProblems) > 0 || len(dups) > 0 {
		p.Evidence = Failed
	}
	if r.Installed != nil {
		e.bind(&p, r.Installed, wheelRecord, recordProb)
	}
	if p.Evidence == "" && len(p.SkippedFiles) > 0 {
		p.Evidence = Error
		p.Problems = append(p.Problems, noFileFits(r.Name, p.Version, e.o.Target, p.SkippedFiles))
	}
	if p.Evidence == "" {
		p.Evidence = Error
		p.Problems = append(p.Problems, Problem{Kind: IndexError,
			Message: fmt.Sprintf("%s %s: the index lists no files for this release", r.Name, p.Version)})
	}
	pd := &pending{yanked: rel.Yanked, pinned: pinned, locked: r.AttestationIdentities, extras: r.Extras, marker: r.ParsedMarker, now: now}
	if e.o.ClosureEnv != nil && r.ParsedMarker.EvaluateExtras(*e.o.ClosureEnv, nil) {
		pd.deps, pd.depsUnknown = e.dependencies(ctx, p, rel)
	}
	return p, pd
}

// resolve picks the newest non-yanked release that satisfies r's specifier
// (SPEC §3), as pip would: pre-releases only when the specifier names one
// or nothing else matches.
func (e *Engine) resolve(ctx context.Context, r pypi.Requirement) (string, *Problem) {
	proj, err := e.o.Index.Project(ctx, r.Name)
	if err != nil {
		prob := indexProblem(r.Name, err)
		return "", &prob
	}
	var cands []string
	for v, files := range proj.Releases {
		if len(files) == 0 || allYanked(files) {
			continue
		}
		cands = append(cands, v)
	}
	if len(cands) == 0 {
		return "", &Problem{Kind: NotFound,
			Message: fmt.Sprintf("%s: every release of %s is yanked or has no files", r.Text, r.Name)}
	}
	v, ok := r.Specifier.NewestString(cands, false)
	if !ok {
		return "", &Problem{Kind: NotFound,
			Message: fmt.Sprintf("%s: no release of %s satisfies %q", r.Text, r.Name, r.Spec)}
	}
	return v, nil
}

// release fetches the JSON API document of project's release version. SPEC
// §3: "==1.0 matches 1.0.0", and a distribution filename may spell its
// version otherwise than the index (2024.10.08 / 2024.10.8), but an index
// need not find a release under another spelling: when it answers not
// found, the project's release list gives the index's own spelling, and
// that is asked for instead. The original error stands when nothing
// matches.
func (e *Engine) release(ctx context.Context, project, version string) (*pypi.Release, error) {
	rel, err := e.o.Index.Release(ctx, project, version)
	if !errors.Is(err, pypi.ErrNotFound) {
		return rel, err
	}
	want, perr := pypi.ParseVersion(version)
	if perr != nil {
		return nil, err
	}
	proj, perr := e.o.Index.Project(ctx, project)
	if perr != nil {
		return nil, err // the release's own error reports the package
	}
	for spelled := range proj.Releases {
		if v, verr := pypi.ParseVersion(spelled); verr == nil && v.Equal(want) && spelled != version {
			return e.o.Index.Release(ctx, project, spelled)
		}
	}
	return nil, err
}

// shownVersions is how many versions a not-found names.
const shownVersions = 5

// existingVersions says, for a release the index does not have, what it
// has instead, as pip's "from versions: …" does: the newest few versions
// in PEP 440 order, or that there is no such project. It is "" when the
// project's listing cannot be had.
func (e *Engine) existingVersions(ctx context.Context, project string) string {
	proj, err := e.o.Index.Project(ctx, project)
	switch {
	case errors.Is(err, pypi.ErrNotFound):
		return "; the index has no project " + project
	case err != nil:
		return ""
	}
	type spelled struct {
		v pypi.Version
		s string
	}
	var vs []spelled
	for s := range proj.Releases {
		if v, err := pypi.ParseVersion(s); err == nil {
			vs = append(vs, spelled{v, s})
		}
	}
	if len(vs) == 0 {
		return "; the index lists no versions of " + project
	}
	slices.SortFunc(vs, func(a, b spelled) int { return a.v.Compare(b.v) })
	names := make([]string, 0, shownVersions)
	for _, v := range vs[max(0, len(vs)-shownVersions):] {
		names = append(names, v.s)
	}
	if len(vs) > shownVersions {
		return fmt.Sprintf("; the index has %d versions of %s, the newest %d: %s", len(vs), project, shownVersions, strings.Join(names, ", "))
	}
	return fmt.Sprintf("; the index has %s of %s: %s", plural(len(vs), "version"), project, strings.Join(names, ", "))
}

// plural is "1 version", "2 versions".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// yankedProblem reports a yanked release (PEP 592) with its reason.
func yankedProblem(name, version, reason string) Problem {
	msg := fmt.Sprintf("%s %s is yanked", name, version)
	if reason != "" {
		msg += ": " + reason
	}
	return Problem{Kind: Yanked, Message: msg}
}

func allYanked(files []pypi.File) bool {
	for _, f := range files {
		if !f.Yanked {
			return false
		}
	}
	return true
}

// selectFiles returns the indexes into rel.Files of the files to check
// (SPEC §3): with hashes, every listed entry whose sha256 is pinned (two
// entries of one name are both checked: the index chose which one a
// download would get), and a pin-not-published problem for every pin that
// matches no file; otherwise every file.
func selectFiles(r pypi.Requirement, rel *pypi.Release) ([]int, []Problem) {
	var (
		files []int
		probs []Problem
	)
	if len(r.Hashes) == 0 {
		for i := range rel.Files {
			files = append(files, i)
		}
		return files, nil
	}
	for i, f := range rel.Files {
		if slices.Contains(r.Hashes, f.SHA256) {
			files = append(files, i)
		}
	}
	for _, h := range r.Hashes {
		if !slices.ContainsFunc(rel.Files, func(f pypi.File) bool { return f.SHA256 == h }) {
			probs = append(probs, Problem{Kind: PinNotPublished,
				Message: fmt.Sprintf("%s %s: pinned hash sha256:%s matches no file the index publishes for this release", r.Name, rel.Version, h)})
		}
	}
	return files, probs
}

// checkFile runs SPEC §4 steps 1-5 for one file: the provenance fetch and
// the streamed download run in parallel, then the attestations are
// verified.
//
// With tee, the bytes are also written to it (and the download is made
// even with NoDownload); ok reports that bytes were hashed and match the
// index's digest, so that what tee holds is the file the index lists.
func (e *Engine) checkFile(ctx context.Context, project, version string, f pypi.File, tee *os.File) (out File, ok bool) {
	out = File{Filename: f.Filename, URL: f.URL, Size: f.Size, SHA256: f.SHA256, RequiresPython: f.RequiresPython, Bytes: BytesNotDownloaded}
	if !out.SHA256.Valid() {
		// pypi.Client parses every digest it decodes; another Index (a
		// fake) may not have.
		out.Evidence = Error
		out.Problems = append(out.Problems, Problem{Kind: IndexError,
			Message: fmt.Sprintf("%s: the index lists no valid sha256 digest for this file (got %q)", f.Filename, f.SHA256)})
		return out, false
	}
	var (
		prov      fetchedProvenance
		provProbs []Problem
		wg        sync.WaitGroup
	)
	wg.Go(func() { prov, provProbs = e.fetchProvenance(ctx, project, version, f.Filename, out.SHA256) })
	if !e.o.NoDownload || tee != nil {
		var (
			ev    Evidence
			probs []Problem
		)
		out.Bytes, ev, probs = e.download(ctx, project, version, f, tee)
		out.Evidence = Worst(out.Evidence, ev)
		out.Problems = append(out.Problems, probs...)
		ok = ev == ""
	}
	wg.Wait()
	if provProbs != nil {
		out.Evidence = Worst(out.Evidence, Error)
		out.Problems = append(out.Problems, provProbs...)
		return out, ok
	}
	fv, how := e.verify(f.Filename, out.SHA256, prov)
	out.Verification = how
	out.Evidence = Worst(out.Evidence, fv.Evidence)
	out.Attestations = fv.Attestations
	out.Problems = append(out.Problems, fv.Problems...)
	return out, ok
}

// download streams f through sha256 and compares it with the index's
// digest. It returns where the hashed bytes came from, and "" when they
// match, else the evidence and why.
func (e *Engine) download(ctx context.Context, project, version string, f pypi.File, tee *os.File) (Bytes, Evidence, []Problem) {
	w := newHashingWriter()
	var dst io.Writer = w
	if tee != nil {
		// Resettable: a damaged cache copy is refetched from the start.
		dst = &teeFile{w, tee}
	}
	if e.o.Keep == nil {
		return e.fetch(ctx, f, w, dst)
	}
	kw, err := e.o.Keep(project, version, f)
	if err != nil {
		return BytesNotDownloaded, Error, []Problem{{Kind: IndexError,
			Message: fmt.Sprintf("%s: cannot keep the file: %v", f.Filename, err)}}
	}
	// io.MultiWriter has no Reset method, so the client hashes a cached
	// copy before writing it: damaged cache bytes never reach kw.
	src, ev, probs := e.fetch(ctx, f, w, io.MultiWriter(dst, kw))
	if err := kw.Close(); err != nil && ev == "" {
		return src, Error, []Problem{{Kind: IndexError, Message: fmt.Sprintf("%s: cannot keep the file: %v", f.Filename, err)}}
	}
	return src, ev, probs
}

// fetch downloads f into dst, which includes the hashing writer w, and
// judges the digest.
func (e *Engine) fetch(ctx context.Context, f pypi.File, w *hashingWriter, dst io.Writer) (Bytes, Evidence, []Problem) {
	got, err := e.o.Index.Download(ctx, f, dst)
	src := BytesDownloaded
	if got.FromCache {
		src = BytesCache
	}
	switch {
	case errors.Is(err, pypi.ErrTooLarge):
		return src, Failed, []Problem{{Kind: DigestMismatch,
			Message: fmt.Sprintf("%s: the index served more bytes than the %d it declared; download cut off", f.Filename, f.Size)}}
	case errors.Is(err, pypi.ErrArtifactTooLarge):
		// The user's limit, not evidence about the file: not checked.
		return BytesNotDownloaded, Error, []Problem{{Kind: IndexError,
			Message: fmt.Sprintf("%s: not downloaded: the index declares %d bytes, more than --max-artifact-size allows (%v)", f.Filename, f.Size, err)}}
	case errors.Is(err, pypi.ErrTruncated):
		// Fewer bytes than declared: the file could not be checked, which
		// is an error (exit 3), never a pass and not proof of tampering.
		return BytesNotDownloaded, Error, []Problem{{Kind: Network,
			Message: fmt.Sprintf("%s: download truncated: got %d of the %d bytes the index declared", f.Filename, w.n, f.Size)}}
	case err != nil:
		return BytesNotDownloaded, Error, []Problem{indexProblem(f.Filename+": download", err)}
	}
	if got := w.sum(); got != f.SHA256 {
		return src, Failed, []Problem{{Kind: DigestMismatch,
			Message: fmt.Sprintf("%s: %s bytes hash to sha256:%s, but the index lists sha256:%s", f.Filename, src, got, f.SHA256)}}
	}
	return src, "", nil
}

// indexProblem turns an index client error into a problem: not-found for a
// 404 from the JSON API, network for connection failures, timeouts and
// exhausted retries, index-error for every other answer (SPEC §4.3, §5).
func indexProblem(what string, err error) Problem {
	switch {
	case errors.Is(err, pypi.ErrNotFound):
		return Problem{Kind: NotFound, Message: fmt.Sprintf("%s: the index has no such project or release (%v)", what, err)}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return Problem{Kind: Network, Message: what + interruptedSuffix}
	case pypi.IsNetwork(err):
		return Problem{Kind: Network, Message: fmt.Sprintf("%s: %v", what, err)}
	}
	return Problem{Kind: IndexError, Message: fmt.Sprintf("%s: %v", what, err)}
}

// decide applies the policy to p (SPEC §6) and sets OK and Violation. An
// attestation that does not verify fails the package whatever the policy
// says; a package that could not be checked completely is not OK, but is a
// violation only when definite evidence breaks the policy.
// now is the one instant the package's policy is read at: the same one
// that decided whether its history was fetched.
func (e *Engine) decide(p *Package, yanked, pinned bool, locked []pypi.Publisher, closure *policy.Closure, now time.Time) {
	ev := policy.Evidence{Name: p.Name, Yanked: yanked, Pinned: pinned, Continuity: policyContinuity(p.Continuity), Closure: closure}
	if c := p.Continuity; c != nil && c.Status == policy.Unknown && (p.Evidence == Error || p.Evidence == Failed) {
		// Already not ok for a stronger reason (often the same outage):
		// an unreadable history adds only noise. JSON still shows it.
		ev.Continuity = nil
	}
	for _, f := range p.Files {
		fe := policy.FileEvidence{Filename: f.Filename, Level: policyLevel(f.Evidence)}
		for _, a := range f.Attestations {
			if a.Verified && a.Problems == nil {
				fe.Publishers = append(fe.Publishers, PolicyIdentity(a))
			}
		}
		ev.Files = append(ev.Files, fe)
	}
	if len(locked) > 0 {
		ev.Locked = locked
		ev.LockedBy = "the lock file"
		if p.Source.File != "" {
			ev.LockedBy += " (" + p.Source.String() + ")"
		}
	}
	d := e.o.Policy.Evaluate(ev, now)
	p.PolicyEntry = d.Entry
	if d.Location != "" {
		p.PolicyEntry += " (" + d.Location + ")"
	}
	p.PolicyReason = d.Reason
	for _, v := range slices.Concat(d.Violations, d.Notes, d.Incomplete) {
		kind := ProblemKind(v.Kind)
		// The policy's word on yanked / not-pinned replaces the engine's note.
		p.Problems = slices.DeleteFunc(p.Problems, func(q Problem) bool {
			return q.Kind == kind && (kind == Yanked || kind == NotPinned)
		})
		p.Problems = append(p.Problems, Problem{Kind: kind, Message: v.Message})
	}
	p.Violation = p.Evidence == Failed || len(d.Violations) > 0
	p.OK = !p.Violation && p.Evidence != Error && len(d.Incomplete) == 0
}

func policyLevel(e Evidence) policy.EvidenceLevel {
	switch e {
	case Verified:
		return policy.Verified
	case HashOnly:
		return policy.HashOnly
	case Failed:
		return policy.Failed
	}
	return policy.Incomplete
}

// PolicyIdentity is the publisher identity the policy matches against:
// the provenance's publisher, with the ref and runner the certificate
// names.
func PolicyIdentity(a Attestation) policy.Identity {
	return policy.IdentityOf(a.Publisher, a.Identity.SourceRef, a.Identity.RunnerEnvironment)
}

// LocalFile is a distribution already on disk, for `pyverify verify`. The
// caller has checked that Path names a distribution file and decoded its
// provenance, so that bad input is reported before anything is verified.
type LocalFile struct {
	Path       string      // the artifact
	Provenance *Provenance // decoded from --provenance; nil = fetch from the index
}

// Verify checks local artifacts (SPEC §1 offline use): each file is
// hashed, its provenance taken from the caller or fetched from the
// Integrity API for the project and version its filename names, and the
// attestations verified. Each file is one package entry of the report.
func (e *Engine) Verify(ctx context.Context, files []LocalFile) *Report {
	pkgs := make([]Package, len(files))
	var g errgroup.Group
	g.SetLimit(e.o.Concurrency)
	for i, lf := range files {
		g.Go(func() error {
			pkgs[i] = e.verifyLocal(ctx, lf)
			return nil
		})
	}
	_ = g.Wait()
	r := e.newReport()
	for _, p := range pkgs {
		r.add(p, false)
	}
	r.Packages = pkgs
	e.finishReport(ctx, r)
	return r
}

func (e *Engine) verifyLocal(ctx context.Context, lf LocalFile) Package {
	name := filepath.Base(lf.Path)
	p := Package{Name: name, Requirement: lf.Path}
	if dist, err := pypi.ParseDistFilename(name); err == nil {
		p.Name, p.Version = dist.Name, dist.Version.String()
	}
	f := File{Filename: name, Bytes: BytesNotDownloaded}
	fh, err := os.Open(lf.Path)
	if err == nil {
		f.SHA256, f.Size, err = HashReader(fh)
		fh.Close()
	}
	yanked := false
	switch {
	case err != nil:
		f.Evidence = Error
		f.Problems = []Problem{{Kind: IndexError, Message: fmt.Sprintf("%s: reading the artifact: %v", lf.Path, err)}}
	case lf.Provenance != nil:
		// Offline: the provenance file is the only evidence; its statement
		// binds the attestation to these bytes.
		f.Bytes = BytesLocal
		fv := e.o.Verifier.VerifyFile(name, f.SHA256, lf.Provenance)
		f.Evidence, f.Attestations, f.Problems = fv.Evidence, fv.Attestations, fv.Problems
		if f.Evidence == HashOnly && !slices.ContainsFunc(fv.AllProblems(), func(q Problem) bool { return q.Kind == UnknownPredicate }) {
			// hash-only means "the bytes match": here nothing vouched for
			// them, neither an attestation nor an index digest. An
			// attestation of an unknown predicate type does: it verified,
			// subject included, so the bytes match what was signed (SPEC
			// §4), though it is no evidence of who published them.
			f.Evidence = Error
			f.Problems = append(f.Problems, Problem{Kind: MissingAttestation,
				Message: fmt.Sprintf("%s: the provenance holds no attestation that is evidence, and with --provenance no index digest is consulted: the bytes were compared with nothing", name)})
		}
	default:
		f.Bytes = BytesLocal
		yanked = e.checkLocalAgainstIndex(ctx, &p, &f)
		prov, probs := e.fetchProvenance(ctx, p.Name, p.Version, name, f.SHA256)
		if probs != nil {
			f.Evidence = Worst(f.Evidence, Error)
			f.Problems = append(f.Problems, probs...)
			break
		}
		var fv FileVerification
		fv, f.Verification = e.verify(name, f.SHA256, prov)
		f.Evidence = Worst(f.Evidence, fv.Evidence)
		f.Attestations = fv.Attestations
		f.Problems = append(f.Problems, fv.Problems...)
	}
	p.Files = []File{f}
	p.Evidence = f.Evidence
	e.decide(&p, yanked, true, nil, nil, e.o.Now())
	return p
}

// checkLocalAgainstIndex runs SPEC §4 steps 1-2 for a local file: the
// release's JSON API document must list the file, with the sha256 the local
// bytes hash to. Without that, "hash-only" would claim bytes match that were
// never compared with anything. It reports whether the release is yanked.
func (e *Engine) checkLocalAgainstIndex(ctx context.Context, p *Package, f *File) bool {
	rel, err := e.release(ctx, p.Name, p.Version)
	if err != nil {
		f.Evidence = Error
		f.Problems = append(f.Problems, indexProblem(fmt.Sprintf("%s %s", p.Name, p.Version), err))
		return false
	}
	if prob := checkReleaseDocument(p.Name, p.Version, false, rel); prob != nil {
		f.Evidence = Failed
		f.Problems = append(f.Problems, *prob)
		return false
	}
	p.Version = rel.Version // the index's spelling, for the Integrity API
	if rel.Yanked {
		p.Problems = append(p.Problems, yankedProblem(p.Name, p.Version, rel.YankedReason))
	}
	i := slices.IndexFunc(rel.Files, func(g pypi.File) bool { return g.Filename == f.Filename })
	switch {
	case i >= 0 && slices.ContainsFunc(rel.Files[i+1:], func(g pypi.File) bool { return g.Filename == f.Filename }):
		f.Evidence = Failed
		f.Problems = append(f.Problems, Problem{Kind: IndexMismatch, Message: fmt.Sprintf(
			"%s: the index lists this file more than once for %s %s, so which digest it stands for is the index's choice", f.Filename, p.Name, p.Version)})
	case i < 0:
		f.Evidence = Error
		f.Problems = append(f.Problems, Problem{Kind: NotFound,
			Message: fmt.Sprintf("%s: the index does not list this file for %s %s, so its bytes cannot be checked", f.Filename, p.Name, p.Version)})
	case rel.Files[i].SHA256 != f.SHA256:
		f.Evidence = Failed
		f.Problems = append(f.Problems, Problem{Kind: DigestMismatch,
			Message: fmt.Sprintf("%s: the local file hashes to sha256:%s, but the index lists sha256:%s", f.Filename, f.SHA256, rel.Files[i].SHA256)})
	default:
		f.URL = rel.Files[i].URL
	}
	return rel.Yanked
}

// fetchedProvenance is a file's provenance as fetched: decoded, or the
// verification cache's result for its bytes; neither when none is
// published.
type fetchedProvenance struct {
	doc    *Provenance
	digest [32]byte          // sha256 of the document's bytes
	cached *FileVerification // the result an earlier run stored for these bytes
}

// none reports whether no provenance is published.
func (p fetchedProvenance) none() bool { return p.doc == nil && p.cached == nil }

// fetchProvenance gets a file's provenance from the Integrity API and
// decodes it, unless the verification cache already holds the result for
// these very bytes, this file (sha256hex) and trusted root: those bytes
// decoded and verified before, so neither is done again. No provenance
// published is none(); anything else that goes wrong is a problem, never
// "no attestation" (SPEC §4.3).
func (e *Engine) fetchProvenance(ctx context.Context, project, version, filename string, sha256hex pypi.SHA256) (fetchedProvenance, []Problem) {
	if err := e.provenance.Acquire(ctx, 1); err != nil {
		return fetchedProvenance{}, []Problem{indexProblem(filename+": provenance", err)}
	}
	defer e.provenance.Release(1)
	data, err := e.o.Index.Provenance(ctx, project, version, filename)
	switch {
	case errors.Is(err, pypi.ErrNoProvenance):
		return fetchedProvenance{}, nil
	case err != nil:
		return fetchedProvenance{}, []Problem{indexProblem(filename+": provenance", err)}
	}
	out := fetchedProvenance{digest: sha256.Sum256(data)}
	if c := e.vcache; c != nil {
		if fv, ok := c.load(c.key(filename, sha256hex, out.digest)); ok {
			out.cached = &fv
			return out, nil
		}
	}
	if out.doc, err = DecodeProvenance(filename+" provenance", data); err != nil {
		return fetchedProvenance{}, []Problem{{Kind: IndexError,
			Message: fmt.Sprintf("%s: the index served provenance that cannot be read: %v", filename, err)}}
	}
	return out, nil
}
