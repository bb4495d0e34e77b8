package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
)

// Publisher continuity (issue #9). The attacks PEP 740 exists for show up
// as a change: a release uploaded with a stolen API token carries no
// attestation where the releases before it did, and a hijacked publisher
// signs from another repository. The engine compares each audited release
// with the project's reference release: the most recent earlier release
// (PEP 440 order, yanked releases and pre-releases included, since yanking
// does not change who published a file and a stolen token can yank) that
// has an attested file. Which files are attested comes from the project's
// PEP 691 JSON simple page (PEP 740's "provenance" per file); who attested
// them from the verified provenance of one sdist and one wheel of the
// reference, at most three extra requests per package.

// Continuity is what the engine established about a release's publishers
// against the project's earlier releases. Its verdicts are policy's.
type Continuity struct {
	Status policy.ContinuityStatus
	// ComparedWith is the reference release, as the index spells it; ""
	// when there is none (first, unknown, or inconsistent before any
	// comparison).
	ComparedWith string
	// PreviousPublishers are the publishers the reference's verified
	// attestations name, one per kind and repository.
	PreviousPublishers []Publisher
	// Findings are the problems behind changed, regressed and
	// inconsistent: publisher-changed, provenance-regressed,
	// publisher-inconsistent.
	Findings []Problem
	// Why says why the status is unknown, naming the page that failed.
	Why string
}

// The continuity problem kinds.
const (
	PublisherInconsistent ProblemKind = "publisher-inconsistent"
	ProvenanceRegressed   ProblemKind = "provenance-regressed"
	PublisherChanged      ProblemKind = "publisher-changed"
)

// history is what the project's earlier releases say, before the audited
// release's own files are known.
type history struct {
	project    string
	ref        string            // reference release; "" = first
	pending    []pypi.SimpleFile // reference files not read yet (see confirm)
	failures   []string          // why reference files could not be read
	refKinds   []pypi.DistKind   // distribution types the reference attested
	publishers []Publisher       // who attested the reference
	why        string            // non-empty: unknown, and why

	// attested are the audited release's files the simple page says are
	// attested. Files left unchecked (a target's skipped ones, issue #11;
	// those --hash or an installed wheel leave out) still tell a release
	// with nothing attested from one whose attested files were not read.
	attested []string
}

// maxReferenceFiles is how many of the reference release's files have
// their provenance fetched: one of each distribution type.
const maxReferenceFiles = 2

// history reads the project's simple page and the reference release's
// provenance. It never fails: what it cannot learn makes the history
// unknown, with the cause.
func (e *Engine) history(ctx context.Context, project, version string) history {
	sp, err := e.o.Index.Simple(ctx, project)
	if err != nil {
		return history{why: fmt.Sprintf("the project's PEP 691 simple page: %v", err)}
	}
	want, err := pypi.ParseVersion(version)
	if err != nil {
		return history{why: fmt.Sprintf("%s is not a PEP 440 version, so earlier releases cannot be ordered", version)}
	}
	type release struct {
		v     pypi.Version
		files []pypi.SimpleFile
		kinds []pypi.DistKind
	}
	var (
		ref      *release
		known    bool
		attested []string
	)
	byVersion := map[string]*release{}
	for _, f := range sp.Files {
		known = known || f.ProvenanceKnown
		d, err := pypi.ParseDistFilename(f.Filename)
		if err == nil && d.Name == pypi.NormalizeName(project) && d.Version.Equal(want) && f.Provenance != "" {
			attested = append(attested, f.Filename)
		}
		if err != nil || d.Name != pypi.NormalizeName(project) || d.Version.Compare(want) >= 0 {
			continue // not a distribution of an earlier release of this project
		}
		if f.Provenance == "" {
			continue
		}
		key := d.Version.String()
		r := byVersion[key]
		if r == nil {
			r = &release{v: d.Version}
			byVersion[key] = r
		}
		r.files = append(r.files, f)
		if !slices.Contains(r.kinds, d.Kind) {
			r.kinds = append(r.kinds, d.Kind)
		}
		if ref == nil || d.Version.Compare(ref.v) > 0 {
			ref = r
		}
	}
	if ref == nil {
		if !known && len(sp.Files) > 0 {
			return history{why: "the index's simple page does not say which files are attested (no PEP 740 provenance field)"}
		}
		return history{}
	}
	spelled := ref.v.String()
	for _, s := range sp.Versions {
		if v, err := pypi.ParseVersion(s); err == nil && v.Equal(ref.v) {
			spelled = s
			break
		}
	}
	h := history{project: project, ref: spelled, refKinds: ref.kinds, attested: attested}
	// Of each type, the file uploaded first: files can be added to a
	// release later, and one added by someone else must not become the
	// reference (PEP 700 upload-time; page order when a time is missing).
	var picked []pypi.SimpleFile
	for _, k := range ref.kinds {
		first := -1
		for i, f := range ref.files {
			if d, _ := pypi.ParseDistFilename(f.Filename); d.Kind == k && (first < 0 || uploadedBefore(f, ref.files[first])) {
				first = i
			}
		}
		picked = append(picked, ref.files[first])
	}
	picked = picked[:min(len(picked), maxReferenceFiles)]
	// One file names the reference's publisher; the other is read only
	// when the first does not verify, or when the audited release's
	// publisher is not the first's (confirm), so that the usual case
	// costs two requests and one verification.
	e.learn(ctx, &h, picked[:1])
	h.pending = picked[1:]
	if len(h.publishers) == 0 {
		e.learn(ctx, &h, h.pending)
		h.pending = nil
	}
	return h
}

