package verify_test

// Synthetic attestations: one test per way a PEP 740 attestation can be
// wrong, minted by the virtual Sigstore of verify/verifytest and checked by
// the production Verifier with its production options, asserting the exact
// SPEC §5 problem kind. The real corpus (corpus_test.go) covers real data;
// these cover what cannot be made without re-signing.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

const (
	synFile   = "demo-1.0-py3-none-any.whl"
	synSHA256 = "5f1c2a9e0b7d43e68a1f2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071"
)

// synWorld is two independent virtual Sigstores with a production Verifier
// for each one's trusted root, shared by the tests (minting and verifying are
// safe for concurrent use); the second root does not hold the first one's
// signer.
type synWorld struct {
	sigstores [2]*verifytest.Sigstore
	verifiers [2]*verify.Verifier
}

var synShared = sync.OnceValues(func() (*synWorld, error) {
	w := &synWorld{}
	for i := range w.sigstores {
		s, err := verifytest.NewSigstore()
		if err != nil {
			return nil, err
		}
		tr, err := verify.LoadTrustedRoot("trusted_root.json", s.TrustedRootJSON())
		if err != nil {
			return nil, err
		}
		v, err := verify.NewVerifier(tr)
		if err != nil {
			return nil, err
		}
		w.sigstores[i], w.verifiers[i] = s, v
	}
	return w, nil
})

func synWorldOf(t *testing.T) *synWorld {
	t.Helper()
	w, err := synShared()
	if err != nil {
		t.Fatalf("virtual Sigstore and its verifier: %v", err)
	}
	return w
}

// synVerify mints provenance for synFile (digest synSHA256) with Sigstore 0,
// then verifies it with the production verifier of root (0 or 1) as the file
// whose index digest is digest.
func synVerify(t *testing.T, root int, digest string, specs ...verifytest.Spec) verify.FileVerification {
	t.Helper()
	w := synWorldOf(t)
	raw, err := w.sigstores[0].Provenance(synFile, synSHA256, specs...)
	if err != nil {
		t.Fatalf("mint provenance: %v", err)
	}
	prov, err := verify.DecodeProvenance("provenance.json", raw)
	if err != nil {
		t.Fatalf("DecodeProvenance: %v", err)
	}
	return w.verifiers[root].VerifyFile(synFile, pypi.SHA256(digest), prov)
}

// outcome is what the tests compare: the evidence and the problem kinds.
type outcome struct {
	Evidence verify.Evidence
	Kinds    []verify.ProblemKind
}

func outcomeOf(t *testing.T, fv verify.FileVerification) outcome {
	t.Helper()
	o := outcome{Evidence: fv.Evidence}
	for _, p := range fv.AllProblems() {
		o.Kinds = append(o.Kinds, p.Kind)
		if !strings.Contains(p.Message, synFile) {
			t.Errorf("problem message %q does not name the file %s", p.Message, synFile)
		}
	}
	return o
}

var (
	// acme is a correct GitHub identity; its derived publisher is
	// {GitHub, acme/demo, release.yml, environment null}.
	acme = verifytest.Spec{Repository: "acme/demo", Workflow: "release.yml"}
	// acmePublisher is the publisher acme's provenance names.
	acmePublisher = map[string]any{"kind": "GitHub", "repository": "acme/demo", "workflow": "release.yml", "environment": nil}
)

// withSpec returns acme changed by f.
func withSpec(f func(*verifytest.Spec)) verifytest.Spec {
	s := acme
	f(&s)
	return s
}

// publisher returns acmePublisher with the given fields replaced.
func publisher(kv ...any) map[string]any {
	p := map[string]any{}
	for k, v := range acmePublisher {
		p[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i].(string)] = kv[i+1]
	}
	return p
}

func failed(kind verify.ProblemKind) outcome {
	return outcome{Evidence: verify.Failed, Kinds: []verify.ProblemKind{kind}}
}

