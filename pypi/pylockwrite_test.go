package pypi_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pyverify/pyverify/pypi"
)

// TestWritePylockRoundTrip: what pyverify download writes, the project's
// own reader reads back as the same packages, files and identities
// (issue #11), quotes and backslashes included; the requirements file
// pins the same hashes.
func TestWritePylockRoundTrip(t *testing.T) {
	t.Parallel()
	h := func(c string) pypi.SHA256 { return pypi.SHA256(strings.Repeat(c, 64)) }
	lock := &pypi.Lock{CreatedBy: "pyverify 1.0", Packages: []pypi.LockPackage{
		{
			Name: "Demo_Pkg", Version: "1.0", Marker: `sys_platform == "linux" and python_version >= '3.9'`, RequiresPython: ">=3.9",
			Sdist: &pypi.LockFile{Name: "demo_pkg-1.0.tar.gz", URL: `https://example.org/a"b\c/demo_pkg-1.0.tar.gz`, Size: 5, SHA256: h("a")},
			Wheels: []pypi.LockFile{
				{Name: "demo_pkg-1.0-py3-none-any.whl", URL: "https://example.org/demo_pkg-1.0-py3-none-any.whl", Size: 7, SHA256: h("b")},
			},
			AttestationIdentities: []pypi.Publisher{
				{Kind: "GitHub", Repository: "acme/demo", Workflow: "release.yml", Environment: "pypi"},
				{Kind: "GitLab", Repository: "acme/demo", Workflow: ".gitlab-ci.yml"},
			},
		},
		{Name: "plain", Version: "2.0", Wheels: []pypi.LockFile{{Name: "plain-2.0-py3-none-any.whl", URL: "https://example.org/p.whl", Size: 1, SHA256: h("c")}}},
	}}
	var lb, rb bytes.Buffer
	if err := pypi.WritePylock(&lb, lock); err != nil {
		t.Fatal(err)
	}
	if err := pypi.WriteHashedRequirements(&rb, lock); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"pylock.toml": {Data: lb.Bytes()}, "requirements.txt": {Data: rb.Bytes()}}
	fromLock, err := pypi.ParsePylock(fsys, "pylock.toml")
	if err != nil {
		t.Fatalf("ParsePylock: %v\n%s", err, lb.String())
	}
	fromReqs, err := pypi.ParseRequirements(fsys, "requirements.txt")
	if err != nil {
		t.Fatalf("ParseRequirements: %v\n%s", err, rb.String())
	}
	type row struct {
		Name, Version, Marker string
		Hashes                []string
		IDs                   []pypi.Publisher
	}
	rows := func(reqs []pypi.Requirement, ids bool) []row {
		var out []row
		for _, r := range reqs {
			v, _ := r.Pinned()
			rw := row{Name: pypi.NormalizeName(r.Name), Version: v, Marker: r.ParsedMarker.String(), Hashes: hexes(r.Hashes)}
			if ids {
				rw.IDs = r.AttestationIdentities
			}
			out = append(out, rw)
		}
		return out
	}
	want := []row{
		{Name: "demo-pkg", Version: "1.0", Marker: `sys_platform == "linux" and python_version >= "3.9"`, Hashes: []string{string(h("a")), string(h("b"))}, IDs: lock.Packages[0].AttestationIdentities},
		{Name: "plain", Version: "2.0", Hashes: []string{string(h("c"))}},
	}
	if diff := cmp.Diff(want, rows(fromLock.Requirements, true), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("pylock.toml read back (-want +got):\n%s\n%s", diff, lb.String())
	}
	for i := range want {
		want[i].IDs = nil
	}
	if diff := cmp.Diff(want, rows(fromReqs.Requirements, false), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("requirements.txt read back (-want +got):\n%s\n%s", diff, rb.String())
	}
}
