package policy_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
)

// now is the injected clock of these tests.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func mustParse(t *testing.T, src string) *policy.Policy {
	t.Helper()
	p, err := policy.Parse("pyverify.toml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return p
}

func TestLookup(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `[packages."acme-*"]
require = "hash"
[packages."acme-core-*"]
require = "hash"
[packages."*-core-*"]
require = "hash"
[packages.acme-core-lib]
require = "hash"
[packages."g*"]
require = "hash"
[packages."*"]
require = "hash"
expires = 2026-11-24
[packages."google-*"]
require = "hash"
expires = 2026-11-25
[packages."google-cloud-*"]
require = "hash"
expires = 2026-11-25T11:59:59Z
[packages.old]
require = "hash"
expires = 2020-01-01
`)
	tests := []struct {
		name        string
		pkg         string
		want        string // pattern; "" = top level
		wantExpired []string
	}{
		{"exact name beats every glob", "acme-core-lib", "acme-core-lib", nil},
		{"exact match after normalisation", "Acme_Core.Lib", "acme-core-lib", nil},
		{"longest glob wins", "acme-core-x", "acme-core-*", nil},
		{"same length: first written wins", "acme-x", "acme-*", nil},
		{"equal-length globs, first in file", "zz-core-x", "*-core-*", nil},
		{"no match: top level, with the expired catch-all reported", "requests", "", []string{"*"}},
		{"a date applies through the whole day", "google-auth", "google-*", nil},
		{"an expired date-time stops applying", "google-cloud-storage", "google-*", []string{"google-cloud-*"}},
		{"expired exact name falls back to top level", "old", "", []string{"old", "*"}},
		{"expired entries less specific than the winner are not reported", "gx", "g*", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, expired := p.Lookup(tt.pkg, now)
			got := ""
			if e != nil {
				got = e.Pattern
			}
			if got != tt.want {
				t.Errorf("Lookup(%q) = %q, want %q", tt.pkg, got, tt.want)
			}
			var gotExpired []string
			for _, x := range expired {
				gotExpired = append(gotExpired, x.Pattern)
			}
			if diff := cmp.Diff(tt.wantExpired, gotExpired); diff != "" {
				t.Errorf("Lookup(%q) expired mismatch (-want +got):\n%s", tt.pkg, diff)
			}
		})
	}
	// The day after the date, the entry has expired.
	e, expired := p.Lookup("google-auth", now.AddDate(0, 0, 1))
	if e == nil || e.Pattern != "g*" || len(expired) != 1 || expired[0].Pattern != "google-*" {
		t.Errorf("Lookup(google-auth, +1 day) = %v, %v; want g* with google-* expired", e, expired)
	}
}

