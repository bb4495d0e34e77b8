package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/report"
	"github.com/pyverify/pyverify/verify"
)

// defaultIndexURL is used when neither --index-url, $PYVERIFY_INDEX_URL nor
// a requirements file names an index.
const defaultIndexURL = "https://pypi.org"

// app holds the streams and the global options, and builds what commands
// need from them.
type app struct {
	stdin          io.Reader // for -r -
	stdout, stderr io.Writer
	getenv         func(string) string
	isTerminal     func(io.Writer) bool // a test seam for progress and colour
	termWidth      func(io.Writer) int  // a terminal's columns, 0 if unknown; nil: terminalWidth
	now            func() time.Time     // nil: time.Now; a test seam for the progress rate

	indexURL    string
	trustedRoot string
	policyFile  string
	format      formatFlag
	output      string
	concurrency int
	maxArtifact sizeFlag // --max-artifact-size: the largest artifact downloaded or cached
	cacheDir    string
	noCache     bool
	offline     bool
	quiet       bool
	verbose     bool
	pin         policy.PinOptions // check and verify: --repo, --owner, --workflow

	roots     []*os.Root // environments opened for --path, read during the run
	out       *os.File   // a temporary file beside -o FILE, created before any network work
	outDirect bool       // out is -o FILE itself (a device or pipe), not a temporary file
	mu        sync.Mutex // serialises stderr writes from concurrent callbacks
	bar       string     // the progress line on stderr, redrawn after a log line; "" when none
	// noBar: the report streams to the terminal, where redrawing the
	// progress line would erase the package line just printed.
	noBar bool
}

// globalFlags names the flags bindGlobalFlags defines.
var globalFlags = []string{"index-url", "trusted-root", "policy", "format", "output", "concurrency", "max-artifact-size", "cache-dir", "no-cache", "offline", "quiet", "verbose"}

func (a *app) bindGlobalFlags(root *cobra.Command) {
	a.format.f = report.Text
	a.concurrency = 16
	a.maxArtifact = pypi.DefaultMaxArtifactSize
	f := root.PersistentFlags()
	f.StringVar(&a.indexURL, "index-url", "", "base `URL` of a Warehouse-compatible index (default $PYVERIFY_INDEX_URL, else "+defaultIndexURL+")")
	f.StringVar(&a.trustedRoot, "trusted-root", "", "Sigstore trusted_root.json `FILE` to verify against (default: the public-good root via TUF)")
	f.StringVar(&a.policyFile, "policy", "", "policy `FILE` (default ./pyverify.toml, else [tool.pyverify] in ./pyproject.toml, else built in)")
	f.Var(&a.format, "format", "report format: "+formatChoices())
	f.StringVarP(&a.output, "output", "o", "", "write the report to `FILE` instead of stdout")
	f.Var((*countFlag)(&a.concurrency), "concurrency", "most HTTP requests in flight")
	f.Var(&a.maxArtifact, "max-artifact-size", "largest artifact to download or cache, e.g. 500MiB; a file the index declares larger is an error, never fetched")
	f.StringVar(&a.cacheDir, "cache-dir", "", "cache `DIR` (default: the user cache dir + /pyverify)")
	f.BoolVar(&a.noCache, "no-cache", false, "use no cache")
	f.BoolVar(&a.offline, "offline", false, "never touch the network: use only the cache and local files")
	f.BoolVarP(&a.quiet, "quiet", "q", false, "less on stderr")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "more on stderr: each request and retry")
}

// bindPinFlags adds --repo, --owner and --workflow, a one-off publisher
// pin like gh attestation verify's, without writing a policy file.
func (a *app) bindPinFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&a.pin.Repo, "repo", "", "require every file to be attested by the GitHub repository `OWNER/NAME` (replaces the policy's package entries)")
	f.StringVar(&a.pin.Owner, "owner", "", "require every file to be attested by a GitHub repository of `OWNER` (a glob; replaces the policy's package entries)")
	f.StringVar(&a.pin.Workflow, "workflow", "", "with --repo or --owner: and by the workflow `FILE` (a glob, e.g. release.yml)")
}

