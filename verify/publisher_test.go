package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
)

// ghIdentity is a GitHub Actions certificate identity for
// github.com/o/r's release.yml run on tag v1 (the shape of the corpus'
// sigstore 3.6.1 certificate).
func ghIdentity() certIdentity {
	return certIdentity{
		Identity: Identity{
			SAN:              "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
			Issuer:           githubIssuer,
			SourceRepository: "https://github.com/o/r",
			SourceRef:        "refs/tags/v1",
			SourceDigest:     "0123abcd",
			BuildConfig:      "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
		},
		IssuerV1: githubIssuer,
		IssuerV2: githubIssuer,
	}
}

func glIdentity() certIdentity {
	return certIdentity{
		Identity: Identity{
			SAN:              "https://gitlab.com/g/p//.gitlab-ci.yml@refs/heads/main",
			Issuer:           gitlabIssuer,
			SourceRepository: "https://gitlab.com/g/p",
			SourceRef:        "refs/heads/main",
			SourceDigest:     "beef",
			BuildConfig:      "https://gitlab.com/g/p//.gitlab-ci.yml@beef",
		},
		IssuerV2: gitlabIssuer,
	}
}

func googleIdentity() certIdentity {
	return certIdentity{
		Identity: Identity{SAN: "sa@p.iam.gserviceaccount.com", Issuer: googleIssuer},
		IssuerV1: googleIssuer,
		IssuerV2: googleIssuer,
	}
}

func TestMatchPublisher(t *testing.T) {
	t.Parallel()
	gh := Publisher{Kind: "GitHub", Repository: "o/r", Workflow: "release.yml"}
	with := func(id certIdentity, f func(*certIdentity)) certIdentity { f(&id); return id }
	pub := func(p Publisher, f func(*Publisher)) Publisher { f(&p); return p }
	tests := []struct {
		name      string
		pub       Publisher
		id        certIdentity
		wantMatch bool
	}{
		{"GitHub", gh, ghIdentity(), true},
		{"GitHub, build config at the commit", gh, with(ghIdentity(), func(i *certIdentity) { i.BuildConfig = "https://github.com/o/r/.github/workflows/release.yml@0123abcd" }), true},
		{"GitHub reusable workflow: SAN names another workflow", gh, with(ghIdentity(), func(i *certIdentity) {
			i.SAN = "https://github.com/org/shared/.github/workflows/publish.yml@refs/heads/main"
		}), true},
		{"GitHub, other repository", pub(gh, func(p *Publisher) { p.Repository = "o/other" }), ghIdentity(), false},
		{"GitHub, repository differs in case", pub(gh, func(p *Publisher) { p.Repository = "O/r" }), ghIdentity(), false},
		{"GitHub, other workflow", pub(gh, func(p *Publisher) { p.Workflow = "publish.yml" }), ghIdentity(), false},
		{"GitHub, workflow from the SAN only", gh, with(ghIdentity(), func(i *certIdentity) {
			i.BuildConfig = "https://github.com/org/shared/.github/workflows/release.yml@refs/tags/v1"
		}), false},
		{"GitHub, build config at another ref", gh, with(ghIdentity(), func(i *certIdentity) {
			i.BuildConfig = "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v2"
		}), false},
		{"GitHub, no ref or digest", gh, with(ghIdentity(), func(i *certIdentity) { i.SourceRef, i.SourceDigest = "", "" }), false},
		{"GitHub, V1 issuer only", gh, with(ghIdentity(), func(i *certIdentity) { i.IssuerV2 = "" }), false},
		{"GitHub publisher, GitLab certificate", gh, glIdentity(), false},
		{"GitHub without workflow", pub(gh, func(p *Publisher) { p.Workflow = "" }), ghIdentity(), false},
		{"environment in provenance only", pub(gh, func(p *Publisher) { p.Environment = "pypi" }), ghIdentity(), true},
		{"environment in certificate only", gh, with(ghIdentity(), func(i *certIdentity) { i.Environment = "pypi" }), true},
		{"environment differs in case only", pub(gh, func(p *Publisher) { p.Environment = "PyPI" }), with(ghIdentity(), func(i *certIdentity) { i.Environment = "pypi" }), true},
		{"environment differs", pub(gh, func(p *Publisher) { p.Environment = "release" }), with(ghIdentity(), func(i *certIdentity) { i.Environment = "pypi" }), false},
		{"GitLab", Publisher{Kind: "GitLab", Repository: "g/p", Workflow: ".gitlab-ci.yml"}, glIdentity(), true},
		{"GitLab, single slash", Publisher{Kind: "GitLab", Repository: "g/p", Workflow: ".gitlab-ci.yml"}, with(glIdentity(), func(i *certIdentity) { i.BuildConfig = "https://gitlab.com/g/p/.gitlab-ci.yml@beef" }), false},
		{"GitLab, other project", Publisher{Kind: "GitLab", Repository: "g/q", Workflow: ".gitlab-ci.yml"}, glIdentity(), false},
		{"Google", Publisher{Kind: "Google", Email: "sa@p.iam.gserviceaccount.com"}, googleIdentity(), true},
		{"Google, V2 issuer only", Publisher{Kind: "Google", Email: "sa@p.iam.gserviceaccount.com"}, with(googleIdentity(), func(i *certIdentity) { i.IssuerV1 = "" }), true},
		{"Google, other account", Publisher{Kind: "Google", Email: "other@p.iam.gserviceaccount.com"}, googleIdentity(), false},
		{"Google, other issuer", Publisher{Kind: "Google", Email: "sa@p.iam.gserviceaccount.com"}, with(googleIdentity(), func(i *certIdentity) { i.IssuerV1 = "https://example.com" }), false},
		{"Google without e-mail", Publisher{Kind: "Google"}, googleIdentity(), false},
		{"unknown kind", Publisher{Kind: "ActiveState", Repository: "o/r"}, ghIdentity(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cause := matchPublisher(tt.pub, tt.id)
			if got := cause == ""; got != tt.wantMatch {
				t.Errorf("matchPublisher match = %v (%q), want %v", got, cause, tt.wantMatch)
			}
		})
	}
}

