package verifytest_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/verify"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/pyverify/pyverify/verify/verifytest"
)

const (
	testFile   = "demo-1.0-py3-none-any.whl"
	testSHA256 = "0c5a3e8b2c9d7f4e1a6b3c8d2e9f0a1b4c7d6e5f8a9b0c1d2e3f4a5b6c7d8e9f"
)

// shared is one Sigstore for the package's tests: minting is concurrent-safe
// and creating keys for every test would only slow the suite down.
var shared = sync.OnceValues(verifytest.NewSigstore)

func sigstore(t *testing.T) *verifytest.Sigstore {
	t.Helper()
	s, err := shared()
	if err != nil {
		t.Fatalf("NewSigstore: %v", err)
	}
	return s
}

// toBundle converts a PEP 740 attestation into a Sigstore bundle v0.3 exactly
// as the corpus README's "Conversion" rule says.
func toBundle(t *testing.T, attestation []byte) *bundle.Bundle {
	t.Helper()
	var a verifytest.Attestation
	if err := json.Unmarshal(attestation, &a); err != nil {
		t.Fatalf("decode attestation: %v", err)
	}
	cert := mustB64(t, a.VerificationMaterial.Certificate)
	var entries []*protorekor.TransparencyLogEntry
	for _, raw := range a.VerificationMaterial.TransparencyEntries {
		var e protorekor.TransparencyLogEntry
		if err := protojson.Unmarshal(raw, &e); err != nil {
			t.Fatalf("decode transparency entry: %v", err)
		}
		entries = append(entries, &e)
	}
	pb := &protobundle.Bundle{
		MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content:     &protobundle.VerificationMaterial_Certificate{Certificate: &protocommon.X509Certificate{RawBytes: cert}},
			TlogEntries: entries,
		},
		Content: &protobundle.Bundle_DsseEnvelope{DsseEnvelope: &protodsse.Envelope{
			Payload:     mustB64(t, a.Envelope.Statement),
			PayloadType: verifytest.PayloadType,
			Signatures:  []*protodsse.Signature{{Sig: mustB64(t, a.Envelope.Signature)}},
		}},
	}
	b, err := bundle.NewBundle(pb)
	if err != nil {
		t.Fatalf("bundle.NewBundle: %v", err)
	}
	return b
}

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("base64: %v", err)
	}
	return b
}

// verifyProduction runs sigstore-go with exactly pyverify's production options
// (corpus README rule 2), never weakened.
func verifyProduction(t *testing.T, trustedRootJSON []byte, b *bundle.Bundle, digest string) (*verify.VerificationResult, error) {
	t.Helper()
	tr, err := root.NewTrustedRootFromJSON(trustedRootJSON)
	if err != nil {
		t.Fatalf("NewTrustedRootFromJSON: %v", err)
	}
	v, err := verify.NewVerifier(tr, verify.WithTransparencyLog(1), verify.WithSignedCertificateTimestamps(1), verify.WithObserverTimestamps(1))
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	artifact := verify.WithoutArtifactUnsafe()
	if digest != "" {
		d, err := hex.DecodeString(digest)
		if err != nil {
			t.Fatalf("digest: %v", err)
		}
		artifact = verify.WithArtifactDigest("sha256", d)
	}
	return v.Verify(b, verify.NewPolicy(artifact, verify.WithoutIdentitiesUnsafe()))
}