// setup validates the global options before any command runs.
func (a *app) setup(cmd *cobra.Command) error {
	switch {
	case a.concurrency < 1:
		return usageError(cmd, fmt.Errorf("--concurrency must be at least 1, got %d", a.concurrency))
	case a.quiet && a.verbose:
		return usageError(cmd, errors.New("--quiet and --verbose cannot be used together"))
	}
	if a.cacheDir == "" && !a.noCache {
		dir, err := os.UserCacheDir()
		if err != nil && !a.offline {
			a.noCache = true // no cache dir on this machine: run without one
		} else if err != nil {
			return usageError(cmd, fmt.Errorf("--offline needs a cache, and there is no user cache directory (%w): pass --cache-dir DIR", err))
		}
		a.cacheDir = filepath.Join(dir, "pyverify")
	}
	if a.offline && a.noCache {
		return usageError(cmd, errors.New("--offline answers from the cache: it cannot be used with --no-cache"))
	}
	return nil
}

// close releases what the app opened: a report that was never finished
// leaves -o FILE as it was.
func (a *app) close() {
	for _, r := range a.roots {
		r.Close()
	}
	a.roots = nil
	if a.out != nil {
		a.out.Close()
		if !a.outDirect {
			os.Remove(a.out.Name())
		}
		a.out = nil
	}
}

// logf writes a verbose line to stderr.
func (a *app) logf(format string, args ...any) {
	if !a.verbose {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.bar != "" { // clear the progress line, log, draw it again below
		fmt.Fprint(a.stderr, "\r\033[K")
	}
	fmt.Fprintf(a.stderr, format+"\n", args...)
	if a.bar != "" {
		fmt.Fprint(a.stderr, "\r\033[K"+a.bar)
	}
}

// clearProgress removes the progress line before something else is
// written to stderr for good (a report, an interrupted run's message).
func (a *app) clearProgress() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.bar != "" {
		fmt.Fprint(a.stderr, "\r\033[K")
		a.bar = ""
	}
}

// openOutput prepares -o FILE before any network work, so that an
// unwritable report path is a usage error, not a lost audit. The report is
// written to a temporary file beside it and renamed into place once
// complete (commitOutput): a run that fails before it has a report leaves
// the previous FILE untouched rather than empty.
func (a *app) openOutput() error {
	if a.output == "" || a.out != nil {
		return nil
	}
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(a.output); err == nil {
		switch {
		case st.IsDir():
			return fmt.Errorf("cannot write the report: %s is a directory", a.output)
		case !st.Mode().IsRegular():
			// A device or pipe (-o /dev/stdout, a fifo) is written in place:
			// renaming over it would replace the node.
			f, err := os.OpenFile(a.output, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				return fmt.Errorf("cannot write the report to %s: %w", a.output, err)
			}
			a.out, a.outDirect = f, true
			return nil
		}
		mode = st.Mode().Perm() // keep an existing report's permissions
	}
	dir := filepath.Dir(a.output)
	f, err := os.CreateTemp(dir, "."+filepath.Base(a.output)+".*.tmp")
	if err == nil {
		err = f.Chmod(mode)
	}
	if err != nil {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
		// The temporary file's name is ours, not the user's: say why in
		// terms of what they gave.
		why := "cannot create a file in directory " + dir
		switch {
		case errors.Is(err, fs.ErrNotExist):
			why = "directory " + dir + " does not exist"
		case errors.Is(err, fs.ErrPermission):
			why = "no permission to create a file in directory " + dir
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the bare cause, e.g. "read-only file system"
		}
		return fmt.Errorf("cannot write the report to %s: %s (%w)", a.output, why, err)
	}
	a.out = f
	return nil
}

// commitOutput moves the finished report into -o FILE.
func (a *app) commitOutput() error {
	if a.out == nil {
		return nil
	}
	f := a.out
	a.out = nil
	if a.outDirect {
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing the report to %s: %w", a.output, err)
		}
		return nil
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing the report to %s: %w", a.output, err)
	}
	if err := os.Rename(f.Name(), a.output); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing the report to %s: %w", a.output, err)
	}
	return nil
}