func TestPublisherMatches(t *testing.T) {
	t.Parallel()
	gh := policy.Identity{Kind: "GitHub", Repository: "Sigstore/Sigstore-Python", Workflow: "release.yml",
		Environment: "PyPI", Ref: "refs/tags/v3.6.1", Runner: "github-hosted"}
	tests := []struct {
		name string
		pub  policy.Publisher
		id   policy.Identity
		want bool
	}{
		{"repository only", policy.Publisher{Kind: "GitHub", Repository: "sigstore/sigstore-python"}, gh, true},
		{"repository is case-insensitive", policy.Publisher{Kind: "GitHub", Repository: "SIGSTORE/sigstore-python"}, gh, true},
		{"repository glob", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*"}, gh, true},
		{"glob * does not cross /", policy.Publisher{Kind: "GitHub", Repository: "*"}, gh, false},
		{"other repository", policy.Publisher{Kind: "GitHub", Repository: "evil/fork"}, gh, false},
		{"other kind", policy.Publisher{Kind: "GitLab", Repository: "sigstore/sigstore-python"}, gh, false},
		{"workflow", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*", Workflow: "release.yml"}, gh, true},
		{"workflow is case-sensitive", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*", Workflow: "Release.yml"}, gh, false},
		{"environment is case-insensitive", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*", Environment: "pypi"}, gh, true},
		{"environment required but absent", policy.Publisher{Kind: "GitHub", Repository: "a/b", Environment: "pypi"}, policy.Identity{Kind: "GitHub", Repository: "a/b"}, false},
		{"ref glob", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*", Ref: "refs/tags/*"}, gh, true},
		{"ref glob refuses a branch", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*", Ref: "refs/tags/*"},
			policy.Identity{Kind: "GitHub", Repository: "sigstore/x", Ref: "refs/heads/main"}, false},
		{"github-hosted runner", policy.Publisher{Kind: "GitHub", Repository: "sigstore/*", Runner: "github-hosted"}, gh, true},
		{"github-hosted refuses self-hosted", policy.Publisher{Kind: "GitHub", Repository: "a/b", Runner: "github-hosted"},
			policy.Identity{Kind: "GitHub", Repository: "a/b", Runner: "self-hosted"}, false},
		{"github-hosted refuses an unknown runner", policy.Publisher{Kind: "GitHub", Repository: "a/b", Runner: "github-hosted"},
			policy.Identity{Kind: "GitHub", Repository: "a/b"}, false},
		{"Google e-mail glob", policy.Publisher{Kind: "Google", Email: "*@acme.iam.gserviceaccount.com"},
			policy.Identity{Kind: "Google", Email: "Release@acme.iam.gserviceaccount.com"}, true},
		{"escaped metacharacters are literal", policy.Publisher{Kind: "GitLab", Repository: "a/b", Workflow: `ci/\[release\].yml`},
			policy.Identity{Kind: "GitLab", Repository: "a/b", Workflow: "ci/[release].yml"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.pub.Matches(tt.id); got != tt.want {
				t.Errorf("%+v.Matches(%+v) = %v, want %v", tt.pub, tt.id, got, tt.want)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	const src = `require = "hash"
deny-yanked = true
require-pinned = true

[packages.sigstore]
require = "attestation"
publishers = [
  { kind = "GitHub", repository = "sigstore/sigstore-python", workflow = "release.yml" },
]

[packages."acme-*"]
require = "hash"
publishers = [{ kind = "GitLab", repository = "acme/*" }]

[packages.attested]
require = "attestation"

[packages."legacy-*"]
require = "attestation"

[packages.legacy-lib]
require = "hash"
reason = "upstream has no trusted publishing yet"
expires = 2026-06-30

[packages.hosted]
require = "attestation"
publishers = [{ kind = "GitHub", repository = "h/h", runner = "github-hosted" }]
`
	p := mustParse(t, src)
	sigstore := policy.Identity{Kind: "GitHub", Repository: "sigstore/sigstore-python", Workflow: "release.yml", Runner: "github-hosted"}
	fork := policy.Identity{Kind: "GitHub", Repository: "evil/fork", Workflow: "release.yml", Runner: "github-hosted"}
	acme := policy.Identity{Kind: "GitLab", Repository: "acme/core", Workflow: ".gitlab-ci.yml"}
	verified := func(name string, ids ...policy.Identity) policy.FileEvidence {
		return policy.FileEvidence{Filename: name, Level: policy.Verified, Publishers: ids}
	}
	level := func(name string, l policy.EvidenceLevel) policy.FileEvidence {
		return policy.FileEvidence{Filename: name, Level: l}
	}
	tests := []struct {
		name string
		ev   policy.Evidence
		want policy.Decision
	}{
		{
			name: "pinned publisher, attested by it",
			ev:   policy.Evidence{Name: "sigstore", Pinned: true, Files: []policy.FileEvidence{verified("sigstore-3.6.1.tar.gz", sigstore)}},
			want: policy.Decision{Entry: "packages.sigstore", Location: "pyverify.toml:5", Require: policy.Attestation,
				Publishers: p.Entries[0].Publishers},
		},
		{
			name: "attested by another publisher",
			ev:   policy.Evidence{Name: "sigstore", Pinned: true, Files: []policy.FileEvidence{verified("sigstore-3.6.1.tar.gz", fork)}},
			want: policy.Decision{Entry: "packages.sigstore", Location: "pyverify.toml:5", Require: policy.Attestation,
				Publishers: p.Entries[0].Publishers,
				Violations: []policy.Violation{{Kind: policy.PublisherNotAllowed,
					Message: "sigstore: sigstore-3.6.1.tar.gz is attested by github.com/evil/fork (release.yml), not by a publisher the policy allows for sigstore (pyverify.toml:5)"}}},
		},
		{
			name: "one allowed attestation is enough",
			ev:   policy.Evidence{Name: "sigstore", Pinned: true, Files: []policy.FileEvidence{verified("s.whl", fork, sigstore)}},
			want: policy.Decision{Entry: "packages.sigstore", Location: "pyverify.toml:5", Require: policy.Attestation,
				Publishers: p.Entries[0].Publishers},
		},
		{
			name: "require attestation: hash-only file",
			ev: policy.Evidence{Name: "Sigstore", Pinned: true, Files: []policy.FileEvidence{
				verified("sigstore-3.6.1-py3-none-any.whl", sigstore), level("sigstore-3.6.1.tar.gz", policy.HashOnly)}},
			want: policy.Decision{Entry: "packages.sigstore", Location: "pyverify.toml:5", Require: policy.Attestation,
				Publishers: p.Entries[0].Publishers,
				Violations: []policy.Violation{{Kind: policy.MissingAttestation,
					Message: "Sigstore: sigstore-3.6.1.tar.gz has no attestation, but the policy requires one for Sigstore (pyverify.toml:5)"}}},
		},
		{
			name: "failed and incomplete files are not judged",
			ev: policy.Evidence{Name: "attested", Pinned: true, Files: []policy.FileEvidence{
				level("a.tar.gz", policy.Failed), level("a.whl", policy.Incomplete)}},
			want: policy.Decision{Entry: "packages.attested", Location: "pyverify.toml:15", Require: policy.Attestation},
		},
		{
			name: "attestation without pinned publishers: any verified publisher",
			ev:   policy.Evidence{Name: "attested", Pinned: true, Files: []policy.FileEvidence{verified("a.whl", fork)}},
			want: policy.Decision{Entry: "packages.attested", Location: "pyverify.toml:15", Require: policy.Attestation},
		},
		{
			name: "pinned publisher binds under require = hash: hash-only is fine",
			ev:   policy.Evidence{Name: "acme-core", Pinned: true, Files: []policy.FileEvidence{level("acme_core-1.0.tar.gz", policy.HashOnly), verified("acme_core-1.0-py3-none-any.whl", acme)}},
			want: policy.Decision{Entry: `packages."acme-*"`, Location: "pyverify.toml:11", Require: policy.Hash,
				Publishers: p.Entries[1].Publishers},
		},
		{
			name: "pinned publisher binds under require = hash: another publisher is not",
			ev:   policy.Evidence{Name: "acme-core", Pinned: true, Files: []policy.FileEvidence{verified("acme_core-1.0.tar.gz", fork)}},
			want: policy.Decision{Entry: `packages."acme-*"`, Location: "pyverify.toml:11", Require: policy.Hash,
				Publishers: p.Entries[1].Publishers,
				Violations: []policy.Violation{{Kind: policy.PublisherNotAllowed,
					Message: "acme-core: acme_core-1.0.tar.gz is attested by github.com/evil/fork (release.yml), not by a publisher the policy allows for acme-core (pyverify.toml:11)"}}},
		},
		{
			name: "self-hosted runner refused",
			ev: policy.Evidence{Name: "hosted", Pinned: true, Files: []policy.FileEvidence{
				verified("hosted-1.0.tar.gz", policy.Identity{Kind: "GitHub", Repository: "h/h", Workflow: "r.yml", Runner: "self-hosted"})}},
			want: policy.Decision{Entry: "packages.hosted", Location: "pyverify.toml:26", Require: policy.Attestation,
				Publishers: p.Entries[5].Publishers,
				Violations: []policy.Violation{{Kind: policy.PublisherNotAllowed,
					Message: "hosted: hosted-1.0.tar.gz is attested by github.com/h/h (r.yml; self-hosted runner), not by a publisher the policy allows for hosted (pyverify.toml:26)"}}},
		},
		{
			name: "top level: hash is enough",
			ev:   policy.Evidence{Name: "requests", Pinned: true, Files: []policy.FileEvidence{level("requests-2.0.tar.gz", policy.HashOnly)}},
			want: policy.Decision{Entry: "top level", Location: "pyverify.toml:1", Require: policy.Hash},
		},
		{
			name: "deny-yanked and require-pinned",
			ev:   policy.Evidence{Name: "requests", Yanked: true, Files: []policy.FileEvidence{level("requests-2.0.tar.gz", policy.HashOnly)}},
			want: policy.Decision{Entry: "top level", Location: "pyverify.toml:1", Require: policy.Hash,
				Violations: []policy.Violation{
					{Kind: policy.Yanked, Message: "requests: the release is yanked, and the policy denies yanked releases (pyverify.toml:2)"},
					{Kind: policy.NotPinned, Message: "requests: the requirement does not pin a version with == or ===, and the policy requires pinned requirements (pyverify.toml:3)"},
				}},
		},
		{
			name: "expired entry whose fallback fails: policy-expired is a violation too",
			ev:   policy.Evidence{Name: "legacy-lib", Pinned: true, Files: []policy.FileEvidence{level("legacy_lib-1.0.tar.gz", policy.HashOnly)}},
			want: policy.Decision{Entry: `packages."legacy-*"`, Location: "pyverify.toml:18", Require: policy.Attestation,
				Violations: []policy.Violation{
					{Kind: policy.MissingAttestation, Message: "legacy-lib: legacy_lib-1.0.tar.gz has no attestation, but the policy requires one for legacy-lib (pyverify.toml:18)"},
					{Kind: policy.PolicyExpired, Message: `legacy-lib: the policy entry packages.legacy-lib (pyverify.toml:21) expired after 2026-06-30 (reason: upstream has no trusted publishing yet), so packages."legacy-*" (pyverify.toml:18) applies instead`},
				}},
		},
		{
			name: "expired entry whose fallback passes: a note",
			ev:   policy.Evidence{Name: "legacy-lib", Pinned: true, Files: []policy.FileEvidence{verified("legacy_lib-1.0.tar.gz", fork)}},
			want: policy.Decision{Entry: `packages."legacy-*"`, Location: "pyverify.toml:18", Require: policy.Attestation,
				Notes: []policy.Violation{
					{Kind: policy.PolicyExpired, Message: `legacy-lib: the policy entry packages.legacy-lib (pyverify.toml:21) expired after 2026-06-30 (reason: upstream has no trusted publishing yet), so packages."legacy-*" (pyverify.toml:18) applies instead`},
				}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := p.Evaluate(tt.ev, now)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Evaluate mismatch (-want +got):\n%s", diff)
			}
			if got.OK() != (len(tt.want.Violations) == 0) {
				t.Errorf("OK() = %v with violations %v", got.OK(), got.Violations)
			}
		})
	}
}

func TestEvaluateBeforeExpiry(t *testing.T) {
	t.Parallel()
	p := mustParse(t, "require = \"attestation\"\n[packages.legacy-lib]\nrequire = \"hash\"\nreason = \"no trusted publishing yet\"\nexpires = 2026-06-30\n")
	ev := policy.Evidence{Name: "legacy-lib", Pinned: true, Files: []policy.FileEvidence{{Filename: "legacy_lib-1.0.tar.gz", Level: policy.HashOnly}}}
	before := time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC)
	want := policy.Decision{Entry: "packages.legacy-lib", Location: "pyverify.toml:2", Require: policy.Hash, Reason: "no trusted publishing yet"}
	if diff := cmp.Diff(want, p.Evaluate(ev, before)); diff != "" {
		t.Errorf("Evaluate on the expiry date mismatch (-want +got):\n%s", diff)
	}
	after := p.Evaluate(ev, before.Add(time.Second))
	var kinds []policy.ViolationKind
	for _, v := range after.Violations {
		kinds = append(kinds, v.Kind)
	}
	if diff := cmp.Diff([]policy.ViolationKind{policy.MissingAttestation, policy.PolicyExpired}, kinds); diff != "" {
		t.Errorf("Evaluate the day after expiry: violation kinds mismatch (-want +got):\n%s", diff)
	}
}

func TestEvaluateDefault(t *testing.T) {
	t.Parallel()
	ev := policy.Evidence{Name: "x", Yanked: true, Files: []policy.FileEvidence{{Filename: "x-1.tar.gz", Level: policy.HashOnly}}}
	want := policy.Decision{Entry: "top level", Location: "built-in default", Require: policy.Hash}
	if diff := cmp.Diff(want, policy.Default().Evaluate(ev, now)); diff != "" {
		t.Errorf("Default().Evaluate mismatch (-want +got):\n%s", diff)
	}
}

func TestEvaluatePyprojectEntryKey(t *testing.T) {
	t.Parallel()
	p, _, err := policy.ParsePyproject("pyproject.toml", []byte("[project]\nname = \"app\"\n[tool.pyverify.packages.\"acme-*\"]\nrequire = \"hash\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Evaluate(policy.Evidence{Name: "acme-x", Pinned: true}, now)
	want := policy.Decision{Entry: `tool.pyverify.packages."acme-*"`, Location: "pyproject.toml:3", Require: policy.Hash}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Evaluate mismatch (-want +got):\n%s", diff)
	}
}

// TestEvaluateInheritsTopLevel: an entry without require takes the
// top-level level, and messages name GitLab and Google publishers by their
// project path and e-mail.
func TestEvaluateInheritsTopLevel(t *testing.T) {
	t.Parallel()
	p := mustParse(t, `require = "attestation"
[packages.cloud]
publishers = [{ kind = "Google", email = "release@cloud.iam.gserviceaccount.com" }]
`)
	ev := policy.Evidence{Name: "cloud", Pinned: true, Files: []policy.FileEvidence{
		{Filename: "cloud-1.0.tar.gz", Level: policy.HashOnly},
		{Filename: "cloud-1.0-py3-none-any.whl", Level: policy.Verified, Publishers: []policy.Identity{
			{Kind: "GitLab", Repository: "cloud/sub/cloud", Workflow: ".gitlab-ci.yml", Environment: "release"},
			{Kind: "Google", Email: "other@cloud.iam.gserviceaccount.com"},
		}},
	}}
	want := policy.Decision{Entry: "packages.cloud", Location: "pyverify.toml:2", Require: policy.Attestation,
		Publishers: p.Entries[0].Publishers,
		Violations: []policy.Violation{
			{Kind: policy.MissingAttestation, Message: "cloud: cloud-1.0.tar.gz has no attestation, but the policy requires one for cloud (pyverify.toml:2)"},
			{Kind: policy.PublisherNotAllowed, Message: "cloud: cloud-1.0-py3-none-any.whl is attested by gitlab.com/cloud/sub/cloud (.gitlab-ci.yml; environment release) and other@cloud.iam.gserviceaccount.com, not by a publisher the policy allows for cloud (pyverify.toml:2)"},
		}}
	if diff := cmp.Diff(want, p.Evaluate(ev, now)); diff != "" {
		t.Errorf("Evaluate mismatch (-want +got):\n%s", diff)
	}
}
