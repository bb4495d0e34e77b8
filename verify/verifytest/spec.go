package verifytest

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Publisher kinds as PyPI serialises them in provenance objects.
const (
	KindGitHub = "GitHub"
	KindGitLab = "GitLab"
	KindGoogle = "Google"
)

// OIDC issuers Fulcio records for each kind of Trusted Publisher.
const (
	IssuerGitHub = "https://token.actions.githubusercontent.com"
	IssuerGitLab = "https://gitlab.com"
	IssuerGoogle = "https://accounts.google.com"
)

// Spec says what to mint. Its zero value (plus an identity) is a correct
// attestation; each fault field breaks exactly one property, for negative
// tests. As a `<file>.publisher` sidecar it is JSON with the snake_case names
// below, for example
//
//	{"kind": "GitHub", "repository": "acme/demo", "workflow": "release.yml", "environment": "pypi"}
//	{"kind": "GitLab", "repository": "acme/demo", "workflow": ".gitlab-ci.yml"}
//	{"kind": "Google", "email": "release@acme.iam.gserviceaccount.com"}
//	{"repository": "acme/demo", "publisher": {"kind": "GitHub", "repository": "evil/demo", "workflow": "release.yml"}}
//	{"repository": "acme/demo", "no_sct": true}
//
// Unknown JSON fields are an error, so a typo cannot silently mint a correct
// attestation. "statement" is a plain string.
type Spec struct {
	// Kind is "GitHub" (default), "GitLab" or "Google" (default when only
	// Email is set); matched case-insensitively. JSON: kind.
	Kind string `json:"kind,omitempty"`
	// Repository is "owner/name" (GitHub) or the project path (GitLab);
	// required for both. JSON: repository.
	Repository string `json:"repository,omitempty"`
	// Workflow is the workflow file name in .github/workflows (GitHub,
	// default "release.yml") or the CI file path (GitLab, default
	// ".gitlab-ci.yml"). It is what the Build Config URI names. JSON: workflow.
	Workflow string `json:"workflow,omitempty"`
	// Ref is the git ref built (default "refs/heads/main"). JSON: ref.
	Ref string `json:"ref,omitempty"`
	// Digest is the commit (default: 40 hex digits derived from repository
	// and ref). JSON: digest.
	Digest string `json:"digest,omitempty"`
	// Environment is the deployment environment; when set the certificate
	// carries Fulcio's Deployment Environment extension (…57264.1.23).
	// JSON: environment.
	Environment string `json:"environment,omitempty"`
	// Email is the Google service account (the e-mail SAN). JSON: email.
	Email string `json:"email,omitempty"`
	// Runner is the runner environment: "github-hosted" (default for GitHub),
	// "gitlab-hosted" (default for GitLab) or "self-hosted". JSON: runner.
	Runner string `json:"runner,omitempty"`
	// Issuer overrides the OIDC issuer recorded in the certificate (both the
	// V1 and V2 issuer extensions). JSON: issuer.
	Issuer string `json:"issuer,omitempty"`
	// CalledWorkflow makes a reusable-workflow certificate (GitHub only): the
	// SAN and Build Signer URI name this workflow, "owner/repo/.github/
	// workflows/file.yml[@ref]" (Ref appended when no @), while the Build
	// Config URI still names Repository's Workflow. JSON: called_workflow.
	CalledWorkflow string `json:"called_workflow,omitempty"`

	// Publisher is the provenance bundle's publisher object, used verbatim;
	// nil derives it from the identity as PyPI would. JSON: publisher.
	Publisher map[string]any `json:"publisher,omitempty"`
	// PredicateType defaults to PublishPredicate. JSON: predicate_type.
	PredicateType string `json:"predicate_type,omitempty"`
	// Statement replaces the whole signed payload (wrong _type, not JSON…);
	// it is still signed and logged correctly. JSON: statement (a string).
	Statement []byte `json:"-"`
	// SubjectName and SubjectSHA256 override the statement's subject.
	// JSON: subject_name, subject_sha256.
	SubjectName   string `json:"subject_name,omitempty"`
	SubjectSHA256 string `json:"subject_sha256,omitempty"`
	// ExtraSubject appends a second subject for another file. JSON: extra_subject.
	ExtraSubject bool `json:"extra_subject,omitempty"`

	// NoSCT issues the certificate without an embedded SCT. JSON: no_sct.
	NoSCT bool `json:"no_sct,omitempty"`
	// NoTlogEntry leaves transparency_entries empty. JSON: no_tlog_entry.
	NoTlogEntry bool `json:"no_tlog_entry,omitempty"`
	// CorruptSignature flips a bit of the envelope signature after it was
	// logged (as tampering in transit would). JSON: corrupt_signature.
	CorruptSignature bool `json:"corrupt_signature,omitempty"`
	// CertExpiredBeforeLogEntry logs the signature after the certificate's
	// NotAfter. JSON: cert_expired_before_log_entry.
	CertExpiredBeforeLogEntry bool `json:"cert_expired_before_log_entry,omitempty"`
	// CorruptSET flips a bit of the Rekor signed entry timestamp; body,
	// inclusion proof and envelope stay intact. JSON: corrupt_set.
	CorruptSET bool `json:"corrupt_set,omitempty"`
	// UnknownLog records the entry in a Rekor log (v1, or v2 with RekorV2)
	// whose key is not in the trusted root. JSON: unknown_log.
	UnknownLog bool `json:"unknown_log,omitempty"`

	// RekorV2 records the signature in the root's Rekor v2 log as a
	// hashedrekord 0.0.2 entry (inclusion proof and checkpoint, no
	// integrated time, no SET) and, since such an entry gives no time,
	// adds an RFC 3161 timestamp from the root's TSA unless NoTimestamp.
	// JSON: rekor_v2.
	RekorV2 bool `json:"rekor_v2,omitempty"`
	// Timestamp adds an RFC 3161 timestamp to a Rekor v1 attestation too.
	// JSON: timestamp.
	Timestamp bool `json:"timestamp,omitempty"`
	// NoTimestamp leaves verification_material.timestamps out of a RekorV2
	// attestation. JSON: no_timestamp.
	NoTimestamp bool `json:"no_timestamp,omitempty"`
	// DSSEV2 logs a RekorV2 attestation as a dsse 0.0.2 entry, the type the
	// Rekor v2 spec dropped. JSON: dsse_v2.
	DSSEV2 bool `json:"dsse_v2,omitempty"`
	// StaleLog records the entry in a Rekor log (v1, or v2 with RekorV2)
	// the root trusts only for a window that ended before signing.
	// JSON: stale_log.
	StaleLog bool `json:"stale_log,omitempty"`
	// CorruptInclusionProof flips a bit of a RekorV2 entry's inclusion
	// proof. JSON: corrupt_inclusion_proof.
	CorruptInclusionProof bool `json:"corrupt_inclusion_proof,omitempty"`
	// UnknownTSA has the timestamp signed by a TSA the root does not hold.
	// JSON: unknown_tsa.
	UnknownTSA bool `json:"unknown_tsa,omitempty"`
	// StaleTSA has the timestamp signed by a TSA the root trusts only for a
	// window that ended before signing. JSON: stale_tsa.
	StaleTSA bool `json:"stale_tsa,omitempty"`
	// CorruptTimestamp flips a bit of the TSA's signature in the
	// timestamp response. JSON: corrupt_timestamp.
	CorruptTimestamp bool `json:"corrupt_timestamp,omitempty"`
	// TimestampAfterCertExpiry dates the timestamp after the signing
	// certificate's NotAfter. JSON: timestamp_after_cert_expiry.
	TimestampAfterCertExpiry bool `json:"timestamp_after_cert_expiry,omitempty"`
}