func TestMatchPublisherMessage(t *testing.T) {
	t.Parallel()
	id := ghIdentity()
	id.SourceRepository = "https://github.com/trailofbits/pypi-attestations"
	got := matchPublisher(Publisher{Kind: "GitHub", Repository: "di/pypi-attestations", Workflow: "release.yml"}, id)
	want := "certificate was issued to https://github.com/trailofbits/pypi-attestations but the provenance names publisher github.com/di/pypi-attestations (workflow release.yml)"
	if got != want {
		t.Errorf("matchPublisher message:\n got %q\nwant %q", got, want)
	}
}

func TestDerivePublisher(t *testing.T) {
	t.Parallel()
	env := ghIdentity()
	env.Environment = "pypi"
	tests := []struct {
		name string
		id   certIdentity
		want Publisher
	}{
		{"GitHub", env, Publisher{Kind: "GitHub", Repository: "o/r", Workflow: "release.yml", Environment: "pypi"}},
		{"GitLab", glIdentity(), Publisher{Kind: "GitLab", Repository: "g/p", Workflow: ".gitlab-ci.yml"}},
		{"Google", googleIdentity(), Publisher{Kind: "Google", Email: "sa@p.iam.gserviceaccount.com"}},
		{"unknown issuer", certIdentity{Identity: Identity{SAN: "me@example.com"}, IssuerV1: "https://github.com/login/oauth", IssuerV2: "https://github.com/login/oauth"}, Publisher{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, derivePublisher(tt.id)); diff != "" {
				t.Errorf("derivePublisher (-want +got):\n%s", diff)
			}
			if tt.want.Kind != "" {
				if cause := matchPublisher(tt.want, tt.id); cause != "" {
					t.Errorf("derived publisher does not match its own certificate: %s", cause)
				}
			}
		})
	}
}

// derString is a Fulcio …1.8+ extension value: a DER UTF8String.
func derString(t *testing.T, s string) []byte {
	t.Helper()
	b, err := asn1.MarshalWithParams(s, "utf8")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReadIdentity builds a self-signed certificate with Fulcio extensions
// (raw V1 issuer, DER V2 issuer and fields, the 2025 Deployment Environment)
// and reads it back.
func TestReadIdentity(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	san, _ := url.Parse("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1")
	ext := func(oid asn1.ObjectIdentifier, v []byte) pkix.Extension { return pkix.Extension{Id: oid, Value: v} }
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Unix(1700000000, 0),
		NotAfter:     time.Unix(1700000600, 0),
		URIs:         []*url.URL{san},
		ExtraExtensions: []pkix.Extension{
			//lint:ignore SA1019 real certificates carry the deprecated V1 issuer too
			ext(certificate.OIDIssuer, []byte(githubIssuer)),
			ext(certificate.OIDIssuerV2, derString(t, githubIssuer)),
			ext(certificate.OIDRunnerEnvironment, derString(t, "github-hosted")),
			ext(certificate.OIDSourceRepositoryURI, derString(t, "https://github.com/o/r")),
			ext(certificate.OIDSourceRepositoryDigest, derString(t, "0123abcd")),
			ext(certificate.OIDSourceRepositoryRef, derString(t, "refs/tags/v1")),
			ext(certificate.OIDBuildConfigURI, derString(t, "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1")),
			ext(certificate.OIDRunInvocationURI, derString(t, "https://github.com/o/r/actions/runs/1/attempts/1")),
			ext(oidDeploymentEnvironment, derString(t, "pypi")),
		},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := certificate.SummarizeCertificate(cert)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readIdentity(cert, sum)
	if err != nil {
		t.Fatal(err)
	}
	want := certIdentity{
		Identity: Identity{
			SAN:               san.String(),
			Issuer:            githubIssuer,
			SourceRepository:  "https://github.com/o/r",
			SourceRef:         "refs/tags/v1",
			SourceDigest:      "0123abcd",
			BuildConfig:       "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
			RunInvocation:     "https://github.com/o/r/actions/runs/1/attempts/1",
			RunnerEnvironment: "github-hosted",
			Environment:       "pypi",
		},
		IssuerV1: githubIssuer,
		IssuerV2: githubIssuer,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("readIdentity (-want +got):\n%s", diff)
	}

	// A malformed Deployment Environment is an error, not an absent one.
	cert.Extensions = append(cert.Extensions, ext(oidDeploymentEnvironment, []byte("not DER")))
	if _, err := readIdentity(cert, sum); err == nil || !strings.Contains(err.Error(), "deployment environment") {
		t.Errorf("readIdentity with a malformed extension: err = %v", err)
	}
}