// loadPolicy reads --policy, or discovers the policy (SPEC §2).
func (a *app) loadPolicy() (*policy.Policy, error) {
	if a.policyFile == "" {
		return policy.Discover(os.DirFS("."))
	}
	return policy.Load(osFS{}, filepath.ToSlash(a.policyFile))
}

// loadTrustedRoot reads --trusted-root, or gets the Sigstore public-good
// root through TUF (cached).
func (a *app) loadTrustedRoot(ctx context.Context) (*verify.TrustedRoot, error) {
	if a.trustedRoot == "" {
		dir := ""
		if !a.noCache {
			dir = filepath.Join(a.cacheDir, "tuf")
		}
		tr, err := verify.PublicGoodTrustedRoot(ctx, dir, a.offline)
		if err != nil {
			return nil, fmt.Errorf("getting the Sigstore public-good trusted root: %w (%s)", err, hintTrustedRoot)
		}
		return tr, nil
	}
	data, err := os.ReadFile(a.trustedRoot)
	if err != nil {
		return nil, fmt.Errorf("reading the trusted root: %w", err)
	}
	return verify.LoadTrustedRoot(a.trustedRoot, data)
}

// resolveIndexURL picks the index: --index-url, else $PYVERIFY_INDEX_URL,
// else an --index-url option line of the requirements files (SPEC §3),
// else pypi.org. from says where the URL came from, for messages.
func (a *app) resolveIndexURL(opts []pypi.Option) (indexURL, from string) {
	if a.indexURL != "" {
		return a.indexURL, "--index-url"
	}
	if v := a.getenv("PYVERIFY_INDEX_URL"); v != "" {
		return v, "$PYVERIFY_INDEX_URL"
	}
	for _, o := range opts {
		if o.Name == "--index-url" {
			return expandEnv(o.Value, a.getenv), fmt.Sprintf("%s:%d: --index-url", o.File, o.Line)
		}
	}
	return defaultIndexURL, "the default index"
}

// envVar is pip's environment-variable syntax in requirements files:
// ${NAME}, NAME of upper-case letters, digits and underscores.
var envVar = regexp.MustCompile(`\$\{([A-Z0-9_]+)\}`)

// expandEnv expands ${NAME} as pip does in requirements files, so that a
// private index's token can stay out of the file
// (--index-url https://__token__:${INDEX_TOKEN}@host/simple). Unset
// variables are left as written, as pip leaves them.
func expandEnv(s string, getenv func(string) string) string {
	return envVar.ReplaceAllStringFunc(s, func(m string) string {
		if v := getenv(envVar.FindStringSubmatch(m)[1]); v != "" {
			return v
		}
		return m
	})
}

// noteOptions reports the pip option lines of the requirements files that
// pyverify recognises but does not use (SPEC §3), so that nothing in the
// input is silently ignored.
func (a *app) noteOptions(opts []pypi.Option, indexURL string) {
	if a.quiet {
		return
	}
	shown := pypi.RedactURL(indexURL)
	for _, o := range opts {
		what := o.Name
		if o.Value != "" {
			what += " " + pypi.RedactURL(o.Value)
		}
		switch {
		case o.Name == "--index-url" && expandEnv(o.Value, a.getenv) == indexURL:
			fmt.Fprintf(a.stderr, "pyverify: %s:%d: using %s\n", o.File, o.Line, what)
		case o.Name == "--index-url":
			fmt.Fprintf(a.stderr, "pyverify: %s:%d: %s not used: the index is %s (--index-url or $PYVERIFY_INDEX_URL)\n", o.File, o.Line, what, shown)
		default:
			fmt.Fprintf(a.stderr, "pyverify: %s:%d: %s not used: pyverify checks every requirement against %s only\n", o.File, o.Line, what, shown)
		}
	}
}

