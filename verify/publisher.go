package verify

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
)

// The OIDC issuers of the Trusted Publishers pyverify can match (corpus
// README rule 4).
const (
	githubIssuer = "https://token.actions.githubusercontent.com"
	gitlabIssuer = "https://gitlab.com"
	googleIssuer = "https://accounts.google.com"
)

// The publisher kinds of pypi-attestations' Publisher union.
const (
	publisherGitHub = "GitHub"
	publisherGitLab = "GitLab"
	publisherGoogle = "Google"
)

// oidDeploymentEnvironment is Fulcio's Deployment Environment extension,
// issued since 2025 and not known to sigstore-go v1.3.0's parser.
var oidDeploymentEnvironment = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 23}

// certIdentity is what a verified signing certificate says about its
// signer: the Identity shown in reports, plus the two issuer extensions that
// the publisher rules read separately.
type certIdentity struct {
	Identity
	IssuerV1 string // …1.1, raw string (deprecated, still issued)
	IssuerV2 string // …1.8, DER UTF8String
}

// readIdentity reads the signer's identity from the leaf certificate that
// sigstore-go verified and summarised. Fulcio extensions …1.1–.7 hold raw
// strings and …1.8 and above DER UTF8Strings (Fulcio's OID registry).
func readIdentity(cert *x509.Certificate, sum certificate.Summary) (certIdentity, error) {
	id := certIdentity{Identity: Identity{
		SAN:               sum.SubjectAlternativeName,
		SourceRepository:  sum.SourceRepositoryURI,
		SourceRef:         sum.SourceRepositoryRef,
		SourceDigest:      sum.SourceRepositoryDigest,
		BuildConfig:       sum.BuildConfigURI,
		RunInvocation:     sum.RunInvocationURI,
		RunnerEnvironment: sum.RunnerEnvironment,
	}}
	for _, e := range cert.Extensions {
		switch {
		//lint:ignore SA1019 the V1 issuer (…1.1) is deprecated for new certificates, but Google publishers are matched on it (pypi-attestations) and 2024 certificates carry it
		case e.Id.Equal(certificate.OIDIssuer):
			id.IssuerV1 = string(e.Value)
		case e.Id.Equal(certificate.OIDIssuerV2):
			if err := certificate.ParseDERString(e.Value, &id.IssuerV2); err != nil {
				return certIdentity{}, fmt.Errorf("certificate issuer extension: %w", err)
			}
		case e.Id.Equal(oidDeploymentEnvironment):
			if err := certificate.ParseDERString(e.Value, &id.Environment); err != nil {
				return certIdentity{}, fmt.Errorf("certificate deployment environment extension: %w", err)
			}
		}
	}
	id.Issuer = id.IssuerV2
	if id.Issuer == "" {
		id.Issuer = id.IssuerV1
	}
	return id, nil
}

// publisherString names a publisher for people: "github.com/owner/repo
// (workflow release.yml, environment pypi)", "gitlab.com/group/project (CI
// file .gitlab-ci.yml)", "Google service account x@y", or its kind.
func publisherString(p Publisher) string {
	switch p.Kind {
	case publisherGitHub:
		return "github.com/" + p.Repository + workflowNote("workflow", p)
	case publisherGitLab:
		return "gitlab.com/" + p.Repository + workflowNote("CI file", p)
	case publisherGoogle:
		return "Google service account " + p.Email
	case "":
		return "no publisher"
	}
	s := p.Kind + " publisher"
	if p.Repository != "" {
		s += " " + p.Repository
	}
	return s
}

// workflowNote is " (LABEL workflow, environment env)", or "" without a
// workflow.
func workflowNote(label string, p Publisher) string {
	if p.Workflow == "" {
		return ""
	}
	s := " (" + label + " " + p.Workflow
	if p.Environment != "" {
		s += ", environment " + p.Environment
	}
	return s + ")"
}

// matchPublisher checks a verified certificate identity against the
// publisher a provenance bundle names (SPEC §4.5, corpus README rule 4, as
// pypi-attestations' _GitHubTrustedPublisherPolicy,
// _GitLabTrustedPublisherPolicy and GooglePublisher check them). It returns
// "" when they match, else the mismatch in words. Strings compare exactly,
// except the environment, which compares case-insensitively and only when
// both the provenance and the certificate name one. A publisher kind
// pyverify cannot check is a mismatch: a check that could not run never
// passes.
func matchPublisher(p Publisher, id certIdentity) string {
	var cause string
	switch p.Kind {
	case publisherGitHub:
		cause = matchRepositoryPublisher(p, id, githubIssuer, "https://github.com/", "/.github/workflows/")
	case publisherGitLab:
		cause = matchRepositoryPublisher(p, id, gitlabIssuer, "https://gitlab.com/", "//")
	case publisherGoogle:
		cause = matchGooglePublisher(p, id)
	default:
		return fmt.Sprintf("the provenance names a %q publisher, which pyverify cannot check against the certificate", p.Kind)
	}
	if cause != "" {
		return cause
	}
	if p.Environment != "" && id.Environment != "" && !strings.EqualFold(p.Environment, id.Environment) {
		return fmt.Sprintf("certificate was issued for deployment environment %q but the provenance names publisher %s", id.Environment, publisherString(p))
	}
	return ""
}

