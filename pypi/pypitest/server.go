package pypitest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fault is a misbehaviour injected for matching requests (STYLE §6). Fields
// combine: Latency delays whatever is answered; Status, RedirectTo,
// MalformedJSON, DuplicateKey, LongerBody, Stall and Drop change the answer,
// in that order of precedence for the first two.
type Fault struct {
	Status        int           // answer this status (e.g. 429, 503, 403) instead
	RetryAfter    string        // Retry-After header value sent with Status
	Times         int           // how many requests the fault applies to; 0 = always
	Stall         bool          // send headers and part of the body, then block until the request ends
	LongerBody    bool          // append bytes beyond what the document or index declares
	Latency       time.Duration // delay before answering (honours the request context)
	MalformedJSON bool          // answer 200 with a truncated JSON document
	RedirectTo    string        // answer 302 with this Location
	DuplicateKey  bool          // repeat the JSON document's first key, first with the value null (last-wins decoders see the original)
	Drop          bool          // send headers and DropAfter bytes of the body, then drop the connection
	DropAfter     int           // body bytes sent before a Drop
}

// Server is a fake Warehouse on an httptest.Server.
type Server struct {
	ts    *httptest.Server
	mint  Mint
	dir   string // Serve: the index directory, read at request time
	model Model  // New: the index as Go values
	done  chan struct{}

	mu         sync.Mutex
	requests   []string
	authorized []string
	unexpected []string
	faults     []*faultEntry
	latency    time.Duration
	rng        *rand.Rand
	p503, p429 float64
	inFlight   int
	peak       int
	closed     bool
	lies       map[string]Lie // normalised project "/" version → Lie

	stats          Stats
	maxAge         time.Duration // SetMaxAge; < 0: no Cache-Control
	noETag         bool
	noLastModified bool
	modified       map[string]modified // path → its current body's validators
	minted         map[string][]byte   // file and publisher → provenance minted for it
}

type faultEntry struct {
	pattern string
	f       Fault
	fired   int
}

// Serve serves the index held in dir, laid out as
// <project>/<version>/<file> (STYLE §6): <file>.served holds bytes served
// instead (tampering); <file>.publisher is a publisher spec turned into
// provenance by mint; <file>.provenance is provenance served verbatim;
// <file>.status is the HTTP status answered for the download;
// <file>.metadata is its PEP 658 metadata file (a wheel that is a real zip
// serves its own dist-info METADATA) and <file>.metadata.served the bytes
// served instead of it; a file named
// "yanked" in a version directory yanks the release, its content being the
// reason. The directory is read at request time, so a test may change it
// between requests. mint may be nil when no file has a publisher.
func Serve(dir string, mint Mint) (*Server, error) {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("pypitest: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("pypitest: %s is not a directory", dir)
	}
	return start(&Server{dir: dir, mint: mint}, false), nil
}

// New serves the index described by model (Go values, for unit tests).
func New(model Model, mint Mint) *Server {
	return start(&Server{model: model, mint: mint}, model.TLS)
}

func start(s *Server, tls bool) *Server {
	s.done = make(chan struct{})
	s.maxAge = -1
	s.ts = httptest.NewUnstartedServer(s)
	if tls {
		s.ts.StartTLS()
	} else {
		s.ts.Start()
	}
	return s
}

// URL returns the index base URL, for pypi.Options.BaseURL.
func (s *Server) URL() string { return s.ts.URL }

// Client returns an HTTP client that trusts the server (for TLS), for
// pypi.Options.HTTPClient.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close ends stalled and delayed requests and shuts the server down.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	s.ts.Close()
}

// Requests returns the paths of all requests received, in arrival order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Authorized returns the paths of the requests that carried an
// Authorization header, in arrival order: a server that is not the index
// must never see one (issue #8).
func (s *Server) Authorized() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.authorized)
}