// learn reads the publishers of the reference files fs, in parallel, into
// h; when none is known afterwards, the history is unknown, with why.
func (e *Engine) learn(ctx context.Context, h *history, fs []pypi.SimpleFile) {
	results := make([][]Publisher, len(fs))
	errs := make([]error, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs {
		wg.Go(func() { results[i], errs[i] = e.referencePublishers(ctx, h.project, h.ref, f) })
	}
	wg.Wait()
	for i, pubs := range results {
		if errs[i] != nil {
			h.failures = append(h.failures, errs[i].Error())
			continue
		}
		for _, p := range pubs {
			if !slices.ContainsFunc(h.publishers, func(q Publisher) bool { return samePublisher(p, q) }) {
				h.publishers = append(h.publishers, p)
			}
		}
	}
	h.why = ""
	if len(h.publishers) == 0 {
		h.why = fmt.Sprintf("the reference release %s is attested, but no attestation of it verified: %s", h.ref, strings.Join(h.failures, "; "))
	}
}

// confirm reads the reference files not read yet, for a release that
// would be publisher-changed against the first one: a reference whose
// wheel and sdist name different publishers must not make the second a
// change.
func (e *Engine) confirm(ctx context.Context, h *history) bool {
	if len(h.pending) == 0 {
		return false
	}
	e.learn(ctx, h, h.pending)
	h.pending = nil
	return true
}

// referencePublishers fetches and verifies the provenance of one file of
// the reference release, returning the publishers of its verified
// attestations. The file's digest is the simple page's, which the
// attestation's subject must name. Memory is bounded like any provenance
// fetch (Engine.fetchProvenance).
func (e *Engine) referencePublishers(ctx context.Context, project, version string, f pypi.SimpleFile) ([]Publisher, error) {
	if !f.SHA256.Valid() {
		return nil, fmt.Errorf("%s: the simple page lists no sha256 digest", f.Filename)
	}
	prov, probs := e.fetchProvenance(ctx, project, version, f.Filename, f.SHA256)
	if len(probs) > 0 {
		return nil, errors.New(probs[0].Message)
	}
	if prov.none() {
		return nil, fmt.Errorf("%s: the simple page says it is attested, but the Integrity API has no provenance for it", f.Filename)
	}
	fv, _ := e.verify(f.Filename, f.SHA256, prov)
	var pubs []Publisher
	for _, a := range fv.Attestations {
		if a.Verified && len(a.Problems) == 0 {
			pubs = append(pubs, a.Publisher)
		}
	}
	if len(pubs) == 0 {
		return nil, fmt.Errorf("%s: %s", f.Filename, firstMessage(fv.AllProblems(), "no attestation verified"))
	}
	return pubs, nil
}

func firstMessage(ps []Problem, def string) string {
	if len(ps) == 0 {
		return def
	}
	return ps[0].Message
}

// samePublisher reports whether two publishers are the same for continuity:
// the same kind and repository (or service account). Different workflows
// or environments of one repository are shown, never flagged.
func samePublisher(a, b Publisher) bool {
	return strings.EqualFold(a.Kind, b.Kind) && strings.EqualFold(a.Repository, b.Repository) &&
		strings.EqualFold(a.Email, b.Email)
}

// continuity compares the audited release's checked files with the
// history. Inconsistency within the release takes precedence over the
// comparison with the reference.
func continuity(project, version string, h history, files []File) *Continuity {
	c := &Continuity{ComparedWith: h.ref, PreviousPublishers: h.publishers}
	type signed struct {
		file string
		pub  Publisher
	}
	var seen []signed
	for _, f := range files {
		for _, a := range f.Attestations {
			if a.Verified && len(a.Problems) == 0 {
				seen = append(seen, signed{f.Filename, a.Publisher})
			}
		}
	}
	var distinct []Publisher
	for _, s := range seen {
		if !slices.ContainsFunc(distinct, func(q Publisher) bool { return samePublisher(s.pub, q) }) {
			distinct = append(distinct, s.pub)
		}
	}
	if len(distinct) > 1 {
		var parts []string
		for _, s := range seen {
			parts = append(parts, fmt.Sprintf("%s by %s", s.file, publisherString(s.pub)))
		}
		c.Status = policy.Inconsistent
		c.ComparedWith, c.PreviousPublishers = "", nil
		c.Findings = []Problem{{Kind: PublisherInconsistent, Message: fmt.Sprintf(
			"%s %s: its files name different publishers: %s", project, version, strings.Join(parts, "; "))}}
		return c
	}
	switch {
	case h.why != "":
		c.Status, c.Why = policy.Unknown, h.why
		return c
	case h.ref == "":
		c.Status = policy.First
		return c
	}
	before := publisherList(h.publishers)
	// Something in the release is attested: a checked file, or one left
	// unchecked that the simple page says is.
	attested := len(seen) > 0 || slices.ContainsFunc(h.attested, func(name string) bool {
		return !slices.ContainsFunc(files, func(f File) bool { return f.Filename == name })
	})
	for _, f := range files {
		// A file of a type the reference attested has lost its
		// attestation; when nothing in the release is attested, every
		// unattested file has (a stolen token can upload only the type the
		// project never attested). Attestations of unknown predicate types
		// are no evidence of a publisher (SPEC §4.4), so they do not count.
		d, err := pypi.ParseDistFilename(f.Filename)
		if f.Evidence != HashOnly || attested && (err != nil || !slices.Contains(h.refKinds, d.Kind)) {
			continue
		}
		what := "has no attestation"
		if len(f.Attestations) > 0 {
			what = "has no attestation of a known predicate type"
		}
		c.Findings = append(c.Findings, Problem{Kind: ProvenanceRegressed, Message: fmt.Sprintf(
			"%s %s: %s was attested by %s; %s's %s %s", project, version, h.ref, before, version, f.Filename, what)})
	}
	for _, p := range distinct {
		if !slices.ContainsFunc(h.publishers, func(q Publisher) bool { return samePublisher(p, q) }) {
			c.Findings = append(c.Findings, Problem{Kind: PublisherChanged, Message: fmt.Sprintf(
				"%s %s: attested by %s, but %s was attested by %s", project, version, publisherString(p), h.ref, before)})
		}
	}
	switch {
	case slices.ContainsFunc(c.Findings, func(p Problem) bool { return p.Kind == ProvenanceRegressed }):
		c.Status = policy.Regressed
	case len(c.Findings) > 0:
		c.Status = policy.Changed
	default:
		c.Status = policy.Same
	}
	return c
}

// publisherList names publishers for a message: "a and b".
func publisherList(ps []Publisher) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = publisherString(p)
	}
	return strings.Join(names, " and ")
}

// policyContinuity is the continuity fact as policy reads it.
func policyContinuity(c *Continuity) *policy.Continuity {
	if c == nil {
		return nil
	}
	out := &policy.Continuity{Status: c.Status, Why: c.Why}
	for _, f := range c.Findings {
		out.Findings = append(out.Findings, policy.Violation{Kind: policy.ViolationKind(f.Kind), Message: f.Message})
	}
	return out
}

// uploadedBefore reports whether a was uploaded before b, as the simple
// page says; a file without a time never comes before one with a time.
func uploadedBefore(a, b pypi.SimpleFile) bool {
	switch {
	case a.UploadTime.IsZero():
		return false
	case b.UploadTime.IsZero():
		return true
	}
	return a.UploadTime.Before(b.UploadTime)
}
