package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pyverify/pyverify/policy"
)

func TestRenderRoundTrip(t *testing.T) {
	t.Parallel()
	sigstore := policy.Identity{Kind: "GitHub", Repository: "sigstore/sigstore-python", Workflow: "release.yml",
		Environment: "pypi", Ref: "refs/tags/v3.6.1", Runner: "github-hosted"}
	gitlab := policy.Identity{Kind: "GitLab", Repository: "acme/sub/core", Workflow: "ci/[release].yml", Ref: "refs/tags/v1"}
	google := policy.Identity{Kind: "Google", Email: "release@acme.iam.gserviceaccount.com"}
	tests := []struct {
		name string
		pins []policy.Pin
		want []policy.Entry
	}{
		{
			name: "no pins",
			pins: nil,
			want: nil,
		},
		{
			name: "observed publishers, trust on first use",
			pins: []policy.Pin{
				{Name: "sigstore", Publishers: []policy.Publisher{policy.PublisherFor(sigstore)}},
				{Name: "Acme_Core", Require: policy.Attestation, Publishers: []policy.Publisher{policy.PublisherFor(gitlab)}},
				{Name: "acme.cloud", Publishers: []policy.Publisher{policy.PublisherFor(google)}},
				{Name: "requests", Require: policy.Hash},
			},
			want: []policy.Entry{
				{Pattern: "sigstore", Require: policy.Attestation, Publishers: []policy.Publisher{
					{Kind: "GitHub", Repository: "sigstore/sigstore-python", Workflow: "release.yml", Environment: "pypi", Runner: "github-hosted"}}},
				{Pattern: "acme-core", Require: policy.Attestation, Publishers: []policy.Publisher{
					{Kind: "GitLab", Repository: "acme/sub/core", Workflow: `ci/\[release\].yml`}}},
				{Pattern: "acme-cloud", Require: policy.Attestation, Publishers: []policy.Publisher{
					{Kind: "Google", Email: "release@acme.iam.gserviceaccount.com"}}},
				{Pattern: "requests", Require: policy.Hash},
			},
		},
		{
			name: "names that normalise alike are merged",
			pins: []policy.Pin{
				{Name: "demo_pkg", Require: policy.Hash},
				{Name: "Demo.Pkg", Publishers: []policy.Publisher{policy.PublisherFor(google)}},
				{Name: "demo-pkg", Publishers: []policy.Publisher{policy.PublisherFor(google)}},
			},
			want: []policy.Entry{
				{Pattern: "demo-pkg", Require: policy.Attestation, Publishers: []policy.Publisher{
					{Kind: "Google", Email: "release@acme.iam.gserviceaccount.com"}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := policy.Render(tt.pins)
			p, err := policy.Parse("pyverify.toml", out)
			if err != nil {
				t.Fatalf("Parse(Render(pins)): %v\n%s", err, out)
			}
			if diff := cmp.Diff(tt.want, p.Entries, ignoreUnexported, cmpopts.IgnoreFields(policy.Entry{}, "Line")); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s\n%s", diff, out)
			}
			if p.Require != policy.Hash {
				t.Errorf("top-level require = %q, want hash", p.Require)
			}
		})
	}
}

// TestPublisherForMatches: what policy init pins accepts the identity it
// observed, and refuses the same repository on a self-hosted runner.
func TestPublisherForMatches(t *testing.T) {
	t.Parallel()
	ids := []policy.Identity{
		{Kind: "GitHub", Repository: "a/b", Workflow: "re*lease?.yml", Environment: "pypi", Ref: "refs/tags/v1", Runner: "github-hosted"},
		{Kind: "GitLab", Repository: "g/sub/p", Workflow: `ci\x.yml`},
		{Kind: "Google", Email: "x@y.iam.gserviceaccount.com"},
	}
	for _, id := range ids {
		pub := policy.PublisherFor(id)
		if !pub.Matches(id) {
			t.Errorf("PublisherFor(%+v) = %+v does not match it", id, pub)
		}
	}
	self := ids[0]
	self.Runner = "self-hosted"
	if policy.PublisherFor(ids[0]).Matches(self) {
		t.Errorf("a pin observed on a github-hosted runner matches a self-hosted one")
	}
	other := ids[0]
	other.Workflow = "release1.yml"
	if policy.PublisherFor(ids[0]).Matches(other) {
		t.Errorf("glob metacharacters in an observed workflow were not escaped")
	}
}