// PeakInFlight returns the largest number of requests handled at once. A
// request counts from its arrival until the server starts writing the end of
// its answer, so the count never exceeds what the client had in flight.
func (s *Server) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// Unexpected returns the requests nobody planned for: paths matching no
// route, provenance or files of releases the index does not hold, methods
// other than GET, and Mint failures. They were answered 404 (500 for Mint).
// A 404 for an unknown project or release from the JSON API is an ordinary
// answer, not unexpected.
func (s *Server) Unexpected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unexpected)
}

// Check registers a cleanup on t that fails the test if s saw unexpected
// requests (the reverse of cli/cli's httpmock.Registry.Verify).
func Check(t testing.TB, s *Server) {
	t.Helper()
	t.Cleanup(func() {
		if u := s.Unexpected(); len(u) > 0 {
			t.Errorf("pypitest: unexpected requests:\n\t%s", strings.Join(u, "\n\t"))
		}
	})
}

// Fault injects f into requests whose path equals pattern, or starts with
// it when pattern ends in "*". The first registered fault that matches and
// has not used up its Times applies.
func (s *Server) Fault(pattern string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultEntry{pattern: pattern, f: f})
}

// SetLatency adds d to every response (honouring the request context), e.g.
// for benchmarks and concurrency tests.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetRandomFaults answers each request, with probabilities p503 and p429, 503
// or 429 with "Retry-After: 0", drawn from a generator seeded with seed.
func (s *Server) SetRandomFaults(seed int64, p503, p429 float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rng = rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	s.p503, s.p429 = p503, p429
}

// answer is a response computed before it is written.
type answer struct {
	status    int
	header    http.Header
	body      []byte
	stall     bool
	drop      bool // drop the connection after dropAfter body bytes
	dropAfter int
}

// ServeHTTP answers one request: it records it, applies faults and latency,
// and routes it to the JSON API, the Integrity API or the files.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.URL.Path)
	s.stats.Requests++
	if strings.HasPrefix(r.URL.Path, "/files/") {
		s.stats.Files++
	}
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		s.stats.Conditional++
	}
	if r.Header.Get("Authorization") != "" {
		s.authorized = append(s.authorized, r.URL.Path)
	}
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
	latency := s.latency
	s.mu.Unlock()
	left := false
	leave := func() {
		if !left {
			left = true
			s.mu.Lock()
			s.inFlight--
			s.mu.Unlock()
		}
	}
	defer leave()

	a, fl := s.respond(r)
	if !s.wait(r.Context(), latency+fl) {
		return
	}
	leave() // before the last bytes go out: see PeakInFlight
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	if a.drop {
		w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body[:min(a.dropAfter, len(a.body))])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		panic(http.ErrAbortHandler) // closes the connection mid-body, unlogged
	}
	if a.status == http.StatusNotModified { // no body, no Content-Length
		w.WriteHeader(a.status)
		return
	}
	if !a.stall {
		w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		if r.Method != http.MethodHead {
			_, _ = w.Write(a.body)
		}
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(a.body)))
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body[:len(a.body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	s.wait(r.Context(), -1)
}

// wait sleeps for d (forever if d < 0) unless the request or the server
// ends first; it reports whether the full time passed.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if d == 0 {
		return true
	}
	var c <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		c = t.C
	}
	select {
	case <-c:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func (s *Server) unexpectedf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unexpected = append(s.unexpected, fmt.Sprintf(format, args...))
}

// matchFault returns the fault for path, if any, and counts its use.
func (s *Server) matchFault(path string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, fe := range s.faults {
		match := fe.pattern == path
		if p, ok := strings.CutSuffix(fe.pattern, "*"); ok {
			match = strings.HasPrefix(path, p)
		}
		if !match || (fe.f.Times > 0 && fe.fired >= fe.f.Times) {
			continue
		}
		fe.fired++
		return fe.f, true
	}
	return Fault{}, false
}

func (s *Server) randomFault() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rng == nil {
		return 0
	}
	x := s.rng.Float64()
	switch {
	case x < s.p503:
		return http.StatusServiceUnavailable
	case x < s.p503+s.p429:
		return http.StatusTooManyRequests
	}
	return 0
}