func TestMintedAttestationsVerify(t *testing.T) {
	t.Parallel()
	s := sigstore(t)
	tests := []struct {
		name string
		spec verifytest.Spec
		san  string
		// issuer is sigstore-go's merged issuer (V2, falling back to V1).
		issuer    string
		repoURI   string
		buildConf string
		env       string
	}{
		{
			name:      "github",
			spec:      verifytest.Spec{Repository: "acme/demo", Workflow: "publish.yml", Ref: "refs/tags/v1.0", Environment: "pypi"},
			san:       "https://github.com/acme/demo/.github/workflows/publish.yml@refs/tags/v1.0",
			issuer:    verifytest.IssuerGitHub,
			repoURI:   "https://github.com/acme/demo",
			buildConf: "https://github.com/acme/demo/.github/workflows/publish.yml@refs/tags/v1.0",
			env:       "pypi",
		},
		{
			name:      "github reusable workflow",
			spec:      verifytest.Spec{Repository: "acme/demo", Workflow: "release.yml", CalledWorkflow: "acme/shared/.github/workflows/pypi.yml@refs/heads/v2"},
			san:       "https://github.com/acme/shared/.github/workflows/pypi.yml@refs/heads/v2",
			issuer:    verifytest.IssuerGitHub,
			repoURI:   "https://github.com/acme/demo",
			buildConf: "https://github.com/acme/demo/.github/workflows/release.yml@refs/heads/main",
		},
		{
			name:      "gitlab",
			spec:      verifytest.Spec{Kind: "GitLab", Repository: "group/sub/demo"},
			san:       "https://gitlab.com/group/sub/demo//.gitlab-ci.yml@refs/heads/main",
			issuer:    verifytest.IssuerGitLab,
			repoURI:   "https://gitlab.com/group/sub/demo",
			buildConf: "https://gitlab.com/group/sub/demo//.gitlab-ci.yml@refs/heads/main",
		},
		{
			name:   "google",
			spec:   verifytest.Spec{Email: "release@acme.iam.gserviceaccount.com"},
			san:    "release@acme.iam.gserviceaccount.com",
			issuer: verifytest.IssuerGoogle,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			att, err := s.Attestation(testFile, testSHA256, tt.spec)
			if err != nil {
				t.Fatalf("Attestation: %v", err)
			}
			for _, digest := range []string{"", testSHA256} {
				res, err := verifyProduction(t, s.TrustedRootJSON(), toBundle(t, att), digest)
				if err != nil {
					t.Fatalf("Verify (digest %q): %v", digest, err)
				}
				sum := res.Signature.Certificate
				got := []string{sum.SubjectAlternativeName, sum.Extensions.Issuer, sum.SourceRepositoryURI, sum.BuildConfigURI}
				want := []string{tt.san, tt.issuer, tt.repoURI, tt.buildConf}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("certificate summary (-want +got):\n%s", diff)
				}
			}
			cert := leafCert(t, att)
			if diff := cmp.Diff(tt.env, rawExtension(t, cert, 23)); diff != "" {
				t.Errorf("deployment environment extension (-want +got):\n%s", diff)
			}
		})
	}
}

func leafCert(t *testing.T, attestation []byte) *x509.Certificate {
	t.Helper()
	var a verifytest.Attestation
	if err := json.Unmarshal(attestation, &a); err != nil {
		t.Fatalf("decode attestation: %v", err)
	}
	c, err := x509.ParseCertificate(mustB64(t, a.VerificationMaterial.Certificate))
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return c
}

// rawExtension returns Fulcio extension 1.3.6.1.4.1.57264.1.n decoded as a
// DER UTF8String, or "" when absent.
func rawExtension(t *testing.T, c *x509.Certificate, n int) string {
	t.Helper()
	oid := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, n}
	for _, e := range c.Extensions {
		if e.Id.Equal(oid) {
			var s string
			if _, err := asn1.UnmarshalWithParams(e.Value, &s, "utf8"); err != nil {
				t.Fatalf("extension %v: %v", oid, err)
			}
			return s
		}
	}
	return ""
}

