package verify_test

// End-to-end tests of the audit engine: the production index client
// (pypi.NewClient) against the fake Warehouse of pypi/pypitest, whose
// provenance is minted by the virtual Sigstore of verify/verifytest and
// checked by the production Verifier. Each test asserts, with go-cmp, the
// per-package evidence, problem kinds, policy outcome and summary of SPEC
// §4, §5, §7 and §9. Concurrency is asserted with the fake index's
// counters, never with clocks; retries sleep through an injected no-op.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// engWorld is one virtual Sigstore and a production Verifier for its
// trusted root, shared by the engine tests (both are safe for concurrent
// use).
type engWorld struct {
	sig *verifytest.Sigstore
	ver *verify.Verifier
}

var engShared = sync.OnceValues(func() (*engWorld, error) {
	sig, err := verifytest.NewSigstore()
	if err != nil {
		return nil, err
	}
	tr, err := verify.LoadTrustedRoot("trusted_root.json", sig.TrustedRootJSON())
	if err != nil {
		return nil, err
	}
	v, err := verify.NewVerifier(tr)
	if err != nil {
		return nil, err
	}
	return &engWorld{sig: sig, ver: v}, nil
})

// engIndex starts a fake index for model whose provenance is minted by the
// shared virtual Sigstore, and fails the test on requests nobody planned.
func engIndex(t *testing.T, model pypitest.Model) (*pypitest.Server, *engWorld) {
	t.Helper()
	w, err := engShared()
	if err != nil {
		t.Fatalf("virtual Sigstore and its verifier: %v", err)
	}
	srv := pypitest.New(model, func(f pypitest.File) ([]byte, error) {
		return w.sig.MintProvenance(f.Filename, f.SHA256, f.Publisher)
	})
	t.Cleanup(srv.Close)
	pypitest.Check(t, srv)
	return srv, w
}

// engSleep is a pypi.Options.Sleep that never waits, counting its calls so
// that a test can tell retries happened.
type engSleep struct{ n atomic.Int64 }

func (s *engSleep) sleep(ctx context.Context, _ time.Duration) error {
	s.n.Add(1)
	return ctx.Err()
}

// engEngine builds the production client for srv (po's BaseURL and, when
// unset, HTTPClient and Sleep filled in) and an engine over it.
func engEngine(t *testing.T, srv *pypitest.Server, w *engWorld, po pypi.Options, eo verify.Options) *verify.Engine {
	t.Helper()
	po.BaseURL = srv.URL()
	if po.HTTPClient == nil {
		po.HTTPClient = srv.Client()
	}
	if po.Sleep == nil {
		po.Sleep = (&engSleep{}).sleep
	}
	c, err := pypi.NewClient(po)
	if err != nil {
		t.Fatalf("pypi.NewClient: %v", err)
	}
	eo.Index, eo.Verifier = c, w.ver
	return verify.NewEngine(eo)
}

// engRequirements parses lines as a requirements file (so that --hash
// options are allowed).
func engRequirements(t *testing.T, lines ...string) []pypi.Requirement {
	t.Helper()
	fsys := fstest.MapFS{"requirements.txt": {Data: []byte(strings.Join(lines, "\n") + "\n")}}
	rf, err := pypi.ParseRequirements(fsys, "requirements.txt")
	if err != nil {
		t.Fatalf("ParseRequirements: %v", err)
	}
	return rf.Requirements
}

// Distribution contents and publisher sidecars of the test index.
func engWheel(project, version string) string {
	return strings.ReplaceAll(project, "-", "_") + "-" + version + "-py3-none-any.whl"
}

func engSdist(project, version string) string {
	return strings.ReplaceAll(project, "-", "_") + "-" + version + ".tar.gz"
}

func engContent(filename string) []byte {
	return []byte("the bytes the publisher uploaded as " + filename + "\n")
}

const (
	engPublisher = `{"repository": "acme/demo"}`
	// engImpostor is signed by acme/demo while the provenance names
	// evil/demo: a publisher-mismatch (SPEC §4.5).
	engImpostor = `{"repository": "acme/demo", "publisher": {"kind": "GitHub", "repository": "evil/demo", "workflow": "release.yml"}}`
)