// specJSON is Spec's JSON form: the same fields, with statement as a string.
type specJSON Spec

// UnmarshalJSON decodes a sidecar, rejecting unknown fields.
func (s *Spec) UnmarshalJSON(b []byte) error {
	aux := struct {
		*specJSON
		Statement *string `json:"statement,omitempty"`
	}{specJSON: (*specJSON)(s)}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return fmt.Errorf("verifytest: spec: %w", err)
	}
	if aux.Statement != nil {
		s.Statement = []byte(*aux.Statement)
	}
	return nil
}

// MarshalJSON encodes s in its sidecar form.
func (s Spec) MarshalJSON() ([]byte, error) {
	aux := struct {
		specJSON
		Statement string `json:"statement,omitempty"`
	}{specJSON: specJSON(s), Statement: string(s.Statement)}
	return json.Marshal(aux)
}

// identity is a Spec's certificate identity, resolved and validated.
type identity struct {
	kind, repository, workflow, ref, digest, environment, email, runner, issuer, called string
	noSCT, expiredBeforeLog                                                             bool

	uris   []*url.URL
	emails []string
}

func resolve(spec Spec) (*identity, error) {
	id := &identity{
		kind: spec.Kind, repository: spec.Repository, workflow: spec.Workflow, ref: spec.Ref,
		digest: spec.Digest, environment: spec.Environment, email: spec.Email, runner: spec.Runner,
		issuer: spec.Issuer, called: spec.CalledWorkflow,
		noSCT: spec.NoSCT, expiredBeforeLog: spec.CertExpiredBeforeLogEntry,
	}
	switch strings.ToLower(id.kind) {
	case "":
		id.kind = KindGitHub
		if spec.Email != "" && spec.Repository == "" {
			id.kind = KindGoogle
		}
	case "github":
		id.kind = KindGitHub
	case "gitlab":
		id.kind = KindGitLab
	case "google":
		id.kind = KindGoogle
	default:
		return nil, fmt.Errorf("verifytest: spec: unknown kind %q (want GitHub, GitLab or Google)", spec.Kind)
	}
	if id.ref == "" {
		id.ref = "refs/heads/main"
	}
	if id.digest == "" {
		sum := sha256.Sum256([]byte(id.repository + "@" + id.ref))
		id.digest = hex.EncodeToString(sum[:20])
	}
	var san string
	switch id.kind {
	case KindGitHub:
		if id.repository == "" {
			return nil, fmt.Errorf("verifytest: spec: GitHub identity needs a repository")
		}
		if id.workflow == "" {
			id.workflow = "release.yml"
		}
		if id.runner == "" {
			id.runner = "github-hosted"
		}
		if id.issuer == "" {
			id.issuer = IssuerGitHub
		}
		if id.called != "" {
			if !strings.Contains(id.called, "@") {
				id.called += "@" + id.ref
			}
			san = "https://github.com/" + id.called
		} else {
			san = id.buildConfigURI()
		}
	case KindGitLab:
		if id.repository == "" {
			return nil, fmt.Errorf("verifytest: spec: GitLab identity needs a repository")
		}
		if id.called != "" {
			return nil, fmt.Errorf("verifytest: spec: called_workflow is GitHub-only")
		}
		if id.workflow == "" {
			id.workflow = ".gitlab-ci.yml"
		}
		if id.runner == "" {
			id.runner = "gitlab-hosted"
		}
		if id.issuer == "" {
			id.issuer = IssuerGitLab
		}
		san = id.buildConfigURI()
	case KindGoogle:
		if id.email == "" {
			return nil, fmt.Errorf("verifytest: spec: Google identity needs an email")
		}
		if id.issuer == "" {
			id.issuer = IssuerGoogle
		}
		id.emails = []string{id.email}
		return id, nil
	}
	u, err := url.Parse(san)
	if err != nil {
		return nil, fmt.Errorf("verifytest: spec: SAN %q: %w", san, err)
	}
	id.uris = []*url.URL{u}
	return id, nil
}

