package verify_test

// Publisher continuity end to end (issue #9): multi-release projects on
// the fake Warehouse, with per-file provenance and a PEP 691 JSON page,
// audited with the built-in policy unless a test says otherwise.

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

func byRepo(repo string) string { return `{"repository": "` + repo + `"}` }

// contRelease is a release with a wheel and an sdist, each attested by the
// given repository ("" = no provenance).
func contRelease(project, version, wheelBy, sdistBy string) []pypitest.ModelFile {
	pub := func(r string) string {
		if r == "" {
			return ""
		}
		return byRepo(r)
	}
	return []pypitest.ModelFile{
		engFile(engWheel(project, version), pub(wheelBy)),
		engFile(engSdist(project, version), pub(sdistBy)),
	}
}

func contModel() pypitest.Model {
	// added 1.0: a hijacker added a wheel attested by evil/added to the
	// old release, listed first; it was uploaded after the release's own
	// files, so it is not the reference.
	added := contRelease("added", "1.0", "acme/added", "acme/added")
	late := engFile("added-1.0-0-py3-none-any.whl", byRepo("evil/added"))
	late.UploadTime = pypitest.DefaultUploadTime.Add(24 * time.Hour)
	added = append([]pypitest.ModelFile{late}, added...)
	return pypitest.Model{
		Projects: map[string]map[string][]pypitest.ModelFile{
			"steady": {"1.0": contRelease("steady", "1.0", "acme/steady", "acme/steady"),
				"1.1": contRelease("steady", "1.1", "acme/steady", "acme/steady")},
			// 1.1 (yanked) and 1.2 uploaded with a stolen token.
			"stolen": {"1.0": contRelease("stolen", "1.0", "acme/stolen", "acme/stolen"),
				"1.1": contRelease("stolen", "1.1", "", ""),
				"1.2": contRelease("stolen", "1.2", "", "")},
			// a pre-release is a reference too
			"moved": {"1.0": contRelease("moved", "1.0", "acme/moved", "acme/moved"),
				"2.0rc1": contRelease("moved", "2.0rc1", "acme/moved", "acme/moved"),
				"2.0":    contRelease("moved", "2.0", "evil/moved", "evil/moved")},
			"mixed": {"1.0": contRelease("mixed", "1.0", "acme/mixed", "evil/mixed")},
			"added": {"1.0": added, "2.0": contRelease("added", "2.0", "evil/added", "evil/added")},
			// the reference's wheel and sdist came from two repositories of
			// the project: the second is read before calling 1.1 a change
			"split": {"1.0": contRelease("split", "1.0", "acme/split-wheels", "acme/split"),
				"1.1": contRelease("split", "1.1", "acme/split", "acme/split")},
			"fresh": {"1.0": contRelease("fresh", "1.0", "acme/fresh", "acme/fresh")},
			"plain": {"1.0": contRelease("plain", "1.0", "", ""), "2.0": contRelease("plain", "2.0", "", "")},
			// only the sdist was ever attested: an unattested wheel is no regression
			"partial": {"1.0": contRelease("partial", "1.0", "", "acme/partial"),
				"1.1": contRelease("partial", "1.1", "", "acme/partial")},
			// the same history, then a release uploaded with a stolen token
			// that holds only a wheel: nothing in it is attested, which is
			// the stolen-token pattern whatever kinds the reference attested
			"wheelonly": {"1.0": contRelease("wheelonly", "1.0", "", "acme/wheelonly"),
				"1.1": contRelease("wheelonly", "1.1", "", "")[:1]},
			// attestations of an unknown predicate type are no evidence of
			// a publisher: the files still lost theirs
			"otherpred": {"1.0": contRelease("otherpred", "1.0", "acme/otherpred", "acme/otherpred"),
				"1.1": {engFile(engWheel("otherpred", "1.1"), byRepo("acme/otherpred")),
					engFile(engSdist("otherpred", "1.1"), `{"repository": "acme/otherpred", "predicate_type": "https://example.com/other/v1"}`)}},
		},
		Yanked: map[string]map[string]string{"stolen": {"1.1": "oops"}},
	}
}