// engFile is a file with its original bytes and, when publisher is not
// empty, minted provenance.
func engFile(filename, publisher string) pypitest.ModelFile {
	f := pypitest.ModelFile{Filename: filename, Content: engContent(filename)}
	if publisher != "" {
		f.Publisher = []byte(publisher)
	}
	return f
}

// engModel is the index most tests use:
//   - demo 1.0: a wheel and an sdist, both attested by acme/demo (verified);
//   - plain 1.0: one wheel, no provenance (hash-only);
//   - tampered 1.0: attested, but other bytes served (failed, digest-mismatch);
//   - impostor 1.0: the provenance names another publisher (failed);
//   - multi 1.0, 1.1, 2.0 (yanked), 2.1rc1, all attested: for resolution.
func engModel() pypitest.Model {
	tampered := engFile(engWheel("tampered", "1.0"), engPublisher)
	// As many bytes as declared, so that only the digest tells.
	tampered.Served = []byte(strings.ToUpper(string(tampered.Content)))
	multi := map[string][]pypitest.ModelFile{}
	for _, v := range []string{"1.0", "1.1", "2.0", "2.1rc1"} {
		multi[v] = []pypitest.ModelFile{engFile(engWheel("multi", v), engPublisher)}
	}
	return pypitest.Model{
		Projects: map[string]map[string][]pypitest.ModelFile{
			"demo": {"1.0": {
				engFile(engWheel("demo", "1.0"), engPublisher),
				engFile(engSdist("demo", "1.0"), engPublisher),
			}},
			"plain":    {"1.0": {engFile(engWheel("plain", "1.0"), "")}},
			"tampered": {"1.0": {tampered}},
			"impostor": {"1.0": {engFile(engWheel("impostor", "1.0"), engImpostor)}},
			"multi":    multi,
		},
		Yanked: map[string]map[string]string{"multi": {"2.0": "broken build"}},
	}
}

// engSHA256 is the declared digest of filename in engModel.
func engSHA256(t *testing.T, filename string) string {
	t.Helper()
	d, _, err := verify.HashReader(strings.NewReader(string(engContent(filename))))
	if err != nil {
		t.Fatalf("hash %s: %v", filename, err)
	}
	return string(d)
}

// Paths of the fake index, for fault injection.
func engReleasePath(project, version string) string {
	return "/pypi/" + project + "/" + version + "/json"
}

func engFilePath(project, version, filename string) string {
	return "/files/" + url.PathEscape(project) + "/" + url.PathEscape(version) + "/" + url.PathEscape(filename)
}

func engProvenancePath(project, version, filename string) string {
	return "/integrity/" + project + "/" + version + "/" + filename + "/provenance"
}

// engPkg and engFileOut are what the tests compare: the evidence, the
// problem kinds (sorted), the policy outcome and, per file, whether the
// bytes were downloaded and which publishers' attestations verified.
type engPkg struct {
	Name      string
	Version   string
	Evidence  verify.Evidence
	OK        bool
	Violation bool
	Kinds     []verify.ProblemKind
	Files     []engFileOut
}

type engFileOut struct {
	Filename   string
	Downloaded bool
	Evidence   verify.Evidence
	Kinds      []verify.ProblemKind
	Verified   []string // repositories of the verified attestations
}

func engKinds(ps []verify.Problem) []verify.ProblemKind {
	var ks []verify.ProblemKind
	for _, p := range ps {
		ks = append(ks, p.Kind)
	}
	slices.Sort(ks)
	return ks
}

// engOutcome reduces r to what the tests compare, and checks the rules
// every report obeys whatever happened: every problem has a message naming
// its package or file (SPEC §5), and a file marked downloaded has no
// network or index error.
func engOutcome(t *testing.T, r *verify.Report) []engPkg {
	t.Helper()
	var out []engPkg
	for _, p := range r.Packages {
		for _, pr := range p.Problems {
			if !strings.Contains(strings.ToLower(pr.Message), strings.ToLower(p.Name)) {
				t.Errorf("%s: problem %s message %q does not name the package", p.Name, pr.Kind, pr.Message)
			}
		}
		o := engPkg{Name: p.Name, Version: p.Version, Evidence: p.Evidence, OK: p.OK, Violation: p.Violation, Kinds: engKinds(p.Problems)}
		for _, f := range p.Files {
			fo := engFileOut{Filename: f.Filename, Downloaded: f.Bytes == verify.BytesDownloaded, Evidence: f.Evidence, Kinds: engKinds(f.AllProblems())}
			for _, pr := range f.AllProblems() {
				if !strings.Contains(pr.Message, f.Filename) {
					t.Errorf("%s: problem %s message %q does not name the file", f.Filename, pr.Kind, pr.Message)
				}
			}
			for _, a := range f.Attestations {
				if a.Verified {
					fo.Verified = append(fo.Verified, a.Publisher.Repository)
				}
			}
			o.Files = append(o.Files, fo)
		}
		out = append(out, o)
	}
	return out
}