// matchRepositoryPublisher implements the GitHub and GitLab rules: issuer V2,
// Source Repository URI = host + repository, and Build Config URI = host +
// repository + sep + workflow "@" (source digest or ref). The Build Config
// URI, not the SAN, names the workflow the publisher configured: with a
// reusable workflow the SAN names the called one.
func matchRepositoryPublisher(p Publisher, id certIdentity, issuer, host, sep string) string {
	if p.Repository == "" || p.Workflow == "" {
		return fmt.Sprintf("the provenance names a %s publisher without a repository or workflow", p.Kind)
	}
	if id.IssuerV2 != issuer {
		return fmt.Sprintf("certificate was issued by %s, not %s, but the provenance names publisher %s", orNone(id.IssuerV2), issuer, publisherString(p))
	}
	if want := host + p.Repository; id.SourceRepository != want {
		return fmt.Sprintf("certificate was issued to %s but the provenance names publisher %s", orNone(id.SourceRepository), publisherString(p))
	}
	if id.SourceDigest == "" && id.SourceRef == "" {
		return "certificate names neither the source commit nor the source ref, so its workflow cannot be checked"
	}
	base := host + p.Repository + sep + p.Workflow + "@"
	for _, x := range []string{id.SourceDigest, id.SourceRef} {
		if x != "" && id.BuildConfig == base+x {
			return ""
		}
	}
	return fmt.Sprintf("certificate was issued to the workflow %s but the provenance names publisher %s", orNone(id.BuildConfig), publisherString(p))
}

// matchGooglePublisher implements the Google rule: the SAN is the service
// account e-mail and the OIDC issuer is Google's. pypi-attestations reads the
// V1 issuer extension; a certificate without it falls back to V2.
func matchGooglePublisher(p Publisher, id certIdentity) string {
	if p.Email == "" {
		return "the provenance names a Google publisher without an e-mail"
	}
	issuer := id.IssuerV1
	if issuer == "" {
		issuer = id.IssuerV2
	}
	if issuer != googleIssuer {
		return fmt.Sprintf("certificate was issued by %s, not %s, but the provenance names publisher %s", orNone(issuer), googleIssuer, publisherString(p))
	}
	if id.SAN != p.Email {
		return fmt.Sprintf("certificate was issued to %s but the provenance names publisher %s", orNone(id.SAN), publisherString(p))
	}
	return ""
}

// derivePublisher names the publisher a verified certificate identifies, for
// a bare attestation that comes without provenance (no publisher to match).
// The result is read from the certificate, so it is as trustworthy as the
// certificate; a certificate from an issuer pyverify does not know gives
// the zero Publisher.
func derivePublisher(id certIdentity) Publisher {
	switch {
	case id.IssuerV2 == githubIssuer:
		return deriveRepositoryPublisher(publisherGitHub, id, "https://github.com/", "/.github/workflows/")
	case id.IssuerV2 == gitlabIssuer:
		return deriveRepositoryPublisher(publisherGitLab, id, "https://gitlab.com/", "//")
	case id.IssuerV1 == googleIssuer || (id.IssuerV1 == "" && id.IssuerV2 == googleIssuer):
		if strings.Contains(id.SAN, "@") {
			return Publisher{Kind: publisherGoogle, Email: id.SAN}
		}
	}
	return Publisher{}
}

// deriveRepositoryPublisher reads repository and workflow back from the
// Source Repository URI and Build Config URI (the inverse of
// matchRepositoryPublisher).
func deriveRepositoryPublisher(kind string, id certIdentity, host, sep string) Publisher {
	repo, ok := strings.CutPrefix(id.SourceRepository, host)
	if !ok || repo == "" {
		return Publisher{}
	}
	p := Publisher{Kind: kind, Repository: repo, Environment: id.Environment}
	if rest, ok := strings.CutPrefix(id.BuildConfig, host+repo+sep); ok {
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			p.Workflow = rest[:i]
		}
	}
	return p
}

// orNone shows an empty certificate field as "(none)".
func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
