package policy_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pyverify/pyverify/policy"
)

// ignoreUnexported compares policies by their exported fields only.
var ignoreUnexported = cmpopts.IgnoreUnexported(policy.Policy{}, policy.Entry{})

// specExample is the policy of SPEC §6, verbatim.
const specExample = `require = "hash"          # minimum evidence for every package: "hash" or "attestation"
deny-yanked = false       # true: a yanked release violates the policy
require-pinned = false    # true: a requirement without ==/=== violates the policy

[packages.sigstore]       # exact (normalised) name, or a glob such as "google-*"
require = "attestation"
publishers = [
  { kind = "GitHub", repository = "sigstore/sigstore-python", workflow = "release.yml" },
]

[packages."acme-*"]
require = "attestation"
publishers = [{ kind = "GitLab", repository = "acme/*" }]

[packages.legacy-lib]
require = "hash"
reason = "upstream has no trusted publishing yet"
expires = 2027-06-30      # after this date the entry stops applying; reported as policy-expired
`

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want *policy.Policy
	}{
		{
			name: "empty file is the default policy from that file",
			src:  "",
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Hash, Continuity: true, RequireComplete: true},
		},
		{
			name: "SPEC §6 example",
			src:  specExample,
			want: &policy.Policy{
				Source:          "pyverify.toml",
				Require:         policy.Hash,
				Continuity:      true,
				RequireComplete: true,
				Entries: []policy.Entry{
					{Pattern: "sigstore", Require: policy.Attestation, Line: 5, Publishers: []policy.Publisher{
						{Kind: "GitHub", Repository: "sigstore/sigstore-python", Workflow: "release.yml"},
					}},
					{Pattern: "acme-*", Require: policy.Attestation, Line: 11, Publishers: []policy.Publisher{
						{Kind: "GitLab", Repository: "acme/*"},
					}},
					{Pattern: "legacy-lib", Require: policy.Hash, Line: 15,
						Reason:  "upstream has no trusted publishing yet",
						Expires: time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)},
				},
			},
		},
		{
			name: "top-level switches",
			src:  "require = \"attestation\"\ndeny-yanked = true\nrequire-pinned = true\nrequire-complete = false\n",
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Attestation, Continuity: true, DenyYanked: true, RequirePinned: true},
		},
		{
			name: "names are normalised",
			src:  "[packages.Foo_Bar]\nrequire = \"hash\"\n[packages.\"Google.*\"]\nrequire = \"hash\"\n",
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Hash, Continuity: true, RequireComplete: true, Entries: []policy.Entry{
				{Pattern: "foo-bar", Require: policy.Hash, Line: 1},
				{Pattern: "google-*", Require: policy.Hash, Line: 3},
			}},
		},
		{
			name: "array of tables, every GitHub field, and an offset date-time",
			src: `[packages.demo]
expires = 2026-01-02T03:04:05+01:00
[[packages.demo.publishers]]
kind = "GitHub"
repository = "Org/demo"
workflow = "release.yml"
environment = "pypi"
ref = "refs/tags/v*"
runner = "github-hosted"
[[packages.demo.publishers]]
kind = "Google"
email = "*@demo.iam.gserviceaccount.com"
`,
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Hash, Continuity: true, RequireComplete: true, Entries: []policy.Entry{
				{Pattern: "demo", Line: 1, Expires: time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC), Publishers: []policy.Publisher{
					{Kind: "GitHub", Repository: "Org/demo", Workflow: "release.yml", Environment: "pypi", Ref: "refs/tags/v*", Runner: "github-hosted"},
					{Kind: "Google", Email: "*@demo.iam.gserviceaccount.com"},
				}},
			}},
		},
		{
			name: "dotted keys and a local date-time",
			src:  "packages.demo.require = \"attestation\"\npackages.demo.expires = 2026-01-02 03:04:05\n",
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Hash, Continuity: true, RequireComplete: true, Entries: []policy.Entry{
				{Pattern: "demo", Require: policy.Attestation, Line: 1, Expires: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
			}},
		},
		{
			name: "ActiveState",
			src:  "[packages.x]\npublishers = [{ kind = \"ActiveState\", repository = \"org/project\" }]\n",
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Hash, Continuity: true, RequireComplete: true, Entries: []policy.Entry{
				{Pattern: "x", Line: 1, Publishers: []policy.Publisher{{Kind: "ActiveState", Repository: "org/project"}}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := policy.Parse("pyverify.toml", []byte(tt.src))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreUnexported); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string // the whole error, FILE:LINE:COLUMN included
	}{
		{"TOML syntax", "require = \"hash\n", `pyverify.toml:1:16: basic strings cannot have new lines`},
		{"duplicate key", "require = \"hash\"\nrequire = \"hash\"\n", `pyverify.toml:2:1: key require is already defined`},
		{"misspelt top-level key", "require = \"hash\"\n  requre = \"attestation\"\n", `pyverify.toml:2:3: unknown key "requre" (did you mean "require"?)`},
		{"unknown top-level key without hint", "colour = 1\n", `pyverify.toml:1:1: unknown key "colour" (known keys: require, deny-yanked, require-pinned, continuity, require-complete, packages)`},
		{"require wrong type", "require = true\n", `pyverify.toml:1:11: require must be a string, not a boolean`},
		{"require bad value", "require = \"attestations\"\n", `pyverify.toml:1:11: require must be "hash" or "attestation", not "attestations" (did you mean "attestation"?)`},
		{"deny-yanked wrong type", "deny-yanked = \"yes\"\n", `pyverify.toml:1:15: deny-yanked must be true or false, not a string`},
		{"require-pinned wrong type", "require-pinned = 1\n", `pyverify.toml:1:18: require-pinned must be true or false, not an integer`},
		{"packages not a table", "packages = []\n", `pyverify.toml:1:1: packages must be a table of package entries, not an array`},
		{"entry not a table", "[packages]\ndemo = \"hash\"\n", `pyverify.toml:2:8: packages.demo must be a table, not a string`},
		{"entry key misspelt", "[packages.demo]\nrequire = \"hash\"\npublisher = []\n", `pyverify.toml:3:1: unknown key "publisher" in packages.demo (did you mean "publishers"?)`},
		{"entry deciding nothing", "[packages.demo]\nreason = \"why\"\n", `pyverify.toml:1:11: packages.demo sets none of require, publishers and continuity`},
		{"entry require bad", "[packages.demo]\nrequire = \"none\"\n", `pyverify.toml:2:11: packages.demo.require must be "hash" or "attestation", not "none"`},
		{"bad package glob", "[packages.\"acme-[\"]\nrequire = \"hash\"\n", `pyverify.toml:1:11: package pattern "acme-[" is not a valid glob: syntax error in pattern`},
		{"package pattern with slash", "[packages.\"a/b\"]\nrequire = \"hash\"\n", `pyverify.toml:1:11: package pattern "a/b": '/' is not allowed in a project name or glob`},
		{"same name after normalisation", "[packages.Foo_Bar]\nrequire = \"hash\"\n[packages.foo-bar]\nrequire = \"hash\"\n", `pyverify.toml:3:11: package entry "foo-bar" is the same as the one on line 1 (names are compared after PEP 503 normalisation)`},
		{"reason wrong type", "[packages.demo]\nrequire = \"hash\"\nreason = 1\n", `pyverify.toml:3:10: packages.demo.reason must be a string, not an integer`},
		{"expires is a time", "[packages.demo]\nrequire = \"hash\"\nexpires = 12:00:00\n", `pyverify.toml:3:11: packages.demo.expires must be a date such as 2027-06-30 (or a date-time), not a time`},
		{"expires is a string", "[packages.demo]\nrequire = \"hash\"\nexpires = \"2027-06-30\"\n", `pyverify.toml:3:11: packages.demo.expires must be a date such as 2027-06-30 (or a date-time), not a string`},
		{"invalid date", "[packages.demo]\nrequire = \"hash\"\nexpires = 2027-02-30\n", `pyverify.toml:3:19: impossible date`},
		{"publishers not an array", "[packages.demo]\npublishers = { kind = \"GitHub\" }\n", `pyverify.toml:2:14: packages.demo.publishers must be an array of publisher tables, not a table`},
		{"publishers empty", "[packages.demo]\npublishers = []\n", `pyverify.toml:2:1: packages.demo.publishers is empty: list the publishers to allow, or remove the key to allow any`},
		{"publisher not a table", "[packages.demo]\npublishers = [\"GitHub\"]\n", `pyverify.toml:2:15: packages.demo.publishers[0] must be a table such as { kind = "GitHub", repository = "owner/name" }, not a string`},
		{"publisher without kind", "[packages.demo]\npublishers = [{ repository = \"a/b\" }]\n", `pyverify.toml:2:15: packages.demo.publishers[0] has no kind (one of GitHub, GitLab, Google, ActiveState)`},
		{"publisher kind wrong case", "[packages.demo]\npublishers = [{ kind = \"github\", repository = \"a/b\" }]\n", `pyverify.toml:2:24: unknown publisher kind "github" (did you mean "GitHub"?)`},
		{"publisher kind misspelt", "[packages.demo]\npublishers = [{ kind = \"GitHb\", repository = \"a/b\" }]\n", `pyverify.toml:2:24: unknown publisher kind "GitHb" (did you mean "GitHub"?)`},
		{"publisher kind unknown", "[packages.demo]\npublishers = [{ kind = \"Bitbucket\", repository = \"a/b\" }]\n", `pyverify.toml:2:24: unknown publisher kind "Bitbucket" (kinds: GitHub, GitLab, Google, ActiveState)`},
		{"publisher kind wrong type", "[packages.demo]\npublishers = [{ kind = 1 }]\n", `pyverify.toml:2:24: packages.demo.publishers[0].kind must be a string, not an integer`},
		{"field the kind does not have", "[packages.demo]\npublishers = [{ kind = \"Google\", email = \"a@b.c\", repository = \"a/b\" }]\n", `pyverify.toml:2:51: Google publishers have no "repository" (they have email)`},
		{"runner on GitLab", "[packages.demo]\npublishers = [{ kind = \"GitLab\", repository = \"a/b\", runner = \"github-hosted\" }]\n", `pyverify.toml:2:54: GitLab publishers have no "runner" (they have repository, workflow, environment, ref)`},
		{"unknown publisher key", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = \"a/b\", workflw = \"r.yml\" }]\n", `pyverify.toml:2:54: unknown key "workflw" in packages.demo.publishers[0] (did you mean "workflow"?)`},
		{"publisher field wrong type", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = [\"a/b\"] }]\n", `pyverify.toml:2:34: packages.demo.publishers[0].repository must be a string, not an array`},
		{"bad publisher glob", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = \"a/[b\" }]\n", `pyverify.toml:2:47: packages.demo.publishers[0].repository: "a/[b" is not a valid glob: syntax error in pattern`},
		{"empty publisher field", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = \"a/b\", ref = \"\" }]\n", `pyverify.toml:2:60: packages.demo.publishers[0].ref: must not be empty (remove the key to allow any value)`},
		{"repository URL", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = \"https://github.com/a/b\" }]\n", `pyverify.toml:2:47: packages.demo.publishers[0].repository: "https://github.com/a/b" must be a project path such as owner/name, not a URL`},
		{"repository without owner", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = \"b\" }]\n", `pyverify.toml:2:47: packages.demo.publishers[0].repository: "b" must be a project path such as owner/name (a glob's * does not cross /)`},
		{"runner value", "[packages.demo]\npublishers = [{ kind = \"GitHub\", repository = \"a/b\", runner = \"hosted\" }]\n", `pyverify.toml:2:63: packages.demo.publishers[0].runner: runner must be "github-hosted" or "self-hosted", not "hosted"`},
		{"publisher without repository", "[packages.demo]\npublishers = [{ kind = \"GitHub\", workflow = \"r.yml\" }]\n", `pyverify.toml:2:15: packages.demo.publishers[0]: a GitHub publisher needs repository, or it would allow anyone on GitHub`},
		{"Google without email", "[[packages.demo.publishers]]\nkind = \"Google\"\n", `pyverify.toml:1:17: packages.demo.publishers[0]: a Google publisher needs email, or it would allow anyone on Google`},
		{"repeated publisher", "[packages.demo]\npublishers = [{ kind = \"Google\", email = \"a@b\" }, { kind = \"Google\", email = \"a@b\" }]\n", `pyverify.toml:2:51: packages.demo.publishers repeats publisher Google a@b`},
		{"array-of-tables publisher error", "[packages.demo]\nrequire = \"hash\"\n[[packages.demo.publishers]]\nkind = \"Google\"\nemail = \"a@b\"\n[[packages.demo.publishers]]\nkind = \"Google\"\nemil = \"a@b\"\n", `pyverify.toml:8:1: unknown key "emil" in packages.demo.publishers[1] (did you mean "email"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := policy.Parse("pyverify.toml", []byte(tt.src))
			if err == nil {
				t.Fatalf("Parse = %+v, want error %q", p, tt.want)
			}
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error %T %v is not a *policy.Error", err, err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParsePyproject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		src       string
		wantFound bool
		want      *policy.Policy
		wantErr   string
	}{
		{
			name: "no tool table",
			src:  "[project]\nname = \"demo\"\n",
		},
		{
			name: "other tools only",
			src:  "[tool.black]\nline-length = 100\n",
		},
		{
			name:      "tool.pyverify",
			src:       "[project]\nname = \"demo\"\n\n[tool.pyverify]\nrequire = \"attestation\"\n\n[tool.pyverify.packages.legacy]\nrequire = \"hash\"\n",
			wantFound: true,
			want: &policy.Policy{Source: "pyproject.toml", Require: policy.Attestation, Continuity: true, RequireComplete: true, Entries: []policy.Entry{
				{Pattern: "legacy", Require: policy.Hash, Line: 7},
			}},
		},
		{
			name:    "error positioned in the pyproject file",
			src:     "[project]\nname = \"demo\"\n\n[tool.pyverify]\nrequre = \"hash\"\n",
			wantErr: `pyproject.toml:5:1: unknown key "requre" in tool.pyverify (did you mean "require"?)`,
		},
		{
			name:    "entry error names the full key",
			src:     "[tool.pyverify.packages.demo]\nrequire = 1\n",
			wantErr: `pyproject.toml:2:11: tool.pyverify.packages.demo.require must be a string, not an integer`,
		},
		{
			name:    "tool.pyverify not a table",
			src:     "tool.pyverify = 1\n",
			wantErr: `pyproject.toml:1:17: key "tool.pyverify" must be a table, not an integer`,
		},
		{
			name:    "syntax error elsewhere in the file",
			src:     "[project\n",
			wantErr: `pyproject.toml:1:9: expected ']' to close table name`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, found, err := policy.ParsePyproject("pyproject.toml", []byte(tt.src))
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParsePyproject = %+v, want error %q", got, tt.wantErr)
				}
				if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
					t.Errorf("error mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParsePyproject: %v", err)
			}
			if found != tt.wantFound {
				t.Errorf("found = %v, want %v", found, tt.wantFound)
			}
			if diff := cmp.Diff(tt.want, got, ignoreUnexported); diff != "" {
				t.Errorf("ParsePyproject mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	const own = "require = \"attestation\"\n"
	const pyproject = "[tool.pyverify]\nrequire-pinned = true\n"
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		want    *policy.Policy
		wantErr string
	}{
		{
			name: "nothing: built-in default",
			fsys: fstest.MapFS{},
			want: &policy.Policy{Source: "built-in default", Require: policy.Hash, Continuity: true, RequireComplete: true},
		},
		{
			name: "pyverify.toml first",
			fsys: fstest.MapFS{"pyverify.toml": {Data: []byte(own)}, "pyproject.toml": {Data: []byte(pyproject)}},
			want: &policy.Policy{Source: "pyverify.toml", Require: policy.Attestation, Continuity: true, RequireComplete: true},
		},
		{
			name: "then pyproject.toml",
			fsys: fstest.MapFS{"pyproject.toml": {Data: []byte(pyproject)}},
			want: &policy.Policy{Source: "pyproject.toml", Require: policy.Hash, Continuity: true, RequireComplete: true, RequirePinned: true},
		},
		{
			name: "pyproject.toml without the table: built-in default",
			fsys: fstest.MapFS{"pyproject.toml": {Data: []byte("[project]\nname = \"x\"\n")}},
			want: &policy.Policy{Source: "built-in default", Require: policy.Hash, Continuity: true, RequireComplete: true},
		},
		{
			name:    "a broken pyverify.toml is an error, not a fall-through",
			fsys:    fstest.MapFS{"pyverify.toml": {Data: []byte("require = 1\n")}, "pyproject.toml": {Data: []byte(pyproject)}},
			wantErr: `pyverify.toml:1:11: require must be a string, not an integer`,
		},
		{
			name:    "an unreadable pyverify.toml is an error",
			fsys:    fstest.MapFS{"pyverify.toml": {Mode: fs.ModeDir}},
			wantErr: `read policy: read pyverify.toml: invalid argument`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := policy.Discover(tt.fsys)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Discover = %+v, want error %q", got, tt.wantErr)
				}
				if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
					t.Errorf("error mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreUnexported); diff != "" {
				t.Errorf("Discover mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"ci/strict.toml":     {Data: []byte("require = \"attestation\"\n")},
		"sub/pyproject.toml": {Data: []byte("[tool.pyverify]\ndeny-yanked = true\n")},
		"pyproject.toml":     {Data: []byte("[project]\nname = \"x\"\n")},
	}
	tests := []struct {
		name    string
		file    string
		want    *policy.Policy
		wantErr string
	}{
		{"any name is a pyverify.toml", "ci/strict.toml", &policy.Policy{Source: "ci/strict.toml", Require: policy.Attestation, Continuity: true, RequireComplete: true}, ""},
		{"pyproject.toml by base name", "sub/pyproject.toml", &policy.Policy{Source: "sub/pyproject.toml", Require: policy.Hash, Continuity: true, RequireComplete: true, DenyYanked: true}, ""},
		{"pyproject.toml without the table", "pyproject.toml", nil, "pyproject.toml:1:1: no [tool.pyverify] table"},
		{"missing file", "nope.toml", nil, "read policy: open nope.toml: file does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := policy.Load(fsys, tt.file)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Load = %+v, want error %q", got, tt.wantErr)
				}
				if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
					t.Errorf("error mismatch (-want +got):\n%s", diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, ignoreUnexported); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseAllErrors: one run of policy check shows every error of the
// file, each at its FILE:LINE:COLUMN and in file order, so that four typos
// take one run, not four; an error does not cascade into others.
func TestParseAllErrors(t *testing.T) {
	t.Parallel()
	src := `requre = "hash"
deny-yanked = "yes"
[packages.demo]
require = "attestations"
publishers = [{ kind = "GitHub", repository = "a/b", workflw = "r.yml" }, { kind = "GitHub", repository = "b" }]
[packages.other]
reason = 1
require = "hash"
`
	_, err := policy.Parse("pyverify.toml", []byte(src))
	want := []string{
		`pyverify.toml:1:1: unknown key "requre" (did you mean "require"?)`,
		`pyverify.toml:2:15: deny-yanked must be true or false, not a string`,
		`pyverify.toml:4:11: packages.demo.require must be "hash" or "attestation", not "attestations" (did you mean "attestation"?)`,
		`pyverify.toml:5:54: unknown key "workflw" in packages.demo.publishers[0] (did you mean "workflow"?)`,
		`pyverify.toml:5:107: packages.demo.publishers[1].repository: "b" must be a project path such as owner/name (a glob's * does not cross /)`,
		`pyverify.toml:7:10: packages.other.reason must be a string, not an integer`,
	}
	if err == nil {
		t.Fatal("Parse: no error")
	}
	if diff := cmp.Diff(strings.Join(want, "\n"), err.Error()); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	var list policy.ErrorList
	if !errors.As(err, &list) || len(list) != len(want) {
		t.Fatalf("error %T is not an ErrorList of %d", err, len(want))
	}
	var first *policy.Error
	if !errors.As(err, &first) || first.Error() != want[0] {
		t.Errorf("errors.As(*policy.Error) = %v, want the first error", first)
	}
}