// Expected outcomes of engModel's packages when nothing goes wrong.
func engWantDemo() engPkg {
	return engPkg{Name: "demo", Version: "1.0", Evidence: verify.Verified, OK: true, Files: []engFileOut{
		{Filename: engWheel("demo", "1.0"), Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}},
		{Filename: engSdist("demo", "1.0"), Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}},
	}}
}

func engWantPlain() engPkg {
	return engPkg{Name: "plain", Version: "1.0", Evidence: verify.HashOnly, OK: true, Files: []engFileOut{
		{Filename: engWheel("plain", "1.0"), Downloaded: true, Evidence: verify.HashOnly},
	}}
}

func engWantTampered() engPkg {
	return engPkg{Name: "tampered", Version: "1.0", Evidence: verify.Failed, Violation: true, Files: []engFileOut{
		// The attestation is for the declared digest, so it verifies; the
		// bytes served are not those bytes.
		{Filename: engWheel("tampered", "1.0"), Downloaded: true, Evidence: verify.Failed,
			Kinds: []verify.ProblemKind{verify.DigestMismatch}, Verified: []string{"acme/demo"}},
	}}
}

func engWantImpostor() engPkg {
	return engPkg{Name: "impostor", Version: "1.0", Evidence: verify.Failed, Violation: true, Files: []engFileOut{
		{Filename: engWheel("impostor", "1.0"), Downloaded: true, Evidence: verify.Failed,
			Kinds: []verify.ProblemKind{verify.PublisherMismatch}},
	}}
}

// engEdit returns p after f changed it, for expectations that differ from
// the fault-free ones in one place.
func engEdit(p engPkg, f func(*engPkg)) engPkg {
	f(&p)
	return p
}

// engFault is a fault injected at one path of the fake index.
type engFault struct {
	path  string
	fault pypitest.Fault
}