type contOut struct {
	Name, Version string
	Evidence      verify.Evidence
	OK, Violation bool
	Kinds         []verify.ProblemKind
	Status        policy.ContinuityStatus
	ComparedWith  string
	Previous      []string
}

func contOutcome(r *verify.Report) []contOut {
	var out []contOut
	for _, p := range r.Packages {
		o := contOut{Name: p.Name, Version: p.Version, Evidence: p.Evidence, OK: p.OK, Violation: p.Violation, Kinds: engKinds(p.Problems)}
		if c := p.Continuity; c != nil {
			o.Status, o.ComparedWith = c.Status, c.ComparedWith
			for _, pub := range c.PreviousPublishers {
				o.Previous = append(o.Previous, pub.Repository)
			}
		}
		out = append(out, o)
	}
	return out
}

func TestAuditContinuity(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, contModel())
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
	rep := eng.Audit(t.Context(), engRequirements(t,
		"steady==1.1", "stolen==1.1", "stolen==1.2", "moved==2.0", "mixed==1.0", "fresh==1.0", "plain==2.0", "partial==1.1", "split==1.1", "wheelonly==1.1", "otherpred==1.1", "added==2.0"))
	acme := func(p string) []string { return []string{"acme/" + p} }
	want := []contOut{
		{Name: "steady", Version: "1.1", Evidence: verify.Verified, OK: true, Status: policy.Same, ComparedWith: "1.0", Previous: acme("steady")},
		{Name: "stolen", Version: "1.1", Evidence: verify.HashOnly, Violation: true,
			Kinds:  []verify.ProblemKind{verify.ProvenanceRegressed, verify.ProvenanceRegressed, verify.Yanked},
			Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("stolen")},
		{Name: "stolen", Version: "1.2", Evidence: verify.HashOnly, Violation: true,
			Kinds:  []verify.ProblemKind{verify.ProvenanceRegressed, verify.ProvenanceRegressed},
			Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("stolen")},
		{Name: "moved", Version: "2.0", Evidence: verify.Verified, Violation: true,
			Kinds:  []verify.ProblemKind{verify.PublisherChanged},
			Status: policy.Changed, ComparedWith: "2.0rc1", Previous: acme("moved")},
		{Name: "mixed", Version: "1.0", Evidence: verify.Verified, Violation: true,
			Kinds: []verify.ProblemKind{verify.PublisherInconsistent}, Status: policy.Inconsistent},
		{Name: "fresh", Version: "1.0", Evidence: verify.Verified, OK: true, Status: policy.First},
		{Name: "plain", Version: "2.0", Evidence: verify.HashOnly, OK: true, Status: policy.First},
		{Name: "partial", Version: "1.1", Evidence: verify.HashOnly, OK: true, Status: policy.Same, ComparedWith: "1.0", Previous: acme("partial")},
		{Name: "split", Version: "1.1", Evidence: verify.Verified, OK: true, Status: policy.Same, ComparedWith: "1.0", Previous: []string{"acme/split-wheels", "acme/split"}},
		{Name: "wheelonly", Version: "1.1", Evidence: verify.HashOnly, Violation: true, Kinds: []verify.ProblemKind{verify.ProvenanceRegressed},
			Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("wheelonly")},
		{Name: "otherpred", Version: "1.1", Evidence: verify.HashOnly, Violation: true, Kinds: []verify.ProblemKind{verify.ProvenanceRegressed},
			Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("otherpred")},
		{Name: "added", Version: "2.0", Evidence: verify.Verified, Violation: true, Kinds: []verify.ProblemKind{verify.PublisherChanged},
			Status: policy.Changed, ComparedWith: "1.0", Previous: acme("added")},
	}
	if diff := cmp.Diff(want, contOutcome(rep)); diff != "" {
		t.Errorf("continuity (-want +got):\n%s", diff)
	}
	for _, p := range rep.Packages {
		for _, pr := range p.Problems {
			switch pr.Kind {
			case verify.ProvenanceRegressed, verify.PublisherChanged:
				if !strings.Contains(pr.Message, "github.com/acme/") {
					t.Errorf("%s: %s does not name the earlier publisher: %q", p.Name, pr.Kind, pr.Message)
				}
			case verify.PublisherInconsistent:
				if !strings.Contains(pr.Message, "acme/mixed") || !strings.Contains(pr.Message, "evil/mixed") {
					t.Errorf("%s: %q does not name both publishers", p.Name, pr.Message)
				}
			}
		}
	}
}