func TestFaultsFailVerification(t *testing.T) {
	t.Parallel()
	s := sigstore(t)
	other, err := verifytest.NewSigstore()
	if err != nil {
		t.Fatalf("NewSigstore: %v", err)
	}
	base := verifytest.Spec{Repository: "acme/demo"}
	with := func(f func(*verifytest.Spec)) verifytest.Spec {
		s := base
		f(&s)
		return s
	}
	tests := []struct {
		name    string
		spec    verifytest.Spec
		root    []byte
		digest  string
		wantErr string // substring of sigstore-go's error (corpus README table)
	}{
		{"no SCT", with(func(s *verifytest.Spec) { s.NoSCT = true }), nil, "", "failed to verify signed certificate timestamp"},
		{"corrupt signature", with(func(s *verifytest.Spec) { s.CorruptSignature = true }), nil, "", "transparency log signature does not match"},
		{"cert expired before log entry", with(func(s *verifytest.Spec) { s.CertExpiredBeforeLogEntry = true }), nil, "", "integrated time outside certificate validity"},
		{"no tlog entry", with(func(s *verifytest.Spec) { s.NoTlogEntry = true }), nil, "", "not enough verified log entries"},
		{"corrupt SET", with(func(s *verifytest.Spec) { s.CorruptSET = true }), nil, "", "not enough verified log entries"},
		{"unknown log", with(func(s *verifytest.Spec) { s.UnknownLog = true }), nil, "", "not enough verified log entries"},
		{"another trusted root", base, other.TrustedRootJSON(), "", "failed to verify log inclusion"},
		{"artifact digest differs", base, nil, strings.Repeat("ab", 32), "provided artifact digest does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			att, err := s.Attestation(testFile, testSHA256, tt.spec)
			if err != nil {
				t.Fatalf("Attestation: %v", err)
			}
			tr := tt.root
			if tr == nil {
				tr = s.TrustedRootJSON()
			}
			_, err = verifyProduction(t, tr, toBundle(t, att), tt.digest)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Verify error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestStatementShapes(t *testing.T) {
	t.Parallel()
	s := sigstore(t)
	tests := []struct {
		name string
		spec verifytest.Spec
		want map[string]any
	}{
		{
			name: "default",
			spec: verifytest.Spec{Repository: "acme/demo"},
			want: map[string]any{
				"_type":         verifytest.StatementType,
				"subject":       []any{map[string]any{"name": testFile, "digest": map[string]any{"sha256": testSHA256}}},
				"predicateType": verifytest.PublishPredicate,
				"predicate":     nil,
			},
		},
		{
			name: "overrides",
			spec: verifytest.Spec{Repository: "acme/demo", PredicateType: "https://example.com/unknown/v1", SubjectName: "other-1.0.tar.gz", SubjectSHA256: "00"},
			want: map[string]any{
				"_type":         verifytest.StatementType,
				"subject":       []any{map[string]any{"name": "other-1.0.tar.gz", "digest": map[string]any{"sha256": "00"}}},
				"predicateType": "https://example.com/unknown/v1",
				"predicate":     nil,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			att, err := s.Attestation(testFile, testSHA256, tt.spec)
			if err != nil {
				t.Fatalf("Attestation: %v", err)
			}
			var a verifytest.Attestation
			if err := json.Unmarshal(att, &a); err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(mustB64(t, a.Envelope.Statement), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statement (-want +got):\n%s", diff)
			}
		})
	}

	// Payload faults are signed and logged correctly: only the statement checks
	// (or sigstore-go's own statement parsing) may reject them.
	payloads := []struct {
		name    string
		spec    verifytest.Spec
		wantErr string // "" = sigstore-go accepts it
	}{
		{"extra subject", verifytest.Spec{Repository: "acme/demo", ExtraSubject: true}, ""},
		{"wrong _type", verifytest.Spec{Repository: "acme/demo", Statement: []byte(`{"_type":"https://in-toto.io/Statement/v0.1","subject":[],"predicateType":"x","predicate":null}`)}, ""},
		{"not json", verifytest.Spec{Repository: "acme/demo", Statement: []byte("not json")}, "failed to fetch envelope statement"},
	}
	for _, tt := range payloads {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			att, err := s.Attestation(testFile, testSHA256, tt.spec)
			if err != nil {
				t.Fatalf("Attestation: %v", err)
			}
			_, err = verifyProduction(t, s.TrustedRootJSON(), toBundle(t, att), "")
			if tt.wantErr == "" && err != nil {
				t.Errorf("Verify: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Verify error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestProvenanceAndSidecar(t *testing.T) {
	t.Parallel()
	s := sigstore(t)
	sum := sha256.Sum256([]byte("demo bytes"))
	digest := hex.EncodeToString(sum[:])
	tests := []struct {
		name    string
		sidecar string
		want    []map[string]any // publishers
		wantErr string
	}{
		{
			name:    "github",
			sidecar: `{"kind": "GitHub", "repository": "acme/demo", "workflow": "release.yml", "environment": "pypi"}`,
			want:    []map[string]any{{"kind": "GitHub", "repository": "acme/demo", "workflow": "release.yml", "environment": "pypi"}},
		},
		{
			name:    "gitlab and google bundles",
			sidecar: `[{"kind": "gitlab", "repository": "g/demo"}, {"email": "a@b.iam.gserviceaccount.com"}]`,
			want: []map[string]any{
				{"kind": "GitLab", "repository": "g/demo", "workflow_filepath": ".gitlab-ci.yml", "environment": nil},
				{"kind": "Google", "email": "a@b.iam.gserviceaccount.com"},
			},
		},
		{
			name:    "publisher override",
			sidecar: `{"repository": "acme/demo", "publisher": {"kind": "GitHub", "repository": "evil/demo", "workflow": "x.yml"}}`,
			want:    []map[string]any{{"kind": "GitHub", "repository": "evil/demo", "workflow": "x.yml"}},
		},
		{name: "typo", sidecar: `{"repository": "acme/demo", "no_sc": true}`, wantErr: `unknown field "no_sc"`},
		{name: "no repository", sidecar: `{"kind": "GitHub"}`, wantErr: "needs a repository"},
		{name: "unknown kind", sidecar: `{"kind": "ActiveState", "repository": "a/b"}`, wantErr: "unknown kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := s.MintProvenance("demo-1.0.tar.gz", digest, []byte(tt.sidecar))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("MintProvenance error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("MintProvenance: %v", err)
			}
			var p verifytest.Provenance
			if err := json.Unmarshal(out, &p); err != nil {
				t.Fatal(err)
			}
			if p.Version != 1 {
				t.Errorf("version = %d, want 1", p.Version)
			}
			var got []map[string]any
			for _, b := range p.AttestationBundles {
				got = append(got, b.Publisher)
				if len(b.Attestations) != 1 {
					t.Fatalf("bundle has %d attestations, want 1", len(b.Attestations))
				}
				raw, err := json.Marshal(b.Attestations[0])
				if err != nil {
					t.Fatal(err)
				}
				if _, err := verifyProduction(t, s.TrustedRootJSON(), toBundle(t, raw), digest); err != nil {
					t.Errorf("Verify: %v", err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("publishers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSpecJSONRoundTrip(t *testing.T) {
	t.Parallel()
	in := verifytest.Spec{Repository: "acme/demo", CalledWorkflow: "o/r/.github/workflows/w.yml", Statement: []byte(`{"_type":"x"}`), NoSCT: true}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out verifytest.Spec
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("Unmarshal %s: %v", b, err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip of %s (-want +got):\n%s", b, diff)
	}
	if !strings.Contains(string(b), `"statement":"{\"_type\":\"x\"}"`) || !strings.Contains(string(b), `"called_workflow"`) {
		t.Errorf("sidecar JSON %s: statement should be a plain string, names snake_case", b)
	}
}

func TestLeafReusedPerIdentity(t *testing.T) {
	t.Parallel()
	s := sigstore(t)
	spec := verifytest.Spec{Repository: "acme/reuse"}
	a1, err := s.Attestation("reuse-1.0.tar.gz", testSHA256, spec)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := s.Attestation("reuse-1.0-py3-none-any.whl", testSHA256, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !leafCert(t, a1).Equal(leafCert(t, a2)) {
		t.Error("two files of one identity got different certificates; want one, as a publishing job signs with one")
	}
	if _, err := root.NewTrustedRootFromJSON(s.TrustedRootJSON()); err != nil {
		t.Errorf("trusted root does not load: %v", err)
	}
}

// TestShapeMatchesCorpus compares the JSON keys of a minted provenance object
// with a real one from PyPI, so that decoders tested on synthetic data read
// real data too.
func TestShapeMatchesCorpus(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", "..", "shared", "corpus", "provenance", "juwunit-0.1.3-wheel-2026.provenance.json")
	real, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("corpus not available: %s is missing", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	s := sigstore(t)
	minted, err := s.Provenance(testFile, testSHA256, verifytest.Spec{Repository: "acme/demo", Environment: "pypi"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(keyPaths(t, real), keyPaths(t, minted)); diff != "" {
		t.Errorf("JSON key paths (-real +minted):\n%s", diff)
	}
}

// keyPaths lists the object key paths of a JSON document, arrays collapsed.
func keyPaths(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				set[prefix+"/"+k] = true
				walk(prefix+"/"+k, c)
			}
		case []any:
			for _, c := range v {
				walk(prefix+"[]", c)
			}
		}
	}
	walk("", v)
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