// client builds the one shared index client for the index the options
// and requirements name, before anything is fetched, so that a bad URL is
// a usage error naming where it came from.
func (a *app) client(opts []pypi.Option) (*pypi.Client, error) {
	indexURL, from := a.resolveIndexURL(opts)
	if err := checkIndexURL(indexURL); err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	o := pypi.Options{
		BaseURL:         indexURL,
		Concurrency:     a.concurrency,
		UserAgent:       "pyverify/" + version,
		Offline:         a.offline,
		MaxArtifactSize: int64(a.maxArtifact),
	}
	if !a.noCache {
		o.CacheDir = filepath.Join(a.cacheDir, "index")
		if err := pypi.TagCacheDir(a.cacheDir); err != nil {
			a.logf("cache: %v", err) // an untagged cache still works
		}
	}
	if a.verbose {
		o.Logf = a.logf
	}
	c, err := pypi.NewClient(o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", from, err)
	}
	a.noteOptions(opts, indexURL)
	return c, nil
}

// checkIndexURL catches the index URLs people mistype, with the way out:
// the client's own validation would quote them URL-escaped or name only
// the missing scheme.
func checkIndexURL(raw string) error {
	shown := pypi.RedactURL(raw)
	switch {
	case strings.ContainsAny(raw, " \t\n"):
		return fmt.Errorf("%q is not an http(s) URL: give one such as https://pypi.org or https://HOST/simple", shown)
	case !strings.Contains(raw, "://"):
		host, _, _ := strings.Cut(raw[strings.LastIndex(raw, "@")+1:], "/")
		scheme := "https://"
		if h, _, _ := strings.Cut(host, ":"); h == "localhost" || strings.HasPrefix(h, "127.") || strings.HasPrefix(host, "[::1]") {
			scheme = "http://" // a local test index rarely has a certificate
		}
		return fmt.Errorf("%q has no scheme: did you mean %s%s?", shown, scheme, shown)
	}
	return nil
}

// deps is what a verifying command needs, all loaded before any network
// work so that a bad input is exit 2 and nothing was verified.
type deps struct {
	policy   *policy.Policy
	verifier *verify.Verifier
}

func (a *app) loadDeps(ctx context.Context, withPolicy bool) (*deps, error) {
	if err := a.openOutput(); err != nil {
		return nil, err
	}
	pol := policy.Default()
	if withPolicy {
		var err error
		if pol, err = a.loadPolicy(); err != nil {
			return nil, err
		}
	}
	if !a.pin.IsZero() {
		var err error
		if pol, err = pol.Pin(a.pin); err != nil {
			return nil, err
		}
	}
	tr, err := a.loadTrustedRoot(ctx)
	if err != nil {
		return nil, err
	}
	v, err := verify.NewVerifier(tr)
	if err != nil {
		return nil, err
	}
	return &deps{policy: pol, verifier: v}, nil
}

// engineOptions fills the options every engine shares.
func (a *app) engineOptions(d *deps, idx verify.Index) verify.Options {
	o := verify.Options{
		Index:       idx,
		Verifier:    d.verifier,
		Policy:      d.policy,
		Concurrency: a.concurrency,
		OnProgress:  a.progress(),
	}
	if !a.noCache {
		o.VerifyCacheDir = filepath.Join(a.cacheDir, "verify")
	}
	return o
}

// progress returns a progress callback that draws packages done / total on
// stderr, only when stderr is a terminal (SPEC §2) and not --quiet.
func (a *app) progress() func(done, total int) {
	if a.quiet || !a.isTerminal(a.stderr) {
		return nil
	}
	now := a.now
	if now == nil {
		now = time.Now
	}
	start := now()
	return func(done, total int) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.noBar {
			return
		}
		a.bar = fmt.Sprintf("checked %d/%d packages", done, total)
		// A rate over less than a second measures nothing (1213.9/s).
		if el := now().Sub(start); el >= time.Second {
			a.bar += fmt.Sprintf(" (%.1f/s)", float64(done)/el.Seconds())
		}
		fmt.Fprint(a.stderr, "\r\033[K"+a.bar)
		if done == total {
			fmt.Fprint(a.stderr, "\r\033[K")
			a.bar = ""
		}
	}
}