// TestAuditContinuityPolicy: a policy that pins the new publisher accepts
// the move (the status is still shown); continuity = false turns the
// checks off, and where the policy would not read the history it is not
// fetched.
func TestAuditContinuityPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      contOut
	}{
		{"pinning the new publisher accepts the move",
			"[packages.moved]\npublishers = [{kind = \"GitHub\", repository = \"evil/moved\"}]\n",
			contOut{Name: "moved", Version: "2.0", Evidence: verify.Verified, OK: true, Status: policy.Changed, ComparedWith: "2.0rc1", Previous: []string{"acme/moved"}}},
		{"pinning the old publisher refuses it",
			"[packages.moved]\npublishers = [{kind = \"GitHub\", repository = \"acme/moved\"}]\n",
			contOut{Name: "moved", Version: "2.0", Evidence: verify.Verified, Violation: true, Kinds: []verify.ProblemKind{verify.PublisherNotAllowed, verify.PublisherNotAllowed},
				Status: policy.Changed, ComparedWith: "2.0rc1", Previous: []string{"acme/moved"}}},
		{"pins under require = attestation judge alone: no history fetched",
			"[packages.moved]\nrequire = \"attestation\"\npublishers = [{kind = \"GitHub\", repository = \"evil/moved\"}]\n",
			contOut{Name: "moved", Version: "2.0", Evidence: verify.Verified, OK: true}},
		{"continuity = false", "continuity = false\n",
			contOut{Name: "moved", Version: "2.0", Evidence: verify.Verified, OK: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol, err := policy.Parse("pyverify.toml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			srv, w := engIndex(t, contModel())
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{Policy: pol})
			rep := eng.Audit(t.Context(), engRequirements(t, "moved==2.0"))
			if diff := cmp.Diff([]contOut{tt.want}, contOutcome(rep)); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
			if tt.want.Status == "" {
				for _, r := range srv.Requests() {
					if strings.HasPrefix(r, "/simple/") {
						t.Errorf("continuity = false, yet the simple page was requested: %s", r)
					}
				}
			}
		})
	}
}

// TestAuditContinuityUnknown: a simple page that fails makes continuity
// unknown: shown, the evidence unchanged, the audit incomplete (exit 3),
// with an index-error naming the page.
func TestAuditContinuityUnknown(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, contModel())
	srv.Fault("/simple/stolen/", pypitest.Fault{Status: http.StatusServiceUnavailable})
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
	rep := eng.Audit(t.Context(), engRequirements(t, "stolen==1.2"))
	p := rep.Packages[0]
	if p.Evidence != verify.HashOnly || p.OK || p.Violation {
		t.Errorf("evidence %s ok %v violation %v, want hash-only, not ok, no violation", p.Evidence, p.OK, p.Violation)
	}
	if p.Continuity == nil || p.Continuity.Status != policy.Unknown {
		t.Fatalf("continuity %+v, want unknown", p.Continuity)
	}
	if got := engKinds(p.Problems); !cmp.Equal(got, []verify.ProblemKind{verify.IndexError}) ||
		!strings.Contains(p.Problems[0].Message, "/simple/stolen/") {
		t.Errorf("problems %v, want one index-error naming the simple page", p.Problems)
	}
	if rep.Summary.Errors != 0 || rep.Summary.OK != 0 || rep.Summary.Violations != 0 {
		t.Errorf("summary %+v: want an incomplete package (exit 3)", rep.Summary)
	}
}

