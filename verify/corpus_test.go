package verify_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// corpusDir is the shared PEP 740 corpus (/work/shared/corpus), which sits
// next to the checkout: verify/ → ../.. → shared/corpus. A user's clone has
// no such directory, and the corpus tests skip.
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// corpusCase is one case of the corpus manifest.json (corpus README
// "Manifest schema").
type corpusCase struct {
	ID          string      `json:"id"`
	Filename    string      `json:"filename"`
	Artifact    *string     `json:"artifact"`
	SHA256      pypi.SHA256 `json:"sha256"`
	Provenance  string      `json:"provenance"`
	TrustedRoot string      `json:"trusted_root"`
	Expected    struct {
		Verdict    string `json:"verdict"`
		ReasonKind string `json:"reason_kind"`
		Publisher  *struct {
			Kind        string  `json:"kind"`
			Repository  string  `json:"repository"`
			Workflow    string  `json:"workflow"`
			Environment *string `json:"environment"`
			Email       string  `json:"email"`
		} `json:"publisher"`
		Identity *struct {
			SAN    string `json:"san"`
			Issuer string `json:"issuer"`
		} `json:"identity"`
	} `json:"expected"`
}

// loadCorpus reads the manifest, or skips the test when the corpus is
// absent.
func loadCorpus(t *testing.T) []corpusCase {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, "manifest.json"))
	if os.IsNotExist(err) {
		t.Skipf("PEP 740 corpus not found at %s (it is shared/corpus next to the checkout)", filepath.Join(corpusDir, "manifest.json"))
	}
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	if len(cases) == 0 {
		t.Fatal("manifest.json: no cases")
	}
	return cases
}