// audit runs eng over reqs and writes the report: for json and jsonl
// package by package as they complete, holding none (issue #13); the
// other formats need the whole report and get it.
func (a *app) audit(ctx context.Context, eng *verify.Engine, reqs []pypi.Requirement, detail bool) (*verify.Report, error) {
	if !report.Streams(a.format.f) {
		rep := eng.Audit(ctx, reqs)
		return rep, a.render(rep, detail)
	}
	st, err := report.NewStream(a.reportWriter(), a.format.f, report.FromVerify(eng.Header(), report.Meta{ToolVersion: version}))
	if err != nil {
		return nil, err
	}
	if a.out == nil && a.isTerminal(a.stdout) {
		// The packages appearing are the progress.
		a.mu.Lock()
		a.noBar = true
		a.mu.Unlock()
	}
	rep := eng.AuditStream(ctx, reqs, func(_ int, p verify.Package) { st.Package(p) })
	a.clearProgress()
	if err := st.Close(rep); err != nil {
		return rep, fmt.Errorf("writing the report: %w", err)
	}
	return rep, a.finishOutput()
}

// reportWriter is where the report goes: -o FILE's temporary file, else
// stdout.
func (a *app) reportWriter() io.Writer {
	if a.out != nil {
		return a.out
	}
	return a.stdout
}

// render writes the report in the chosen format to stdout or -o FILE.
func (a *app) render(rep *verify.Report, detail bool) error {
	w := a.reportWriter()
	a.clearProgress()
	tty := a.out == nil && a.isTerminal(a.stdout)
	o := report.Options{
		Color:  tty && a.getenv("NO_COLOR") == "",
		Detail: detail,
	}
	if tty {
		width := a.termWidth
		if width == nil {
			width = terminalWidth
		}
		o.Width = width(a.stdout) // long publishers are elided to keep POLICY on the line
	}
	if err := report.Write(w, a.format.f, report.FromVerify(rep, report.Meta{ToolVersion: version}), o); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return a.finishOutput()
}