// flipByte returns hex digest d with its first byte changed.
func flipByte(d string) string {
	b := []byte(d)
	if b[0] == 'f' {
		b[0] = '0'
	} else {
		b[0] = 'f'
	}
	return string(b)
}

func TestSyntheticProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		specs  []verifytest.Spec
		root   int    // trusted root of Sigstore 0 (the signer's) or 1
		digest string // the file's digest; "" = synSHA256
		want   outcome
	}{
		// Statement (SPEC §4.4, corpus rule 3).
		{name: "artifact digest differs from subject by one byte", specs: []verifytest.Spec{acme}, digest: flipByte(synSHA256), want: failed(verify.SubjectMismatch)},
		{name: "subject digest differs by one byte", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.SubjectSHA256 = flipByte(synSHA256) })}, want: failed(verify.SubjectMismatch)},
		{name: "subject name of another file", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.SubjectName = "demo-1.1-py3-none-any.whl" })}, want: failed(verify.SubjectMismatch)},
		{name: "subject name of another project", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.SubjectName = "other-1.0-py3-none-any.whl" })}, want: failed(verify.SubjectMismatch)},
		{name: "two subjects", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.ExtraSubject = true })}, want: failed(verify.SubjectMismatch)},
		{name: "wrong _type", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.Statement = []byte(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"` + synFile + `","digest":{"sha256":"` + synSHA256 + `"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`)
		})}, want: failed(verify.InvalidStatement)},
		{name: "statement not JSON", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Statement = []byte("not json") })}, want: failed(verify.InvalidStatement)},
		{name: "unknown predicate type", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.PredicateType = "https://example.com/unknown/v1" })},
			want: outcome{Evidence: verify.HashOnly, Kinds: []verify.ProblemKind{verify.UnknownPredicate}}},
		{name: "slsa provenance predicate is known", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.PredicateType = "https://slsa.dev/provenance/v1" })},
			want: outcome{Evidence: verify.Verified}},

		// Certificate and trust (SPEC §4.4, corpus "untrusted-certificate").
		{name: "certificate expired before its log entry", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.CertExpiredBeforeLogEntry = true })}, want: failed(verify.UntrustedCertificate)},
		{name: "certificate without SCT", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.NoSCT = true })}, want: failed(verify.UntrustedCertificate)},
		{name: "trusted root without the signer", specs: []verifytest.Spec{acme}, root: 1, want: failed(verify.UntrustedCertificate)},
		{name: "log entry from a log not in the root", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.UnknownLog = true })}, want: failed(verify.UntrustedCertificate)},

		// Signature and transparency log.
		{name: "signature corrupted", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.CorruptSignature = true })}, want: failed(verify.InvalidSignature)},
		{name: "no transparency-log entry", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.NoTlogEntry = true })}, want: failed(verify.NoTransparencyProof)},
		{name: "signed entry timestamp corrupted", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.CorruptSET = true })}, want: failed(verify.NoTransparencyProof)},

		// Publisher (SPEC §4.5, corpus rule 4).
		{name: "reusable workflow: build config names the publisher's workflow", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.CalledWorkflow = "acme/shared/.github/workflows/pypi-publish.yml@refs/heads/v2"
		})}, want: outcome{Evidence: verify.Verified}},
		{name: "reusable workflow reversed: only the SAN names the publisher's workflow", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.Workflow = "ci.yml"
			s.CalledWorkflow = "acme/demo/.github/workflows/release.yml"
			s.Publisher = acmePublisher
		})}, want: failed(verify.PublisherMismatch)},
		{name: "certificate of another repository", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.Repository = "evil/demo"
			s.Publisher = acmePublisher
		})}, want: failed(verify.PublisherMismatch)},
		{name: "provenance names another repository", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("repository", "acme/other") })}, want: failed(verify.PublisherMismatch)},
		{name: "provenance names another workflow", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("workflow", "publish.yml") })}, want: failed(verify.PublisherMismatch)},
		{name: "repository differs in case", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("repository", "Acme/Demo") })}, want: failed(verify.PublisherMismatch)},
		{name: "environments differ", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.Environment = "pypi"
			s.Publisher = publisher("environment", "release")
		})}, want: failed(verify.PublisherMismatch)},
		{name: "environments differ only in case", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.Environment = "PyPI"
			s.Publisher = publisher("environment", "pypi")
		})}, want: outcome{Evidence: verify.Verified}},
		{name: "environment named by provenance only", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("environment", "pypi") })}, want: outcome{Evidence: verify.Verified}},
		{name: "environment in certificate only", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Environment = "pypi"; s.Publisher = acmePublisher })}, want: outcome{Evidence: verify.Verified}},
		{name: "empty environment means none", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Environment = "pypi"; s.Publisher = publisher("environment", "") })}, want: outcome{Evidence: verify.Verified}},
		{name: "GitHub repository with another OIDC issuer", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) { s.Issuer = "https://token.example.com" })}, want: failed(verify.PublisherMismatch)},
		{name: "GitHub certificate for a GitLab publisher", specs: []verifytest.Spec{withSpec(func(s *verifytest.Spec) {
			s.Publisher = map[string]any{"kind": "GitLab", "repository": "acme/demo", "workflow_filepath": "release.yml", "environment": nil}
		})}, want: failed(verify.PublisherMismatch)},
		{name: "GitLab certificate of another CI file", specs: []verifytest.Spec{{Kind: "GitLab", Repository: "group/demo", Workflow: "ci/release.yml",
			Publisher: map[string]any{"kind": "GitLab", "repository": "group/demo", "workflow_filepath": ".gitlab-ci.yml", "environment": nil}}}, want: failed(verify.PublisherMismatch)},
		{name: "Google certificate of another service account", specs: []verifytest.Spec{{Email: "evil@evil.iam.gserviceaccount.com",
			Publisher: map[string]any{"kind": "Google", "email": "release@acme.iam.gserviceaccount.com"}}}, want: failed(verify.PublisherMismatch)},
		{name: "Google e-mail with a GitHub issuer", specs: []verifytest.Spec{{Email: "release@acme.iam.gserviceaccount.com", Issuer: verifytest.IssuerGitHub}}, want: failed(verify.PublisherMismatch)},

		// Bundles: every attestation of every bundle must verify.
		{name: "a good bundle does not hide a bad one", specs: []verifytest.Spec{acme, withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("repository", "acme/other") })}, want: failed(verify.PublisherMismatch)},
		{name: "two good bundles", specs: []verifytest.Spec{acme, {Email: "release@acme.iam.gserviceaccount.com"}}, want: outcome{Evidence: verify.Verified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			digest := tt.digest
			if digest == "" {
				digest = synSHA256
			}
			fv := synVerify(t, tt.root, digest, tt.specs...)
			if diff := cmp.Diff(tt.want, outcomeOf(t, fv)); diff != "" {
				t.Errorf("VerifyFile outcome (-want +got):\n%s\nproblems: %+v", diff, fv.AllProblems())
			}
		})
	}
}

func TestSyntheticPublishers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec verifytest.Spec
		want verify.Attestation // Verified, Publisher and the Identity fields compared
	}{
		{
			name: "GitHub",
			spec: verifytest.Spec{Repository: "acme/demo", Workflow: "release.yml", Ref: "refs/tags/v1.0", Environment: "pypi"},
			want: verify.Attestation{
				Verified:      true,
				PredicateType: verifytest.PublishPredicate,
				Publisher:     verify.Publisher{Kind: "GitHub", Repository: "acme/demo", Workflow: "release.yml", Environment: "pypi"},
				Identity: verify.Identity{
					SAN:              "https://github.com/acme/demo/.github/workflows/release.yml@refs/tags/v1.0",
					Issuer:           verifytest.IssuerGitHub,
					SourceRepository: "https://github.com/acme/demo",
					SourceRef:        "refs/tags/v1.0",
					BuildConfig:      "https://github.com/acme/demo/.github/workflows/release.yml@refs/tags/v1.0",
					Environment:      "pypi",
				},
			},
		},
		{
			name: "GitHub self-hosted runner",
			spec: verifytest.Spec{Repository: "acme/demo", Runner: "self-hosted"},
			want: verify.Attestation{
				Verified:      true,
				PredicateType: verifytest.PublishPredicate,
				Publisher:     verify.Publisher{Kind: "GitHub", Repository: "acme/demo", Workflow: "release.yml"},
				Identity: verify.Identity{
					SAN:              "https://github.com/acme/demo/.github/workflows/release.yml@refs/heads/main",
					Issuer:           verifytest.IssuerGitHub,
					SourceRepository: "https://github.com/acme/demo",
					SourceRef:        "refs/heads/main",
					BuildConfig:      "https://github.com/acme/demo/.github/workflows/release.yml@refs/heads/main",
				},
			},
		},
		{
			name: "GitLab",
			spec: verifytest.Spec{Kind: "GitLab", Repository: "group/sub/demo"},
			want: verify.Attestation{
				Verified:      true,
				PredicateType: verifytest.PublishPredicate,
				Publisher:     verify.Publisher{Kind: "GitLab", Repository: "group/sub/demo", Workflow: ".gitlab-ci.yml"},
				Identity: verify.Identity{
					SAN:              "https://gitlab.com/group/sub/demo//.gitlab-ci.yml@refs/heads/main",
					Issuer:           verifytest.IssuerGitLab,
					SourceRepository: "https://gitlab.com/group/sub/demo",
					SourceRef:        "refs/heads/main",
					BuildConfig:      "https://gitlab.com/group/sub/demo//.gitlab-ci.yml@refs/heads/main",
				},
			},
		},
		{
			name: "Google",
			spec: verifytest.Spec{Email: "release@acme.iam.gserviceaccount.com"},
			want: verify.Attestation{
				Verified:      true,
				PredicateType: verifytest.PublishPredicate,
				Publisher:     verify.Publisher{Kind: "Google", Email: "release@acme.iam.gserviceaccount.com"},
				Identity:      verify.Identity{SAN: "release@acme.iam.gserviceaccount.com", Issuer: verifytest.IssuerGoogle},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fv := synVerify(t, 0, synSHA256, tt.spec)
			if fv.Evidence != verify.Verified || len(fv.AllProblems()) != 0 || len(fv.Attestations) != 1 {
				t.Fatalf("VerifyFile = %s with problems %+v and %d attestations, want verified, none, 1", fv.Evidence, fv.AllProblems(), len(fv.Attestations))
			}
			got := fv.Attestations[0]
			if got.LogIndex == 0 || got.IntegratedTime.IsZero() || got.TimeSource != verify.TimeRekorIntegrated {
				t.Errorf("log index %d, integrated time %v, time source %q: want all from the verified log entry", got.LogIndex, got.IntegratedTime, got.TimeSource)
			}
			// Identity fields the test does not pin (digests, run URIs, runner).
			got.LogIndex, got.IntegratedTime, got.TimeSource = 0, tt.want.IntegratedTime, ""
			got.Identity.SourceDigest, got.Identity.RunInvocation, got.Identity.RunnerEnvironment = "", "", ""
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("attestation (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSyntheticBareAttestation checks attestations without provenance (a
// bare attestation file): nothing names the publisher, so it is read from
// the certificate, and a certificate that names no Trusted Publisher
// pyverify knows (anyone can get one for a personal e-mail) is no evidence
// of who published: publisher-mismatch, never verified.
func TestSyntheticBareAttestation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec verifytest.Spec
		want outcome
	}{
		{"GitHub", acme, outcome{Evidence: verify.Verified}},
		{"Google service account", verifytest.Spec{Email: "release@acme.iam.gserviceaccount.com"}, outcome{Evidence: verify.Verified}},
		{"e-mail signed in through GitHub", verifytest.Spec{Email: "me@example.com", Issuer: "https://github.com/login/oauth"}, failed(verify.PublisherMismatch)},
		{"GitHub Actions issuer for a Google identity", verifytest.Spec{Email: "me@example.com", Issuer: verifytest.IssuerGitHub}, failed(verify.PublisherMismatch)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := synWorldOf(t)
			raw, err := w.sigstores[0].Attestation(synFile, synSHA256, tt.spec)
			if err != nil {
				t.Fatalf("mint attestation: %v", err)
			}
			prov, err := verify.DecodeProvenance("demo.publish.attestation", raw)
			if err != nil {
				t.Fatalf("DecodeProvenance: %v", err)
			}
			fv := w.verifiers[0].VerifyFile(synFile, synSHA256, prov)
			if diff := cmp.Diff(tt.want, outcomeOf(t, fv)); diff != "" {
				t.Errorf("VerifyFile outcome (-want +got):\n%s\nproblems: %+v", diff, fv.AllProblems())
			}
			for _, a := range fv.Attestations {
				if a.Verified && a.Publisher.Kind == "" {
					t.Errorf("verified attestation without a publisher: %+v", a)
				}
			}
		})
	}
}

// TestSyntheticSeveralLogEntries checks attestations with more than one
// transparency-log entry, made by splicing entries of separately minted
// attestations of one certificate and statement. sigstore-go skips entries
// of unknown logs and entries whose signed entry timestamp fails, and needs
// one verified entry: a trusted log's failed entry next to an unknown log's
// is no-transparency-proof (the attestation is anchored in the root, its
// proof failed); an unknown log's entry next to a verified one is ignored.
func TestSyntheticSeveralLogEntries(t *testing.T) {
	t.Parallel()
	w := synWorldOf(t)
	mint := func(s verifytest.Spec) map[string]any {
		t.Helper()
		raw, err := w.sigstores[0].Attestation(synFile, synSHA256, s)
		if err != nil {
			t.Fatalf("mint attestation: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	entries := func(m map[string]any) []any {
		return m["verification_material"].(map[string]any)["transparency_entries"].([]any)
	}
	splice := func(base map[string]any, extra ...map[string]any) []byte {
		t.Helper()
		es := entries(base)
		for _, e := range extra {
			es = append(es, entries(e)...)
		}
		base["verification_material"].(map[string]any)["transparency_entries"] = es
		b, err := json.Marshal(base)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	unknown := func() map[string]any { return mint(withSpec(func(s *verifytest.Spec) { s.UnknownLog = true })) }
	badSET := func() map[string]any { return mint(withSpec(func(s *verifytest.Spec) { s.CorruptSET = true })) }
	tests := []struct {
		name string
		att  []byte
		want outcome
	}{
		{"unknown log and a trusted log's bad SET", splice(unknown(), badSET()), failed(verify.NoTransparencyProof)},
		{"trusted log's bad SET and unknown log", splice(badSET(), unknown()), failed(verify.NoTransparencyProof)},
		{"two unknown logs", splice(unknown(), unknown()), failed(verify.UntrustedCertificate)},
		{"verified entry and an unknown log's", splice(mint(acme), unknown()), outcome{Evidence: verify.Verified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			prov, err := verify.DecodeProvenance("demo.publish.attestation", tt.att)
			if err != nil {
				t.Fatalf("DecodeProvenance: %v", err)
			}
			fv := w.verifiers[0].VerifyFile(synFile, synSHA256, prov)
			if diff := cmp.Diff(tt.want, outcomeOf(t, fv)); diff != "" {
				t.Errorf("VerifyFile outcome (-want +got):\n%s\nproblems: %+v", diff, fv.AllProblems())
			}
		})
	}
}

// TestSyntheticCertificateNotALeaf replaces an attestation's certificate
// with a CA certificate: a CA is never a signing certificate
// (untrusted-certificate), whatever else is wrong with it.
func TestSyntheticCertificateNotALeaf(t *testing.T) {
	t.Parallel()
	w := synWorldOf(t)
	raw, err := w.sigstores[0].Attestation(synFile, synSHA256, acme)
	if err != nil {
		t.Fatalf("mint attestation: %v", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sigstore-intermediate"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	m["verification_material"].(map[string]any)["certificate"] = base64.StdEncoding.EncodeToString(der)
	if raw, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	prov, err := verify.DecodeProvenance("demo.publish.attestation", raw)
	if err != nil {
		t.Fatalf("DecodeProvenance: %v", err)
	}
	fv := w.verifiers[0].VerifyFile(synFile, synSHA256, prov)
	if diff := cmp.Diff(failed(verify.UntrustedCertificate), outcomeOf(t, fv)); diff != "" {
		t.Errorf("VerifyFile outcome (-want +got):\n%s\nproblems: %+v", diff, fv.AllProblems())
	}
}

// TestSyntheticSignerKeptOnFailure checks that a failed attestation still
// says who signed it (issue #8): after sigstore-go verified the signature,
// the certificate's identity, the log entry and (once the statement was
// read) the predicate type, whichever later check failed; when the
// signature itself failed, the identity the certificate claims, marked
// unverified, and nothing from the log.
func TestSyntheticSignerKeptOnFailure(t *testing.T) {
	t.Parallel()
	const unknownPredicate = "https://example.com/unknown/v1"
	wantID := verify.Identity{
		SAN:              "https://github.com/acme/demo/.github/workflows/release.yml@refs/heads/main",
		Issuer:           verifytest.IssuerGitHub,
		SourceRepository: "https://github.com/acme/demo",
		SourceRef:        "refs/heads/main",
		BuildConfig:      "https://github.com/acme/demo/.github/workflows/release.yml@refs/heads/main",
	}
	tests := []struct {
		name       string
		spec       verifytest.Spec
		root       int
		digest     string
		kind       verify.ProblemKind
		predicate  string // "" = none read
		unverified bool   // the signature failed: identity claimed, no log entry
	}{
		{name: "subject mismatch", spec: acme, digest: flipByte(synSHA256), kind: verify.SubjectMismatch, predicate: verifytest.PublishPredicate},
		{name: "invalid statement", spec: withSpec(func(s *verifytest.Spec) {
			s.Statement = []byte(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"` + synFile + `","digest":{"sha256":"` + synSHA256 + `"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}`)
		}), kind: verify.InvalidStatement},
		{name: "payload sigstore cannot read", spec: withSpec(func(s *verifytest.Spec) { s.Statement = []byte("not json") }), kind: verify.InvalidStatement, unverified: true},
		{name: "publisher mismatch", spec: withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("repository", "acme/other") }), kind: verify.PublisherMismatch, predicate: verifytest.PublishPredicate},
		{name: "unknown predicate", spec: withSpec(func(s *verifytest.Spec) { s.PredicateType = unknownPredicate }), kind: verify.UnknownPredicate, predicate: unknownPredicate},
		{name: "signature corrupted", spec: withSpec(func(s *verifytest.Spec) { s.CorruptSignature = true }), kind: verify.InvalidSignature, unverified: true},
		{name: "untrusted certificate", spec: acme, root: 1, kind: verify.UntrustedCertificate, unverified: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			digest := tt.digest
			if digest == "" {
				digest = synSHA256
			}
			fv := synVerify(t, tt.root, digest, tt.spec)
			if len(fv.Attestations) != 1 {
				t.Fatalf("%d attestations, want 1", len(fv.Attestations))
			}
			got := fv.Attestations[0]
			if got.Verified || len(got.Problems) != 1 || got.Problems[0].Kind != tt.kind {
				t.Fatalf("attestation verified=%v problems %+v, want one %s", got.Verified, got.Problems, tt.kind)
			}
			got.Identity.SourceDigest, got.Identity.RunInvocation, got.Identity.RunnerEnvironment = "", "", ""
			if diff := cmp.Diff(wantID, got.Identity); diff != "" {
				t.Errorf("identity (-want +got):\n%s", diff)
			}
			if got.IdentityUnverified != tt.unverified {
				t.Errorf("IdentityUnverified = %v, want %v", got.IdentityUnverified, tt.unverified)
			}
			if logged := got.LogIndex != 0 && !got.IntegratedTime.IsZero(); logged == tt.unverified {
				t.Errorf("log index %d, integrated time %v: want them exactly when the signature verified", got.LogIndex, got.IntegratedTime)
			}
			if got.PredicateType != tt.predicate {
				t.Errorf("predicate type %q, want %q", got.PredicateType, tt.predicate)
			}
		})
	}
}