// TestAuditContinuityOneClock: whether the policy asks for continuity and
// how it judges the package are decided at one instant. Reading the clock
// twice let an entry with continuity = false that expired in between skip
// the history (first reading) and then report policy-expired with the top
// level's continuity = true unchecked (second reading), ok.
func TestAuditContinuityOneClock(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	var calls atomic.Int32
	now := func() time.Time {
		if calls.Add(1) == 1 {
			return t0
		}
		return t0.Add(2 * time.Hour)
	}
	pol, err := policy.Parse("pyverify.toml", []byte("[packages.stolen]\ncontinuity = false\nreason = \"the project confirmed 1.2\"\nexpires = 2026-11-24T13:00:00Z\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv, w := engIndex(t, contModel())
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{Policy: pol, Now: now})
	p := eng.Audit(t.Context(), engRequirements(t, "stolen==1.2")).Packages[0]
	expired := slices.ContainsFunc(p.Problems, func(q verify.Problem) bool { return q.Kind == verify.PolicyExpired })
	if expired != (p.Continuity != nil) {
		t.Errorf("policy-expired reported: %v, continuity checked: %v (problems %v): the entry applied at one instant and not at the other", expired, p.Continuity != nil, p.Problems)
	}
}

// TestAuditContinuityTarget: with a target (issue #11) only the files it
// installs are checked. That a release has nothing attested is the
// stolen-token pattern, but the sdist a target skips may be attested: a
// project that attests only its sdists then read "regressed" for every
// release audited for a target. Whether the skipped files are attested is
// taken from the simple page the history reads; a release uploaded with a
// stolen token still regresses.
func TestAuditContinuityTarget(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, contModel())
	target := &pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{Target: target})
	rep := eng.Audit(t.Context(), engRequirements(t, "partial==1.1", "wheelonly==1.1", "stolen==1.2", "steady==1.1"))
	acme := func(p string) []string { return []string{"acme/" + p} }
	want := []contOut{
		{Name: "partial", Version: "1.1", Evidence: verify.HashOnly, OK: true, Status: policy.Same, ComparedWith: "1.0", Previous: acme("partial")},
		{Name: "wheelonly", Version: "1.1", Evidence: verify.HashOnly, Violation: true,
			Kinds: []verify.ProblemKind{verify.ProvenanceRegressed}, Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("wheelonly")},
		{Name: "stolen", Version: "1.2", Evidence: verify.HashOnly, Violation: true,
			Kinds: []verify.ProblemKind{verify.ProvenanceRegressed}, Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("stolen")},
		{Name: "steady", Version: "1.1", Evidence: verify.Verified, OK: true, Status: policy.Same, ComparedWith: "1.0", Previous: acme("steady")},
	}
	if diff := cmp.Diff(want, contOutcome(rep)); diff != "" {
		t.Errorf("continuity with a target (-want +got):\n%s", diff)
	}
}

// TestAuditContinuityHashPinned: the same holds for any file left
// unchecked, not only a target's: a requirement whose --hash pins only the
// wheel (and audit --path, which checks only the installed wheel) reads a
// release whose sdist alone is attested as it is, not as regressed.
func TestAuditContinuityHashPinned(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, contModel())
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})
	rep := eng.Audit(t.Context(), engRequirements(t,
		"partial==1.1 --hash=sha256:"+engSHA256(t, engWheel("partial", "1.1")),
		"wheelonly==1.1 --hash=sha256:"+engSHA256(t, engWheel("wheelonly", "1.1"))))
	acme := func(p string) []string { return []string{"acme/" + p} }
	want := []contOut{
		{Name: "partial", Version: "1.1", Evidence: verify.HashOnly, OK: true, Status: policy.Same, ComparedWith: "1.0", Previous: acme("partial")},
		{Name: "wheelonly", Version: "1.1", Evidence: verify.HashOnly, Violation: true,
			Kinds: []verify.ProblemKind{verify.ProvenanceRegressed}, Status: policy.Regressed, ComparedWith: "1.0", Previous: acme("wheelonly")},
	}
	if diff := cmp.Diff(want, contOutcome(rep)); diff != "" {
		t.Errorf("continuity with hash pins (-want +got):\n%s", diff)
	}
}