// finishOutput moves a complete report into -o FILE and says so.
func (a *app) finishOutput() error {
	toFile := a.out != nil
	if err := a.commitOutput(); err != nil {
		return err
	}
	if toFile && !a.quiet {
		fmt.Fprintf(a.stderr, "pyverify: wrote the %s report to %s\n", a.format.f, a.output)
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// terminalWidth is w's width in columns when it is a terminal, else 0.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

// osFS opens files by their OS path as given, so that requirement files
// may be named with absolute or ../ paths and includes resolve relative to
// the including file. "<stdin>" is what `-r -` read from standard input.
type osFS struct{ stdin []byte }

// stdinName names standard input in FILE:LINE messages.
const stdinName = "<stdin>"

func (o osFS) Open(name string) (fs.File, error) {
	if name == stdinName && o.stdin != nil {
		return &memFile{Reader: bytes.NewReader(o.stdin), name: name, size: int64(len(o.stdin))}, nil
	}
	return os.Open(filepath.FromSlash(name))
}

// memFile is an fs.File over bytes already read.
type memFile struct {
	*bytes.Reader
	name string
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{f}, nil }
func (f *memFile) Close() error               { return nil }

type memInfo struct{ f *memFile }

func (i memInfo) Name() string       { return i.f.name }
func (i memInfo) Size() int64        { return i.f.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }

// maxStdinRequirements bounds what `-r -` reads, like a requirements file's
// own size limit.
const maxStdinRequirements = 16 << 20

// readRequirements parses -r files and inline specs, in order: all files'
// errors are reported together, each naming FILE:LINE. A file named
// pylock.toml or pylock.NAME.toml is a PEP 751 lock file.
func (a *app) readRequirements(files, inline []string) ([]pypi.Requirement, []pypi.Option, error) {
	var (
		reqs []pypi.Requirement
		opts []pypi.Option
		errs []error
		cons []pypi.Requirement
	)
	fsys := osFS{}
	for _, f := range files {
		parse := pypi.ParseRequirements
		if pypi.IsPylockName(f) { // pylock.toml, pylock.NAME.toml: PEP 751
			parse = pypi.ParsePylock
		}
		name := filepath.ToSlash(f)
		if f == "-" { // `uv export | pyverify audit -r -`
			if fsys.stdin != nil || a.stdin == nil {
				errs = append(errs, errors.New("-r -: standard input can be read only once"))
				continue
			}
			data, err := io.ReadAll(io.LimitReader(a.stdin, maxStdinRequirements+1))
			if err != nil {
				errs = append(errs, fmt.Errorf("-r -: reading standard input: %w", err))
				continue
			}
			if len(data) > maxStdinRequirements {
				errs = append(errs, fmt.Errorf("-r -: standard input is larger than %d bytes", maxStdinRequirements))
				continue
			}
			fsys.stdin, name = data, stdinName
		}
		rf, err := parse(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		reqs = append(reqs, rf.Requirements...)
		opts = append(opts, rf.Options...)
		cons = append(cons, rf.Constraints...)
	}
	for _, s := range inline {
		r, err := pypi.ParseRequirement(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("%q: %w", s, err))
			continue
		}
		reqs = append(reqs, r)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	reqs, err := pypi.MergeRequirements(reqs, cons)
	if err != nil {
		return nil, nil, err
	}
	return reqs, opts, nil
}

// readInstalled reads the installed distributions of each --path DIR
// (issue #12), each one an exact pin located at its RECORD. An environment
// is opened as an os.Root, so that nothing its RECORDs name (or its
// symbolic links point at) is read from outside it. Every malformed
// dist-info is reported, each error naming its file.
func (a *app) readInstalled(dirs []string) ([]pypi.Requirement, error) {
	var (
		reqs []pypi.Requirement
		errs []error
	)
	for _, dir := range dirs {
		root, err := os.OpenRoot(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("--path %s: %w", dir, err))
			continue
		}
		a.roots = append(a.roots, root)
		dists, err := pypi.ReadEnvironment(root.FS(), filepath.ToSlash(filepath.Clean(dir)))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(dists) == 0 {
			errs = append(errs, fmt.Errorf("--path %s: no installed distributions (*.dist-info) in it", dir))
		}
		for _, d := range dists {
			reqs = append(reqs, d.Requirement())
		}
	}
	return reqs, errors.Join(errs...)
}

// readInputs reads requirements files, inline specs and environments
// (audit and policy init): all their errors are reported together.
// auditInputs reads the inputs of a command that audits them (audit,
// download; what names it in messages), then builds the index client for
// the index they name and the trusted root and policy, so that every
// input or configuration error is found before any package is checked.
func (a *app) auditInputs(ctx context.Context, what string, files, inline, paths []string) ([]pypi.Requirement, verify.Options, error) {
	reqs, opts, err := a.readInputs(files, inline, paths)
	if err != nil {
		return nil, verify.Options{}, err
	}
	if len(reqs) == 0 {
		// A gate pointed at the wrong file must not pass silently.
		return nil, verify.Options{}, fmt.Errorf("nothing to %s: %s lists no requirements", what, strings.Join(files, ", "))
	}
	c, err := a.client(opts)
	if err != nil {
		return nil, verify.Options{}, err
	}
	d, err := a.loadDeps(ctx, true)
	if err != nil {
		return nil, verify.Options{}, err
	}
	return reqs, a.engineOptions(d, c), nil
}

func (a *app) readInputs(files, inline, paths []string) ([]pypi.Requirement, []pypi.Option, error) {
	var (
		reqs []pypi.Requirement
		opts []pypi.Option
		err  error
	)
	if len(files) > 0 || len(inline) > 0 {
		reqs, opts, err = a.readRequirements(files, inline)
	}
	installed, ierr := a.readInstalled(paths)
	if err := errors.Join(err, ierr); err != nil {
		return nil, nil, err
	}
	// Not merged: each installed distribution is one package, even when a
	// requirements file pins the same project.
	return append(reqs, installed...), opts, nil
}