func TestAudit(t *testing.T) {
	t.Parallel()
	all := []string{"demo==1.0", "plain==1.0", "tampered==1.0", "impostor==1.0"}
	allWant := []engPkg{engWantDemo(), engWantPlain(), engWantTampered(), engWantImpostor()}
	allSummary := verify.Summary{Packages: 4, Verified: 1, HashOnly: 1, Failed: 2, OK: 2, Violations: 2}
	demoWheel, demoSdist := engWheel("demo", "1.0"), engSdist("demo", "1.0")

	tests := []struct {
		name        string
		reqs        []string
		edit        func(*pypitest.Model) // changes to engModel
		faults      []engFault
		random      bool // SetRandomFaults(seed, 0.2, 0.1)
		client      pypi.Options
		opts        verify.Options
		want        []engPkg
		wantSummary verify.Summary
	}{
		{
			name:        "verified, hash-only, digest-mismatch and publisher-mismatch",
			reqs:        all,
			want:        allWant,
			wantSummary: allSummary,
		},
		{
			// SPEC §9: 429 and 5xx are retried (Retry-After: 0, and an
			// injected sleep), so flaky answers change nothing.
			name:        "20% 503 and 10% 429 give the same verdicts",
			reqs:        all,
			random:      true,
			client:      pypi.Options{MaxTries: 12},
			want:        allWant,
			wantSummary: allSummary,
		},
		{
			name:   "a stalled download is a network error for that package only",
			reqs:   all,
			faults: []engFault{{engFilePath("demo", "1.0", demoWheel), pypitest.Fault{Stall: true}}},
			// Long enough that no healthy request stalls on a loaded CI
			// machine under -race; only the stalled body reaches it.
			client: pypi.Options{StallTimeout: 2 * time.Second},
			want: append([]engPkg{engEdit(engWantDemo(), func(p *engPkg) {
				p.Evidence, p.OK = verify.Error, false
				p.Files = slices.Clone(p.Files)
				p.Files[0].Downloaded, p.Files[0].Evidence, p.Files[0].Kinds = false, verify.Error, []verify.ProblemKind{verify.Network}
			})}, allWant[1:]...),
			wantSummary: verify.Summary{Packages: 4, HashOnly: 1, Failed: 2, Errors: 1, OK: 1, Violations: 2},
		},
		{
			name:   "malformed JSON for one release is an index-error for that package only",
			reqs:   all,
			faults: []engFault{{engReleasePath("plain", "1.0"), pypitest.Fault{MalformedJSON: true}}},
			want: []engPkg{allWant[0],
				{Name: "plain", Version: "1.0", Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.IndexError}},
				allWant[2], allWant[3]},
			wantSummary: verify.Summary{Packages: 4, Verified: 1, Failed: 2, Errors: 1, OK: 1, Violations: 2},
		},
		{
			// SPEC §4.3: 403 is an index error, never "no attestation".
			name:   "403 from the Integrity API is an index-error, not hash-only",
			reqs:   []string{"plain==1.0", "demo==1.0"},
			faults: []engFault{{engProvenancePath("plain", "1.0", engWheel("plain", "1.0")), pypitest.Fault{Status: 403}}},
			want: []engPkg{engEdit(engWantPlain(), func(p *engPkg) {
				p.Evidence, p.OK = verify.Error, false
				p.Files = []engFileOut{{Filename: engWheel("plain", "1.0"), Downloaded: true, Evidence: verify.Error,
					Kinds: []verify.ProblemKind{verify.IndexError}}}
			}), engWantDemo()},
			wantSummary: verify.Summary{Packages: 2, Verified: 1, Errors: 1, OK: 1},
		},
		{
			name:   "404 from the Integrity API is hash-only",
			reqs:   []string{"demo==1.0"},
			faults: []engFault{{engProvenancePath("demo", "1.0", demoSdist), pypitest.Fault{Status: 404}}},
			want: []engPkg{engEdit(engWantDemo(), func(p *engPkg) {
				p.Evidence = verify.HashOnly
				p.Files = []engFileOut{p.Files[0], {Filename: demoSdist, Downloaded: true, Evidence: verify.HashOnly}}
			})},
			wantSummary: verify.Summary{Packages: 1, HashOnly: 1, OK: 1},
		},
		{
			name: "an unknown project is not-found, the rest are checked",
			reqs: []string{"demo==1.0", "no-such-project==1.0", "plain==1.0"},
			want: []engPkg{engWantDemo(),
				{Name: "no-such-project", Version: "1.0", Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.NotFound}},
				engWantPlain()},
			wantSummary: verify.Summary{Packages: 3, Verified: 1, HashOnly: 1, Errors: 1, OK: 2},
		},
		{
			name:        "a pin selects exactly the pinned file",
			reqs:        []string{"demo==1.0 --hash=sha256:" + engSHA256(t, demoSdist)},
			want:        []engPkg{engEdit(engWantDemo(), func(p *engPkg) { p.Files = p.Files[1:] })},
			wantSummary: verify.Summary{Packages: 1, Verified: 1, OK: 1},
		},
		{
			name: "a pin that matches no published file is pin-not-published",
			reqs: []string{
				"demo==1.0 --hash=sha256:" + engSHA256(t, demoWheel) + " --hash=sha256:" + strings.Repeat("ab", 32),
			},
			want: []engPkg{engEdit(engWantDemo(), func(p *engPkg) {
				p.Evidence, p.OK, p.Violation = verify.Failed, false, true
				p.Kinds = []verify.ProblemKind{verify.PinNotPublished}
				p.Files = p.Files[:1]
			})},
			wantSummary: verify.Summary{Packages: 1, Failed: 1, Violations: 1},
		},
		{
			// SPEC §3: the newest non-yanked release that satisfies the
			// specifier; 2.0 is yanked and 2.1rc1 a pre-release.
			name: "unpinned requirements resolve to the newest non-yanked release, flagged not-pinned",
			reqs: []string{"multi>=1.0", "multi<1.1"},
			opts: verify.Options{FlagUnpinned: true},
			want: []engPkg{
				{Name: "multi", Version: "1.1", Evidence: verify.Verified, OK: true, Kinds: []verify.ProblemKind{verify.NotPinned},
					Files: []engFileOut{{Filename: engWheel("multi", "1.1"), Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}}}},
				{Name: "multi", Version: "1.0", Evidence: verify.Verified, OK: true, Kinds: []verify.ProblemKind{verify.NotPinned},
					Files: []engFileOut{{Filename: engWheel("multi", "1.0"), Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}}}},
			},
			wantSummary: verify.Summary{Packages: 2, Verified: 2, OK: 2},
		},
		{
			name: "unpinned requirements are not flagged without FlagUnpinned",
			reqs: []string{"multi"},
			want: []engPkg{
				{Name: "multi", Version: "1.1", Evidence: verify.Verified, OK: true,
					Files: []engFileOut{{Filename: engWheel("multi", "1.1"), Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}}}},
			},
			wantSummary: verify.Summary{Packages: 1, Verified: 1, OK: 1},
		},
		{
			name:        "a specifier no release satisfies is not-found",
			reqs:        []string{"multi>=3"},
			want:        []engPkg{{Name: "multi", Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.NotFound}}},
			wantSummary: verify.Summary{Packages: 1, Errors: 1},
		},
		{
			name: "a pinned yanked release is checked and reported yanked",
			reqs: []string{"multi==2.0"},
			want: []engPkg{
				{Name: "multi", Version: "2.0", Evidence: verify.Verified, OK: true, Kinds: []verify.ProblemKind{verify.Yanked},
					Files: []engFileOut{{Filename: engWheel("multi", "2.0"), Downloaded: true, Evidence: verify.Verified, Verified: []string{"acme/demo"}}}},
			},
			wantSummary: verify.Summary{Packages: 1, Verified: 1, OK: 1},
		},
		{
			// pypi.ErrTruncated: fewer bytes than the index declared. The
			// file could not be checked: an error (network), neither failed
			// nor verified. (A transfer that breaks off midway:
			// TestAuditBrokenTransfer.)
			name: "a body shorter than declared is an error",
			reqs: []string{"demo==1.0", "plain==1.0"},
			edit: func(m *pypitest.Model) {
				f := &m.Projects["demo"]["1.0"][0]
				f.Served = f.Content[:len(f.Content)/2]
			},
			want: []engPkg{engEdit(engWantDemo(), func(p *engPkg) {
				p.Evidence, p.OK = verify.Error, false
				p.Files = slices.Clone(p.Files)
				p.Files[0].Downloaded, p.Files[0].Evidence, p.Files[0].Kinds = false, verify.Error, []verify.ProblemKind{verify.Network}
			}), engWantPlain()},
			wantSummary: verify.Summary{Packages: 2, HashOnly: 1, Errors: 1, OK: 1},
		},
		{
			// SPEC §9: "an artifact larger than the size the index
			// declared is cut off and failed".
			name:   "a body longer than declared fails",
			reqs:   []string{"demo==1.0", "plain==1.0"},
			faults: []engFault{{engFilePath("plain", "1.0", engWheel("plain", "1.0")), pypitest.Fault{LongerBody: true}}},
			want: []engPkg{engWantDemo(), engEdit(engWantPlain(), func(p *engPkg) {
				p.Evidence, p.OK, p.Violation = verify.Failed, false, true
				p.Files = []engFileOut{{Filename: engWheel("plain", "1.0"), Downloaded: true, Evidence: verify.Failed,
					Kinds: []verify.ProblemKind{verify.DigestMismatch}}}
			})},
			wantSummary: verify.Summary{Packages: 2, Verified: 1, Failed: 1, OK: 1, Violations: 1},
		},
		{
			// SPEC §2 --no-download: the attestation is checked against
			// the index's digest, and the (tampered) bytes never fetched.
			name: "NoDownload verifies against the index digest",
			reqs: []string{"demo==1.0", "plain==1.0", "tampered==1.0"},
			opts: verify.Options{NoDownload: true},
			want: []engPkg{
				engEdit(engWantDemo(), func(p *engPkg) {
					p.Files = slices.Clone(p.Files)
					p.Files[0].Downloaded, p.Files[1].Downloaded = false, false
				}),
				engEdit(engWantPlain(), func(p *engPkg) { p.Files = []engFileOut{{Filename: p.Files[0].Filename, Evidence: verify.HashOnly}} }),
				{Name: "tampered", Version: "1.0", Evidence: verify.Verified, OK: true, Files: []engFileOut{
					{Filename: engWheel("tampered", "1.0"), Evidence: verify.Verified, Verified: []string{"acme/demo"}}}},
			},
			wantSummary: verify.Summary{Packages: 3, Verified: 2, HashOnly: 1, OK: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			model := engModel()
			if tt.edit != nil {
				tt.edit(&model)
			}
			srv, w := engIndex(t, model)
			for _, f := range tt.faults {
				srv.Fault(f.path, f.fault)
			}
			if tt.random {
				srv.SetRandomFaults(1, 0.2, 0.1)
			}
			sl := &engSleep{}
			po := tt.client
			po.Sleep = sl.sleep
			eng := engEngine(t, srv, w, po, tt.opts)

			rep := eng.Audit(context.Background(), engRequirements(t, tt.reqs...))

			if diff := cmp.Diff(tt.want, engOutcome(t, rep)); diff != "" {
				t.Errorf("packages mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSummary, rep.Summary); diff != "" {
				t.Errorf("summary mismatch (-want +got):\n%s", diff)
			}
			if tt.random && sl.n.Load() == 0 {
				t.Errorf("random 503/429 faults: the client never retried")
			}
			if tt.opts.NoDownload {
				for _, p := range srv.Requests() {
					if strings.HasPrefix(p, "/files/") {
						t.Errorf("NoDownload: fetched %s", p)
					}
				}
			}
		})
	}
}

