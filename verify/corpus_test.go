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

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/verify"
)

// corpusDir is the shared PEP 740 corpus (/work/shared/corpus), which sits
// next to the checkout: verify/ → ../.. → shared/corpus. A user's clone has
// no such directory, and the corpus tests skip.
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// corpusCase is one case of the corpus manifest.json (corpus README
// "Manifest schema").
type corpusCase struct {
	ID          string  `json:"id"`
	Filename    string  `json:"filename"`
	Artifact    *string `json:"artifact"`
	SHA256      string  `json:"sha256"`
	Provenance  string  `json:"provenance"`
	TrustedRoot string  `json:"trusted_root"`
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
				if got := hashFile(t, filepath.Join(corpusDir, *c.Artifact)); got != c.SHA256 {
					evidence = verify.Failed
					problems = append(problems, verify.Problem{Kind: verify.DigestMismatch, Message: c.Filename + ": sha256 " + got + ", index says " + c.SHA256})
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
			problems = append(problems, fv.Problems...)

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