func text(status int, msg string) answer {
	return answer{status: status, header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body: []byte(msg + "\n")}
}

// respond computes the answer and the fault latency for r.
func (s *Server) respond(r *http.Request) (answer, time.Duration) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.unexpectedf("%s %s", r.Method, r.URL.Path)
		return text(http.StatusNotFound, "not found"), 0
	}
	f, _ := s.matchFault(r.URL.Path)
	if code := s.randomFault(); code != 0 {
		a := text(code, http.StatusText(code))
		a.header.Set("Retry-After", "0")
		return a, f.Latency
	}
	switch {
	case f.Status != 0:
		a := text(f.Status, http.StatusText(f.Status))
		if f.RetryAfter != "" {
			a.header.Set("Retry-After", f.RetryAfter)
		}
		return a, f.Latency
	case f.RedirectTo != "":
		a := text(http.StatusFound, "found")
		a.header.Set("Location", f.RedirectTo)
		return a, f.Latency
	}
	a := s.validate(r, s.route(r))
	if f.MalformedJSON {
		a = answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"info": {"name": "trunc`)}
	}
	if f.DuplicateKey && a.status == http.StatusOK {
		a.body = duplicateFirstKey(a.body)
	}
	if f.LongerBody {
		a.body = append(slices.Clip(a.body), []byte("\nbytes beyond the declared size\n")...)
	}
	a.stall = f.Stall
	a.drop, a.dropAfter = f.Drop, f.DropAfter
	return a, f.Latency
}

// duplicateFirstKey turns {"k": v, ...} into {"k": null, "k": v, ...}: a
// decoder that keeps the last of two equal keys sees the original document.
func duplicateFirstKey(doc []byte) []byte {
	d := json.NewDecoder(bytes.NewReader(doc))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return doc
	}
	k, err := d.Token()
	key, ok := k.(string)
	if err != nil || !ok {
		return doc
	}
	kj, _ := json.Marshal(key)
	i := bytes.IndexByte(doc, '{')
	out := append([]byte(nil), doc[:i+1]...)
	out = append(out, kj...)
	out = append(out, ": null, "...)
	return append(out, doc[i+1:]...)
}

// route answers the four Warehouse endpoints.
func (s *Server) route(r *http.Request) answer {
	var seg []string
	for _, e := range strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/") {
		p, err := url.PathUnescape(e)
		if err != nil {
			s.unexpectedf("GET %s: %v", r.URL.Path, err)
			return text(http.StatusNotFound, "not found")
		}
		seg = append(seg, p)
	}
	switch {
	case len(seg) == 3 && seg[0] == "pypi" && seg[2] == "json":
		return s.projectDoc(r, seg[1])
	case len(seg) == 4 && seg[0] == "pypi" && seg[3] == "json":
		return s.releaseDoc(r, seg[1], seg[2])
	case len(seg) == 5 && seg[0] == "integrity" && seg[4] == "provenance":
		return s.provenance(r, seg[1], seg[2], seg[3])
	case len(seg) == 4 && seg[0] == "files":
		return s.file(r, seg[1], seg[2], seg[3])
	case len(seg) == 3 && seg[0] == "simple" && seg[2] == "":
		return s.simplePage(r, seg[1])
	}
	s.unexpectedf("GET %s: no such route", r.URL.Path)
	return text(http.StatusNotFound, "not found")
}

// project is one project's releases, looked up by normalised name.
type project struct {
	name     string
	versions map[string][]ModelFile
	yanked   map[string]string
}

func (s *Server) lookup(name string) (*project, error) {
	want := normalize(name)
	if s.dir == "" {
		for n, vs := range s.model.Projects {
			if normalize(n) == want {
				return &project{name: n, versions: vs, yanked: s.model.Yanked[n]}, nil
			}
		}
		return nil, nil
	}
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	for _, e := range ents {
		if e.IsDir() && normalize(e.Name()) == want {
			vs, y, err := loadProjectDir(s.dir + string(os.PathSeparator) + e.Name())
			if err != nil {
				return nil, err
			}
			return &project{name: e.Name(), versions: vs, yanked: y}, nil
		}
	}
	return nil, nil
}