// TestAuditRequirements: each package entry keeps the requirement as
// written, where it came from and its marker (SPEC §3, §7); names and
// versions match after PEP 503 / PEP 440 normalisation; requirements that
// cannot be checked against the index are reported, never dropped.
func TestAuditRequirements(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, engModel())
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})

	rep := eng.Audit(context.Background(), engRequirements(t,
		"# comment",
		"Demo==1.0.0",
		"plain===1.0 ; python_version >= '3.9'",
		"git+https://github.com/acme/demo#egg=demo",
		"./local/dir",
	))

	type entry struct {
		Name, Version, Requirement, Source, Marker string
		Evidence                                   verify.Evidence
		Kinds                                      []verify.ProblemKind
		OK, Violation                              bool
	}
	var got []entry
	for _, p := range rep.Packages {
		got = append(got, entry{p.Name, p.Version, p.Requirement, p.Source.String(), p.Marker, p.Evidence, engKinds(p.Problems), p.OK, p.Violation})
	}
	want := []entry{
		{Name: "Demo", Version: "1.0", Requirement: "Demo==1.0.0", Source: "requirements.txt:2", Evidence: verify.Verified, OK: true},
		{Name: "plain", Version: "1.0", Requirement: "plain===1.0 ; python_version >= '3.9'", Source: "requirements.txt:3",
			Marker: "python_version >= '3.9'", Evidence: verify.HashOnly, OK: true},
		{Name: "demo", Requirement: "git+https://github.com/acme/demo#egg=demo", Source: "requirements.txt:4",
			Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.UnsupportedRequirement}},
		{Name: "./local/dir", Requirement: "./local/dir", Source: "requirements.txt:5",
			Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.UnsupportedRequirement}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(verify.Summary{Packages: 4, Verified: 1, HashOnly: 1, Errors: 2, OK: 2}, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if rep.IndexURL != srv.URL() {
		t.Errorf("IndexURL = %q, want %q", rep.IndexURL, srv.URL())
	}
}