// TestSyntheticProblemCap checks what one file contributes to the report
// (issue #8): the first five distinct attestation problems, each on its
// attestation, then one "and N more" problem per kind on the file; repeats
// of a listed problem count as more. Evidence still counts every
// attestation, and verified attestations are always listed.
func TestSyntheticProblemCap(t *testing.T) {
	t.Parallel()
	specs := []verifytest.Spec{acme}
	for i := range 7 {
		specs = append(specs, withSpec(func(s *verifytest.Spec) { s.Publisher = publisher("repository", fmt.Sprintf("acme/other%d", i)) }))
	}
	corrupt := withSpec(func(s *verifytest.Spec) { s.CorruptSignature = true })
	specs = append(specs, corrupt, corrupt, corrupt)
	fv := synVerify(t, 0, synSHA256, specs...)

	type att struct {
		Verified bool
		Kinds    []verify.ProblemKind
	}
	var atts []att
	for _, a := range fv.Attestations {
		atts = append(atts, att{a.Verified, engKinds(a.Problems)})
	}
	pm := att{Kinds: []verify.ProblemKind{verify.PublisherMismatch}}
	if diff := cmp.Diff([]att{{Verified: true}, pm, pm, pm, pm, pm}, atts); diff != "" {
		t.Errorf("attestations listed (-want +got):\n%s", diff)
	}
	want := []verify.Problem{
		{Kind: verify.InvalidSignature, Message: synFile + ": and 3 more of kind invalid-signature: further attestations with this problem are not listed one by one"},
		{Kind: verify.PublisherMismatch, Message: synFile + ": and 2 more of kind publisher-mismatch: further attestations with this problem are not listed one by one"},
	}
	if diff := cmp.Diff(want, fv.Problems); diff != "" {
		t.Errorf("file problems (-want +got):\n%s", diff)
	}
	if fv.Evidence != verify.Failed {
		t.Errorf("evidence %s, want failed", fv.Evidence)
	}

	// The same problem twice is listed once, whatever the cap.
	bad := verify.RawAttestation{Certificate: []byte("not a certificate"), Statement: []byte("{}"), Signature: []byte("sig")}
	prov := &verify.Provenance{Bundles: []verify.AttestationBundle{{
		Publisher: verify.Publisher{Kind: "GitHub", Repository: "acme/demo", Workflow: "release.yml"}, Attestations: []verify.RawAttestation{bad, bad, bad},
	}}}
	fv = synWorldOf(t).verifiers[0].VerifyFile(synFile, synSHA256, prov)
	if len(fv.Attestations) != 1 || len(fv.Problems) != 1 || !strings.Contains(fv.Problems[0].Message, "and 2 more of kind invalid-signature") || fv.Evidence != verify.Failed {
		t.Errorf("three equal failures: %s, %d attestations listed, file problems %+v; want failed, 1, one 'and 2 more of kind invalid-signature'", fv.Evidence, len(fv.Attestations), fv.Problems)
	}
}