// corpusRoot loads a trusted root of the corpus.
func corpusRoot(t *testing.T, name string) *verify.TrustedRoot {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := verify.LoadTrustedRoot(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// hashFile streams a file through sha256.
func hashFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestCorpus checks every case of the shared corpus against the outcome the
// corpus says a correct verifier reaches: verdict, problem kind, publisher
// and certificate identity.
func TestCorpus(t *testing.T) {
	t.Parallel()
	cases := loadCorpus(t)
	roots := map[string]*verify.TrustedRoot{}
	for _, c := range cases {
		name := c.TrustedRoot
		if name == "" {
			name = "trusted_root.json"
		}
		if roots[name] == nil {
			roots[name] = corpusRoot(t, name)
		}
	}
	for _, c := range cases {
		t.Run(c.ID, func(t *testing.T) {
			t.Parallel()
			rootName := c.TrustedRoot
			if rootName == "" {
				rootName = "trusted_root.json"
			}
			v, err := verify.NewVerifier(roots[rootName])
			if err != nil {
				t.Fatal(err)
			}

			var problems []verify.Problem
			evidence := verify.Evidence("")
			if c.Artifact != nil {
				if got := hashFile(t, filepath.Join(corpusDir, *c.Artifact)); got != string(c.SHA256) {
					evidence = verify.Failed
					problems = append(problems, verify.Problem{Kind: verify.DigestMismatch, Message: c.Filename + ": sha256 " + got + ", index says " + string(c.SHA256)})
				}
			}
			provPath := filepath.Join(corpusDir, c.Provenance)
			data, err := os.ReadFile(provPath)
			if err != nil {
				t.Fatal(err)
			}
			prov, err := verify.DecodeProvenance(c.Provenance, data)
			if err != nil {
				t.Fatal(err)
			}
			fv := v.VerifyFile(c.Filename, c.SHA256, prov)
			evidence = verify.Worst(evidence, fv.Evidence)
			problems = append(problems, fv.AllProblems()...)

			if got, want := string(evidence), c.Expected.Verdict; got != want {
				t.Fatalf("verdict = %s, want %s; problems: %v", got, want, problems)
			}
			if c.Expected.Verdict != "verified" {
				var kinds []verify.ProblemKind
				for _, p := range problems {
					t.Logf("%s: %s", p.Kind, p.Message)
					kinds = append(kinds, p.Kind)
					if !strings.HasPrefix(p.Message, c.Filename+": ") {
						t.Errorf("problem message does not start with the filename: %q", p.Message)
					}
				}
				if diff := cmp.Diff([]verify.ProblemKind{verify.ProblemKind(c.Expected.ReasonKind)}, kinds); diff != "" {
					t.Errorf("problem kinds (-want +got):\n%s\nproblems: %v", diff, problems)
				}
				return
			}

			if len(problems) != 0 {
				t.Errorf("verified file has problems: %v", problems)
			}
			if len(fv.Attestations) != 1 {
				t.Fatalf("got %d attestations, want 1", len(fv.Attestations))
			}
			a := fv.Attestations[0]
			if !a.Verified {
				t.Errorf("attestation not marked verified")
			}
			if a.PredicateType != verify.PredicatePyPIPublish {
				t.Errorf("predicate type = %q, want %q", a.PredicateType, verify.PredicatePyPIPublish)
			}
			ep := c.Expected.Publisher
			want := verify.Publisher{Kind: ep.Kind, Repository: ep.Repository, Workflow: ep.Workflow, Email: ep.Email}
			if ep.Environment != nil {
				want.Environment = *ep.Environment
			}
			if diff := cmp.Diff(want, a.Publisher); diff != "" {
				t.Errorf("publisher (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([2]string{c.Expected.Identity.SAN, c.Expected.Identity.Issuer}, [2]string{a.Identity.SAN, a.Identity.Issuer}); diff != "" {
				t.Errorf("identity SAN, issuer (-want +got):\n%s", diff)
			}
			if a.IntegratedTime.IsZero() || a.LogIndex <= 0 {
				t.Errorf("log entry not reported: index %d, integrated time %v", a.LogIndex, a.IntegratedTime)
			}
			if ep.Kind == "GitHub" || ep.Kind == "GitLab" {
				if a.Identity.SourceRepository == "" || a.Identity.BuildConfig == "" || a.Identity.SourceDigest == "" || a.Identity.RunInvocation == "" {
					t.Errorf("identity lacks Fulcio extensions: %+v", a.Identity)
				}
			}
		})
	}
}

// The digests PyPI lists for the distributions whose attestations are in
// testdata/ (see testdata/README.md).
const (
	abi3infoWheel   = "abi3info-2024.10.3-py3-none-any.whl"
	abi3infoSHA256  = "01577e2314093011854ec7e888dc3fd25e19031bc121a8c394430da06e1fd4dc"
	sampleSdist     = "sampleproject-3.0.0.tar.gz"
	sampleSHA256    = "117ed88e5db073bb92969a7545745fd977ee85b7019706dd256a64058f70963d"
	rfc8785Wheel    = "rfc8785-0.1.2-py3-none-any.whl"
	rfc8785SHA256   = "c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"
	googleAccount   = "919436158236-compute@developer.gserviceaccount.com"
	abi3infoRepo    = "woodruffw/abi3info"
	abi3infoWorkflo = "release.yml"
)

// testdataProvenance decodes a provenance or attestation file of testdata/.
func testdataProvenance(t *testing.T, name string) *verify.Provenance {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := verify.DecodeProvenance(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// testdataVerifier verifies against the public-good root copied into
// testdata/, so these tests run without the shared corpus.
func testdataVerifier(t *testing.T) *verify.Verifier {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "trusted_root.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := verify.LoadTrustedRoot("trusted_root.json", data)
	if err != nil {
		t.Fatal(err)
	}
	v, err := verify.NewVerifier(tr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestVerifyFile covers what the corpus does not: bare attestations, files
// the statement is not about, several attestations of which one fails, and
// no provenance at all.
func TestVerifyFile(t *testing.T) {
	t.Parallel()
	v := testdataVerifier(t)
	abi3 := testdataProvenance(t, abi3infoWheel+".provenance")
	bareGoogle := testdataProvenance(t, sampleSdist+".publish.attestation")
	bareStaging := testdataProvenance(t, rfc8785Wheel+".publish.attestation")
	otherRepo := verify.Publisher{Kind: "GitHub", Repository: "evil/abi3info", Workflow: abi3infoWorkflo}
	twoBundles := &verify.Provenance{Bundles: []verify.AttestationBundle{
		abi3.Bundles[0],
		{Publisher: otherRepo, Attestations: abi3.Bundles[0].Attestations},
	}}

	type outcome struct {
		Evidence  verify.Evidence
		Kinds     []verify.ProblemKind
		Verified  []bool
		Publisher []verify.Publisher
	}
	abi3Pub := verify.Publisher{Kind: "GitHub", Repository: abi3infoRepo, Workflow: abi3infoWorkflo}
	tests := []struct {
		name     string
		filename string
		sha256   pypi.SHA256
		prov     *verify.Provenance
		want     outcome
	}{
		{"no provenance", abi3infoWheel, abi3infoSHA256, nil, outcome{Evidence: verify.HashOnly}},
		{"no bundles", abi3infoWheel, abi3infoSHA256, &verify.Provenance{}, outcome{Evidence: verify.HashOnly}},
		{"provenance", abi3infoWheel, abi3infoSHA256, abi3, outcome{verify.Verified, nil, []bool{true}, []verify.Publisher{abi3Pub}}},
		{"equivalent filename", "abi3info-2024.10.03-py3-none-any.whl", abi3infoSHA256, abi3, outcome{verify.Verified, nil, []bool{true}, []verify.Publisher{abi3Pub}}},
		// pypi.ParseSHA256's callers fold case where a digest enters; a
		// digest that was never parsed is not compared loosely.
		{"digest in upper case", abi3infoWheel, pypi.SHA256(strings.ToUpper(abi3infoSHA256)), abi3,
			outcome{verify.Failed, []verify.ProblemKind{verify.SubjectMismatch}, []bool{false}, []verify.Publisher{abi3Pub}}},
		{"other file of the release", "abi3info-2024.10.3.tar.gz", abi3infoSHA256, abi3,
			outcome{verify.Failed, []verify.ProblemKind{verify.SubjectMismatch}, []bool{false}, []verify.Publisher{abi3Pub}}},
		{"other digest", abi3infoWheel, sampleSHA256, abi3,
			outcome{verify.Failed, []verify.ProblemKind{verify.SubjectMismatch}, []bool{false}, []verify.Publisher{abi3Pub}}},
		{"one of two bundles fails", abi3infoWheel, abi3infoSHA256, twoBundles,
			outcome{verify.Failed, []verify.ProblemKind{verify.PublisherMismatch}, []bool{true, false}, []verify.Publisher{abi3Pub, otherRepo}}},
		{"bare attestation: publisher read from the certificate", sampleSdist, sampleSHA256, bareGoogle,
			outcome{verify.Verified, nil, []bool{true}, []verify.Publisher{{Kind: "Google", Email: googleAccount}}}},
		{"bare attestation from Sigstore staging", rfc8785Wheel, rfc8785SHA256, bareStaging,
			outcome{verify.Failed, []verify.ProblemKind{verify.UntrustedCertificate}, []bool{false}, []verify.Publisher{{}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fv := v.VerifyFile(tt.filename, tt.sha256, tt.prov)
			got := outcome{Evidence: fv.Evidence}
			for _, p := range fv.AllProblems() {
				got.Kinds = append(got.Kinds, p.Kind)
				if !strings.HasPrefix(p.Message, tt.filename+": attestation ") {
					t.Errorf("message does not name the file and attestation: %q", p.Message)
				}
			}
			for _, a := range fv.Attestations {
				got.Verified = append(got.Verified, a.Verified)
				got.Publisher = append(got.Publisher, a.Publisher)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("VerifyFile (-want +got):\n%s\nproblems: %v", diff, fv.AllProblems())
			}
		})
	}
}

// TestVerifyFileAttestation checks every field VerifyFile fills in for a
// verified attestation.
func TestVerifyFileAttestation(t *testing.T) {
	t.Parallel()
	v := testdataVerifier(t)
	fv := v.VerifyFile(abi3infoWheel, abi3infoSHA256, testdataProvenance(t, abi3infoWheel+".provenance"))
	if len(fv.Attestations) != 1 {
		t.Fatalf("got %d attestations, want 1", len(fv.Attestations))
	}
	got := fv.Attestations[0]
	want := verify.Attestation{
		PredicateType: verify.PredicatePyPIPublish,
		Verified:      true,
		Publisher:     verify.Publisher{Kind: "GitHub", Repository: abi3infoRepo, Workflow: abi3infoWorkflo},
		Identity: verify.Identity{
			SAN:               "https://github.com/woodruffw/abi3info/.github/workflows/release.yml@refs/tags/v2024.10.03",
			Issuer:            "https://token.actions.githubusercontent.com",
			SourceRepository:  "https://github.com/woodruffw/abi3info",
			SourceRef:         "refs/tags/v2024.10.03",
			SourceDigest:      got.Identity.SourceDigest,
			BuildConfig:       "https://github.com/woodruffw/abi3info/.github/workflows/release.yml@refs/tags/v2024.10.03",
			RunInvocation:     got.Identity.RunInvocation,
			RunnerEnvironment: "github-hosted",
		},
		LogIndex:       136619283,
		IntegratedTime: time.Unix(1727988030, 0).UTC(),
		TimeSource:     verify.TimeRekorIntegrated,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attestation (-want +got):\n%s", diff)
	}
	if len(got.Identity.SourceDigest) != 40 || !strings.HasPrefix(got.Identity.RunInvocation, "https://github.com/woodruffw/abi3info/actions/runs/") {
		t.Errorf("source digest %q, run invocation %q", got.Identity.SourceDigest, got.Identity.RunInvocation)
	}
}

func TestLoadTrustedRootErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in string }{
		{"not JSON", "{"},
		{"not a trusted root", `{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}`},
		{"a provenance object", `{"version":1,"attestation_bundles":[]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := verify.LoadTrustedRoot("root.json", []byte(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), "root.json: ") {
				t.Errorf("LoadTrustedRoot error = %v, want one naming root.json", err)
			}
		})
	}
	if _, err := verify.NewVerifier(nil); err == nil {
		t.Errorf("NewVerifier(nil) succeeded")
	}
}

// TestPublicGoodTrustedRootOffline: offline with an empty cache fails
// without touching the network, and says where it looked.
func TestPublicGoodTrustedRootOffline(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := verify.PublicGoodTrustedRoot(t.Context(), dir, true)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("PublicGoodTrustedRoot offline, empty cache: err = %v, want one naming %s", err, dir)
	}
}