// engManyModel is an index of n projects pkg-00 … with one hash-only file
// each (provenance 404, so no minting cost).
func engManyModel(n int) (pypitest.Model, []string) {
	m := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{}}
	var reqs []string
	for i := range n {
		name := fmt.Sprintf("pkg-%02d", i)
		m.Projects[name] = map[string][]pypitest.ModelFile{"1.0": {engFile(engWheel(name, "1.0"), "")}}
		reqs = append(reqs, name+"==1.0")
	}
	return m, reqs
}

// TestAuditInputOrder: packages appear in input order and exactly once,
// whatever order the work finished in (SPEC §7). Earlier packages answer
// later, so finishing order is roughly the reverse of input order.
func TestAuditInputOrder(t *testing.T) {
	t.Parallel()
	const n = 30
	model, reqs := engManyModel(n)
	// A requirement listed twice is still reported twice: once per line.
	reqs = append(reqs, "pkg-00==1.0")
	srv, w := engIndex(t, model)
	for i := range n {
		srv.Fault(engReleasePath(fmt.Sprintf("pkg-%02d", i), "1.0"), pypitest.Fault{Latency: time.Duration(n-i) * time.Millisecond})
	}
	var progress atomic.Int64
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{
		OnProgress: func(done, total int) {
			progress.Add(1)
			if total != n+1 || done < 1 || done > total {
				t.Errorf("OnProgress(%d, %d), want done in 1..%d of %d", done, total, n+1, n+1)
			}
		},
	})

	rep := eng.Audit(context.Background(), engRequirements(t, reqs...))

	var got []string
	for _, p := range rep.Packages {
		got = append(got, p.Name+"=="+p.Version+" "+string(p.Evidence))
	}
	var want []string
	for _, r := range reqs {
		want = append(want, r+" hash-only")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(verify.Summary{Packages: n + 1, HashOnly: n + 1, OK: n + 1}, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if got := progress.Load(); got != n+1 {
		t.Errorf("OnProgress called %d times, want %d", got, n+1)
	}
}

// TestAuditConcurrency: the client's bound holds across all the engine's
// work (SPEC §9 --concurrency), and the work is concurrent. Counters, not
// clocks: the fake index records the peak of requests in flight; a little
// latency only gives requests the chance to overlap.
func TestAuditConcurrency(t *testing.T) {
	t.Parallel()
	const n, limit = 40, 4
	model, reqs := engManyModel(n)
	srv, w := engIndex(t, model)
	srv.SetLatency(time.Millisecond)
	eng := engEngine(t, srv, w, pypi.Options{Concurrency: limit}, verify.Options{})

	rep := eng.Audit(context.Background(), engRequirements(t, reqs...))

	if diff := cmp.Diff(verify.Summary{Packages: n, HashOnly: n, OK: n}, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if peak := srv.PeakInFlight(); peak > limit || peak < 2 {
		t.Errorf("PeakInFlight() = %d, want 2..%d", peak, limit)
	}
}

// engSent is an http.RoundTripper that counts the requests sent for a set
// of paths and closes all once each has been sent.
type engSent struct {
	next  http.RoundTripper
	mu    sync.Mutex
	paths map[string]bool // path → not sent yet
	all   chan struct{}
}

func (s *engSent) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	if s.paths[r.URL.Path] {
		delete(s.paths, r.URL.Path)
		if len(s.paths) == 0 {
			close(s.all)
		}
	}
	s.mu.Unlock()
	return s.next.RoundTrip(r)
}

// TestAuditCancel: Ctrl-C cancels the work in flight; Audit still reports
// every package, the finished ones as they were and the rest as error
// (SPEC §9). The context is cancelled once every package that is not held
// up has finished and every held-up request has been sent, so the test
// waits on events, not on a clock; a hang here means cancellation does
// not reach a stalled request.
func TestAuditCancel(t *testing.T) {
	t.Parallel()
	model, reqs := engManyModel(6)
	srv, w := engIndex(t, model)
	// pkg-01's metadata never comes; pkg-03's download stalls half-way;
	// pkg-04's provenance never comes.
	held := []string{
		engReleasePath("pkg-01", "1.0"),
		engFilePath("pkg-03", "1.0", engWheel("pkg-03", "1.0")),
		engProvenancePath("pkg-04", "1.0", engWheel("pkg-04", "1.0")),
	}
	srv.Fault(held[0], pypitest.Fault{Latency: time.Hour})
	srv.Fault(held[1], pypitest.Fault{Stall: true})
	srv.Fault(held[2], pypitest.Fault{Latency: time.Hour})
	sent := &engSent{next: srv.Client().Transport, paths: map[string]bool{}, all: make(chan struct{})}
	for _, p := range held {
		sent.paths[p] = true
	}
	hc := *srv.Client()
	hc.Transport = sent

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	finished := make(chan struct{})
	go func() {
		<-sent.all
		<-finished
		cancel()
	}()
	eng := engEngine(t, srv, w, pypi.Options{HTTPClient: &hc, StallTimeout: time.Hour}, verify.Options{
		OnProgress: func(done, total int) {
			if done == total-len(held) {
				close(finished)
			}
		},
	})

	rep := eng.Audit(ctx, engRequirements(t, reqs...))

	// Kinds are compacted: a held-up file may also have had its provenance
	// fetch cut short, depending on how far it got.
	kinds := func(ps []verify.Problem) []verify.ProblemKind { return slices.Compact(engKinds(ps)) }
	var got []string
	for _, p := range rep.Packages {
		got = append(got, fmt.Sprintf("%s %s %v", p.Name, p.Evidence, kinds(p.Problems)))
		for _, f := range p.Files {
			got = append(got, fmt.Sprintf("  %s %s %v", f.Filename, f.Evidence, kinds(f.AllProblems())))
		}
	}
	want := []string{
		"pkg-00 hash-only []", "  pkg_00-1.0-py3-none-any.whl hash-only []",
		"pkg-01 error [network]",
		"pkg-02 hash-only []", "  pkg_02-1.0-py3-none-any.whl hash-only []",
		"pkg-03 error [network]",
		"pkg-04 error [network]",
		"pkg-05 hash-only []", "  pkg_05-1.0-py3-none-any.whl hash-only []",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	// An unfinished package is summarised in one short problem, not one
	// "context canceled" per request that was cut short.
	for _, i := range []int{1, 3, 4} {
		p := rep.Packages[i]
		if want := p.Name + ": not checked: interrupted"; len(p.Problems) != 1 || p.Problems[0].Message != want {
			t.Errorf("%s problems = %v, want one %q", p.Name, p.Problems, want)
		}
	}
	if !rep.Interrupted {
		t.Error("Interrupted = false, want true")
	}
	if diff := cmp.Diff(verify.Summary{Packages: 6, HashOnly: 3, Errors: 3, OK: 3}, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// engSignal is an http.RoundTripper that closes arrived when the response
// headers for path have come back.
type engSignal struct {
	next    http.RoundTripper
	path    string
	once    sync.Once
	arrived chan struct{}
}

func (s *engSignal) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil && r.URL.Path == s.path {
		s.once.Do(func() { close(s.arrived) })
	}
	return resp, err
}

// TestAuditBrokenTransfer: a download that breaks off before the end of
// the response the server announced is an error (network), never failed or
// verified (SPEC §5), and the file is not marked downloaded. The server
// goes away once the stalled response's headers (and half its body) have
// arrived: an event, not a clock.
func TestAuditBrokenTransfer(t *testing.T) {
	t.Parallel()
	model, reqs := engManyModel(1)
	file := engWheel("pkg-00", "1.0")
	srv, w := engIndex(t, model)
	srv.Fault(engFilePath("pkg-00", "1.0", file), pypitest.Fault{Stall: true})
	sig := &engSignal{next: srv.Client().Transport, path: engFilePath("pkg-00", "1.0", file), arrived: make(chan struct{})}
	hc := *srv.Client()
	hc.Transport = sig
	go func() {
		<-sig.arrived
		srv.Close()
	}()
	eng := engEngine(t, srv, w, pypi.Options{HTTPClient: &hc, StallTimeout: time.Hour, MaxTries: 2}, verify.Options{})

	rep := eng.Audit(context.Background(), engRequirements(t, reqs...))

	got := engOutcome(t, rep)
	for i := range got {
		for j := range got[i].Files {
			// The provenance fetch may also have been cut off.
			got[i].Files[j].Kinds = slices.Compact(got[i].Files[j].Kinds)
		}
	}
	want := []engPkg{{Name: "pkg-00", Version: "1.0", Evidence: verify.Error, Files: []engFileOut{
		{Filename: file, Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.Network}},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
}

// TestAuditCancelledBeforeStart: a context cancelled before Audit starts
// still yields one error entry per requirement, and nothing is fetched.
func TestAuditCancelledBeforeStart(t *testing.T) {
	t.Parallel()
	model, reqs := engManyModel(3)
	srv, w := engIndex(t, model)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{})

	rep := eng.Audit(ctx, engRequirements(t, reqs...))

	var want []engPkg
	for i := range 3 {
		want = append(want, engPkg{Name: fmt.Sprintf("pkg-%02d", i), Version: "1.0", Evidence: verify.Error,
			Kinds: []verify.ProblemKind{verify.Network}})
	}
	if diff := cmp.Diff(want, engOutcome(t, rep)); diff != "" {
		t.Errorf("packages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(verify.Summary{Packages: 3, Errors: 3}, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if !rep.Interrupted {
		t.Error("Interrupted = false, want true")
	}
}