// buildConfigURI is the Build Config URI (…57264.1.18) Fulcio derives from the
// workflow_ref (GitHub) or ci_config_ref_uri (GitLab, with its double slash).
func (id *identity) buildConfigURI() string {
	if id.kind == KindGitLab {
		return "https://gitlab.com/" + id.repository + "//" + id.workflow + "@" + id.ref
	}
	return "https://github.com/" + id.repository + "/.github/workflows/" + id.workflow + "@" + id.ref
}

func (id *identity) cacheKey() string {
	return strings.Join([]string{id.kind, id.repository, id.workflow, id.ref, id.digest, id.environment,
		id.email, id.runner, id.issuer, id.called, strconv.FormatBool(id.noSCT), strconv.FormatBool(id.expiredBeforeLog)}, "\x00")
}

// number derives a stable numeric id (repository id, run id…) from s.
func number(s string) string {
	sum := sha256.Sum256([]byte(s))
	return strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])%1e9, 10)
}

// Fulcio certificate extension OIDs (sigstore/fulcio docs/oid-info.md;
// sigstore-go pkg/fulcio/certificate/extensions.go). 1.1–1.6 hold raw
// strings, 1.8 and above DER UTF8String.
func fulcioOID(n int) asn1.ObjectIdentifier {
	return asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, n}
}