// find looks up a project, a version and optionally a file. A missing piece
// is answered 404 and, if unexpected is set, remembered.
func (s *Server) find(r *http.Request, name, version, filename string, unexpected bool) (*project, *ModelFile, *answer) {
	notFound := func(what string) (*project, *ModelFile, *answer) {
		if unexpected {
			s.unexpectedf("GET %s: %s", r.URL.Path, what)
		}
		a := text(http.StatusNotFound, "not found")
		return nil, nil, &a
	}
	p, err := s.lookup(name)
	if err != nil {
		s.unexpectedf("GET %s: %v", r.URL.Path, err)
		a := text(http.StatusInternalServerError, err.Error())
		return nil, nil, &a
	}
	if p == nil {
		return notFound("no such project")
	}
	if version == "" {
		return p, nil, nil
	}
	files, ok := p.versions[version]
	if !ok {
		return notFound("no such release")
	}
	if filename == "" {
		return p, nil, nil
	}
	for i := range files {
		if files[i].Filename == filename {
			return p, &files[i], nil
		}
	}
	return notFound("no such file")
}

// JSON API wire shapes (the fields pyverify and pip read).
type jsonInfo struct {
	Name         string   `json:"name"`
	Version      string   `json:"version"`
	Yanked       bool     `json:"yanked"`
	YankedReason *string  `json:"yanked_reason"`
	RequiresDist []string `json:"requires_dist"`
}

type jsonFile struct {
	Filename       string            `json:"filename"`
	URL            string            `json:"url"`
	PackageType    string            `json:"packagetype"`
	Size           int               `json:"size"`
	Digests        map[string]string `json:"digests"`
	RequiresPython *string           `json:"requires_python"`
	Yanked         bool              `json:"yanked"`
	YankedReason   *string           `json:"yanked_reason"`
	UploadTime     string            `json:"upload_time_iso_8601"`
	// PEP 658 metadata, under both of Warehouse's names (PEP 714).
	CoreMetadata     any `json:"core-metadata"`
	DistInfoMetadata any `json:"data-dist-info-metadata"`
}

func (s *Server) files(p *project, version string) []jsonFile {
	reason, yanked := p.yanked[version]
	var rp *string
	if yanked && reason != "" {
		rp = &reason
	}
	out := []jsonFile{}
	for _, f := range p.versions[version] {
		sum := sha256.Sum256(f.Content)
		ut := f.UploadTime
		if ut.IsZero() {
			ut = DefaultUploadTime
		}
		var meta any = false
		if md := f.metadata(); md != nil {
			msum := sha256.Sum256(md)
			meta = map[string]string{"sha256": hex.EncodeToString(msum[:])}
		}
		var requires *string
		if f.RequiresPython != "" {
			requires = &f.RequiresPython
		}
		out = append(out, jsonFile{
			RequiresPython:   requires,
			CoreMetadata:     meta,
			DistInfoMetadata: meta,
			Filename:         f.Filename,
			URL:              s.URL() + "/files/" + url.PathEscape(p.name) + "/" + url.PathEscape(version) + "/" + url.PathEscape(f.Filename),
			PackageType:      packageType(f.Filename),
			Size:             len(f.Content),
			Digests:          map[string]string{"sha256": hex.EncodeToString(sum[:])},
			Yanked:           yanked,
			YankedReason:     rp,
			UploadTime:       ut.UTC().Format("2006-01-02T15:04:05.000000Z"),
		})
	}
	return out
}

