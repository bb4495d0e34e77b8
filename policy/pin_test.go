package policy_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
)

// TestPin pins --repo/--owner/--workflow (like gh attestation verify): every
// package needs a verified attestation from the named GitHub publisher,
// whatever the policy file's own entries say; its top-level keys still
// apply, and decisions name the flags.
func TestPin(t *testing.T) {
	t.Parallel()
	file := mustParse(t, `deny-yanked = true
[packages.demo]
require = "hash"
`)
	gh := func(repo, workflow string) policy.FileEvidence {
		return policy.FileEvidence{Filename: "demo-1.0.tar.gz", Level: policy.Verified,
			Publishers: []policy.Identity{{Kind: "GitHub", Repository: repo, Workflow: workflow}}}
	}
	hashOnly := policy.FileEvidence{Filename: "demo-1.0.tar.gz", Level: policy.HashOnly}
	tests := []struct {
		name                  string
		owner, repo, workflow string
		file                  policy.FileEvidence
		yanked                bool
		want                  []policy.ViolationKind
		wantErr               string
	}{
		{name: "repo", repo: "acme/demo", file: gh("acme/demo", "release.yml")},
		{name: "repo, other case", repo: "Acme/Demo", file: gh("acme/demo", "release.yml")},
		{name: "other repo", repo: "acme/demo", file: gh("acme/fork", "release.yml"), want: []policy.ViolationKind{policy.PublisherNotAllowed}},
		{name: "no attestation", repo: "acme/demo", file: hashOnly, want: []policy.ViolationKind{policy.MissingAttestation}},
		{name: "owner", owner: "acme", file: gh("acme/anything", "release.yml")},
		{name: "owner glob", owner: "acme-*", file: gh("acme-labs/demo", "release.yml")},
		{name: "other owner", owner: "acme", file: gh("evil/demo", "release.yml"), want: []policy.ViolationKind{policy.PublisherNotAllowed}},
		{name: "workflow", repo: "acme/demo", workflow: "release.yml", file: gh("acme/demo", "release.yml")},
		{name: "other workflow", repo: "acme/demo", workflow: "release.yml", file: gh("acme/demo", "ci.yml"), want: []policy.ViolationKind{policy.PublisherNotAllowed}},
		{name: "top level kept", repo: "acme/demo", file: gh("acme/demo", ""), yanked: true, want: []policy.ViolationKind{policy.Yanked}},
		{name: "repo and owner", repo: "acme/demo", owner: "acme", wantErr: "--repo and --owner cannot be used together"},
		{name: "repo without owner", repo: "demo", wantErr: `--repo "demo": give OWNER/NAME`},
		{name: "owner with slash", owner: "acme/demo", wantErr: `--owner "acme/demo": give the owner alone (for one repository use --repo OWNER/NAME)`},
		{name: "bad glob", owner: "acme[", wantErr: `--owner "acme[": syntax error in pattern`},
		{name: "workflow alone", workflow: "release.yml", wantErr: "--workflow needs --repo or --owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := file.Pin(policy.PinOptions{Owner: tt.owner, Repo: tt.repo, Workflow: tt.workflow})
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Pin error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(policy.Evidence{Name: "demo", Files: []policy.FileEvidence{tt.file}, Yanked: tt.yanked, Pinned: true}, now)
			var got []policy.ViolationKind
			for _, v := range d.Violations {
				got = append(got, v.Kind)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("violations (-want +got):\n%s\n%v", diff, d.Violations)
			}
		})
	}
}
