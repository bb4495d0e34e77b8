package pypi_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// TestPylockAttestationIdentities pins the reading of PEP 751's
// [[packages.attestation-identities]]: PyPI's publisher objects, GitLab's
// workflow_filepath included, and a position for a malformed one.
func TestPylockAttestationIdentities(t *testing.T) {
	const lock = `lock-version = "1.0"
created-by = "t"

[[packages]]
name = "attrs"
version = "25.1.0"
wheels = [{ name = "attrs-25.1.0-py3-none-any.whl", hashes = { sha256 = "c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a" } }]

[[packages.attestation-identities]]
environment = "release-pypi"
kind = "GitHub"
repository = "python-attrs/attrs"
workflow = "pypi-package.yml"

[[packages.attestation-identities]]
kind = "GitLab"
repository = "acme/attrs"
workflow_filepath = ".gitlab-ci.yml"

[[packages]]
name = "bad"
version = "1.0"
wheels = [{ name = "bad-1.0-py3-none-any.whl", hashes = { sha256 = "c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a" } }]
attestation-identities = [{ repository = "x/y" }]
`
	rf, err := pypi.ParsePylock(fstest.MapFS{"pylock.toml": {Data: []byte(lock)}}, "pylock.toml")
	if err == nil {
		t.Fatalf("no error for an identity without a kind; got %+v", rf)
	}
	if want := "pylock.toml:20: package \"bad\" attestation identity 1 has no kind"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}

	good := lock[:strings.Index(lock, "[[packages]]\nname = \"bad\"")]
	rf, err = pypi.ParsePylock(fstest.MapFS{"pylock.toml": {Data: []byte(good)}}, "pylock.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := []pypi.Publisher{
		{Kind: "GitHub", Repository: "python-attrs/attrs", Workflow: "pypi-package.yml", Environment: "release-pypi"},
		{Kind: "GitLab", Repository: "acme/attrs", Workflow: ".gitlab-ci.yml"},
	}
	if diff := cmp.Diff(want, rf.Requirements[0].AttestationIdentities); diff != "" {
		t.Errorf("identities (-want +got):\n%s", diff)
	}
}

// TestPylockAttestationIdentityErrors: an identity must not be wider than
// written — unknown keys and identities naming no repository or email are
// errors.
func TestPylockAttestationIdentityErrors(t *testing.T) {
	const head = "lock-version = \"1.0\"\ncreated-by = \"t\"\n[[packages]]\nname = \"a\"\nversion = \"1.0\"\nwheels = [{ name = \"a-1.0-py3-none-any.whl\", hashes = { sha256 = \"c75a69e28a550a7e93789579c22aa26b0f5b83b75dc4e08fe092980051e1090a\" } }]\n"
	for ids, want := range map[string]string{
		`attestation-identities = [{ kind = "GitHub", repo = "x/y" }]`: `pylock.toml:3: package "a" attestation identity 1: unknown key "repo"`,
		`attestation-identities = [{ kind = "GitHub" }]`:               `pylock.toml:3: package "a" attestation identity 1 names no repository or email: it would match any GitHub publisher`,
	} {
		_, err := pypi.ParsePylock(fstest.MapFS{"pylock.toml": {Data: []byte(head + ids + "\n")}}, "pylock.toml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", ids, err, want)
		}
	}
}

// TestMergeKeepsIdentities: merging a requirement with a lock entry for
// the same package keeps the lock's attestation identities.
func TestMergeKeepsIdentities(t *testing.T) {
	id := pypi.Publisher{Kind: "GitHub", Repository: "acme/a"}
	r1, _ := pypi.ParseRequirement("a==1.0")
	r2 := r1
	r2.AttestationIdentities = []pypi.Publisher{id}
	got, err := pypi.MergeRequirements([]pypi.Requirement{r1, r2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]pypi.Publisher{id}, got[0].AttestationIdentities); len(got) != 1 || diff != "" {
		t.Errorf("merged %d requirements, identities (-want +got):\n%s", len(got), diff)
	}
}