func jsonAnswer(v any) answer {
	body, err := json.Marshal(v)
	if err != nil { // cannot happen with our types; never panic
		return text(http.StatusInternalServerError, err.Error())
	}
	return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

func (s *Server) projectDoc(r *http.Request, name string) answer {
	p, _, a := s.find(r, name, "", "", false)
	if a != nil {
		return *a
	}
	releases := map[string][]jsonFile{}
	latest := ""
	for v := range p.versions {
		releases[v] = s.files(p, v)
		if latest == "" || versionLess(latest, v) {
			latest = v
		}
	}
	return jsonAnswer(map[string]any{
		"info":            jsonInfo{Name: p.name, Version: latest},
		"releases":        releases,
		"urls":            s.files(p, latest),
		"vulnerabilities": []any{},
	})
}

func (s *Server) releaseDoc(r *http.Request, name, version string) answer {
	p, _, a := s.find(r, name, version, "", false)
	if a != nil {
		return *a
	}
	info := jsonInfo{Name: p.name, Version: version}
	for _, f := range p.versions[version] {
		if md := f.metadata(); md != nil { // Warehouse: the first upload's metadata
			info.RequiresDist = requiresDist(md)
			break
		}
	}
	if reason, ok := p.yanked[version]; ok {
		info.Yanked = true
		if reason != "" {
			info.YankedReason = &reason
		}
	}
	files := s.lieRelease(r, name, version, &info, s.files(p, version))
	return jsonAnswer(map[string]any{
		"info":            info,
		"urls":            files,
		"vulnerabilities": []any{},
	})
}

func (s *Server) provenance(r *http.Request, name, version, filename string) answer {
	p, f, a := s.find(r, name, version, filename, false)
	if a != nil {
		lp, lf, lv, ok := s.lieProvenance(r, name, version, filename)
		if !ok {
			_, _, a = s.find(r, name, version, filename, true) // remember the unexpected path
			return *a
		}
		p, f, version = lp, lf, lv
	}
	if f.Provenance != nil {
		return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/vnd.pypi.integrity.v1+json"}}, body: f.Provenance}
	}
	if f.Publisher == nil {
		return text(http.StatusNotFound, "no provenance")
	}
	// Minted once per file and publisher, as a real index stores the
	// provenance uploaded with the file: the same document every time, so
	// conditional requests for it are answered 304.
	sum := sha256.Sum256(f.Content)
	key := p.name + "\x00" + version + "\x00" + f.Filename + "\x00" + hex.EncodeToString(sum[:]) + "\x00" + string(f.Publisher)
	s.mu.Lock()
	body, ok := s.minted[key]
	s.mu.Unlock()
	var err error
	switch {
	case ok:
	case s.mint == nil:
		err = errors.New("no Mint function given")
	default:
		body, err = s.mint(File{Project: p.name, Version: version, Filename: f.Filename, SHA256: hex.EncodeToString(sum[:]), Publisher: f.Publisher})
		if err == nil {
			s.mu.Lock()
			if s.minted == nil {
				s.minted = map[string][]byte{}
			}
			s.minted[key] = body
			s.mu.Unlock()
		}
	}
	if err != nil {
		s.unexpectedf("GET %s: mint: %v", r.URL.Path, err)
		return text(http.StatusInternalServerError, "mint: "+err.Error())
	}
	return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/vnd.pypi.integrity.v1+json"}}, body: body}
}

func (s *Server) file(r *http.Request, name, version, filename string) answer {
	if base, ok := strings.CutSuffix(filename, ".metadata"); ok {
		if _, f, a := s.find(r, name, version, base, false); a == nil && f.metadata() != nil {
			body := f.metadata()
			if f.MetadataServed != nil {
				body = f.MetadataServed
			}
			return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/octet-stream"}}, body: body}
		}
	}
	if a, ok := s.lieCopy(r, name, version, filename); ok {
		return a
	}
	_, f, a := s.find(r, name, version, filename, true)
	if a != nil {
		return *a
	}
	if f.Status != 0 && f.Status != http.StatusOK {
		return text(f.Status, http.StatusText(f.Status))
	}
	body := f.Content
	if f.Served != nil {
		body = f.Served
	}
	return answer{status: http.StatusOK, header: http.Header{"Content-Type": {"application/octet-stream"}}, body: body}
}