// extensions returns the Fulcio extensions Fulcio would put in a certificate
// for this identity, in Fulcio's order.
func (id *identity) extensions() ([]pkix.Extension, error) {
	var exts []pkix.Extension
	raw := func(n int, v string) {
		exts = append(exts, pkix.Extension{Id: fulcioOID(n), Value: []byte(v)})
	}
	var err error
	utf8 := func(n int, v string) {
		b, e := asn1.MarshalWithParams(v, "utf8")
		if e != nil && err == nil {
			err = fmt.Errorf("verifytest: extension 1.3.6.1.4.1.57264.1.%d: %w", n, e)
		}
		exts = append(exts, pkix.Extension{Id: fulcioOID(n), Value: b})
	}
	raw(1, id.issuer)
	switch id.kind {
	case KindGitHub:
		signer := id.buildConfigURI()
		if id.called != "" {
			signer = "https://github.com/" + id.called
		}
		owner, _, _ := strings.Cut(id.repository, "/")
		run := "https://github.com/" + id.repository + "/actions/runs/" + number(id.repository+id.digest) + "/attempts/1"
		raw(2, "push")
		raw(3, id.digest)
		raw(4, "Release")
		raw(5, id.repository)
		raw(6, id.ref)
		utf8(8, id.issuer)
		utf8(9, signer)
		utf8(10, id.digest)
		utf8(11, id.runner)
		utf8(12, "https://github.com/"+id.repository)
		utf8(13, id.digest)
		utf8(14, id.ref)
		utf8(15, number(id.repository))
		utf8(16, "https://github.com/"+owner)
		utf8(17, number(owner))
		utf8(18, id.buildConfigURI())
		utf8(19, id.digest)
		utf8(20, "push")
		utf8(21, run)
		utf8(22, "public")
		if id.environment != "" {
			utf8(23, id.environment)
		}
	case KindGitLab:
		ns := id.repository
		if i := strings.LastIndex(ns, "/"); i >= 0 {
			ns = ns[:i]
		}
		utf8(8, id.issuer)
		utf8(9, id.buildConfigURI())
		utf8(10, id.digest)
		utf8(11, id.runner)
		utf8(12, "https://gitlab.com/"+id.repository)
		utf8(13, id.digest)
		utf8(14, id.ref)
		utf8(15, number(id.repository))
		utf8(16, "https://gitlab.com/"+ns)
		utf8(17, number(ns))
		utf8(18, id.buildConfigURI())
		utf8(19, id.digest)
		utf8(20, "push")
		utf8(21, "https://gitlab.com/"+id.repository+"/-/jobs/"+number(id.repository+id.digest))
		utf8(22, "private")
		if id.environment != "" {
			utf8(23, id.environment)
		}
	case KindGoogle:
		utf8(8, id.issuer)
	}
	return exts, err
}

// publisher is the provenance publisher object PyPI serialises for this
// identity (warehouse's Publisher.publisher_base_url siblings; corpus shapes).
func (id *identity) publisher() map[string]any {
	var env any
	if id.environment != "" {
		env = id.environment
	}
	switch id.kind {
	case KindGitLab:
		return map[string]any{"kind": KindGitLab, "repository": id.repository, "workflow_filepath": id.workflow, "environment": env}
	case KindGoogle:
		return map[string]any{"kind": KindGoogle, "email": id.email}
	}
	return map[string]any{"kind": KindGitHub, "repository": id.repository, "workflow": id.workflow, "environment": env}
}

// statement is an in-toto Statement v1 with fields in the order PyPI's
// tooling writes them.
type statement struct {
	Type          string           `json:"_type"`
	Subject       []statementEntry `json:"subject"`
	PredicateType string           `json:"predicateType"`
	Predicate     any              `json:"predicate"`
}

type statementEntry struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// payload returns the bytes to sign for filename with sha256hex.
func (spec *Spec) payload(filename, sha256hex string) ([]byte, error) {
	if spec.Statement != nil {
		return spec.Statement, nil
	}
	st := statement{Type: StatementType, PredicateType: spec.PredicateType}
	if st.PredicateType == "" {
		st.PredicateType = PublishPredicate
	}
	name, digest := filename, strings.ToLower(sha256hex)
	if spec.SubjectName != "" {
		name = spec.SubjectName
	}
	if spec.SubjectSHA256 != "" {
		digest = spec.SubjectSHA256
	}
	st.Subject = []statementEntry{{Name: name, Digest: map[string]string{"sha256": digest}}}
	if spec.ExtraSubject {
		other := sha256.Sum256([]byte("another file: " + filename))
		st.Subject = append(st.Subject, statementEntry{Name: "pyverify_extra-0.0.1.tar.gz", Digest: map[string]string{"sha256": hex.EncodeToString(other[:])}})
	}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, fmt.Errorf("verifytest: encode statement: %w", err)
	}
	return b, nil
}
