package verify_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// closureEnv is a CPython 3.12 on Linux target.
var closureEnv = pypi.Environment{
	ImplementationName: "cpython", ImplementationVersion: "3.12.0", OSName: "posix", PlatformMachine: "x86_64",
	PlatformSystem: "Linux", PythonFullVersion: "3.12.0", PlatformPythonImplementation: "CPython",
	PythonVersion: "3.12", SysPlatform: "linux",
}

// closureModel: requests 2.32.3 declares (in its wheel's PEP 658
// metadata) urllib3 and idna, PySocks for the socks extra, and colorama
// on Windows; sdistonly has no wheel, so its JSON API requires_dist is
// read; broken's metadata file is not the one the index announced.
func closureModel() pypitest.Model {
	meta := func(name, version string, deps ...string) []byte {
		s := "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n"
		for _, d := range deps {
			s += "Requires-Dist: " + d + "\n"
		}
		return []byte(s + "\nThe description.\n")
	}
	file := func(filename string, md []byte) pypitest.ModelFile {
		f := engFile(filename, "")
		f.Metadata = md
		return f
	}
	broken := file(engWheel("broken", "1.0"), meta("broken", "1.0"))
	broken.MetadataServed = meta("broken", "1.0", "evil")
	return pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"requests": {"2.32.3": {file(engWheel("requests", "2.32.3"), meta("requests", "2.32.3",
			"urllib3<3,>=1.21.1", "idna<4,>=2.5", `PySocks!=1.5.7,>=1.5.6; extra == "socks"`, `colorama; sys_platform == "win32"`))}},
		"urllib3":   {"1.26.0": {file(engWheel("urllib3", "1.26.0"), nil)}, "3.0.0": {file(engWheel("urllib3", "3.0.0"), nil)}},
		"idna":      {"3.7": {file(engWheel("idna", "3.7"), nil)}},
		"pysocks":   {"1.7.1": {file(engWheel("pysocks", "1.7.1"), nil)}},
		"colorama":  {"0.4.6": {file(engWheel("colorama", "0.4.6"), nil)}},
		"sdistonly": {"1.0": {file(engSdist("sdistonly", "1.0"), meta("sdistonly", "1.0", "idna>=3"))}},
		"broken":    {"1.0": {broken}},
		// Each wheel of a release has its own metadata, and an installer
		// reads the one it picks: here the platform wheel's, not the first.
		"twowheels": {"1.0": {file(engWheel("twowheels", "1.0"), meta("twowheels", "1.0", "idna")),
			file("twowheels-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", meta("twowheels", "1.0", "idna", "urllib3>=2"))}},
		"urldep": {"1.0": {file(engWheel("urldep", "1.0"), meta("urldep", "1.0",
			"idna @ https://elsewhere.example/idna-3.7-py3-none-any.whl"))}},
	}}
}

var hexRE = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

// TestAuditClosure: with a target environment, every dependency an
// audited release declares for it, extras applied and markers evaluated,
// must be audited at a satisfying version (issue #11).
func TestAuditClosure(t *testing.T) {
	t.Parallel()
	windows := closureEnv
	windows.SysPlatform, windows.PlatformSystem, windows.OSName = "win32", "Windows", "nt"
	type outcome struct {
		OK       bool
		Problems []verify.Problem
	}
	const hint = ": lock the dependencies with uv (uv pip compile, uv export) or pip (pip lock, pip-compile) and audit the lock (require-complete = true, built-in default)"
	tests := []struct {
		name   string
		env    pypi.Environment
		policy string
		reqs   []string
		want   map[string]outcome // by package name; packages not listed must be ok without problems
	}{
		{
			name: "complete",
			env:  closureEnv,
			reqs: []string{"requests==2.32.3", "urllib3==1.26.0", "idna==3.7"},
		},
		{
			name: "missing dependency; extra-only and marker-excluded ones not asked for",
			env:  closureEnv,
			reqs: []string{"requests==2.32.3", "idna==3.7"},
			want: map[string]outcome{"requests": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "requests 2.32.3 requires urllib3<3,>=1.21.1; not in requirements.txt, so not audited" + hint}}}},
		},
		{
			name: "extra-only dependency, with the extra",
			env:  closureEnv,
			reqs: []string{"requests[socks]==2.32.3", "urllib3==1.26.0", "idna==3.7"},
			want: map[string]outcome{"requests": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "requests 2.32.3 requires PySocks!=1.5.7,>=1.5.6; not in requirements.txt, so not audited" + hint}}}},
		},
		{
			name: "extra asked for by the extra's own listing",
			env:  closureEnv,
			reqs: []string{"requests[socks]==2.32.3", "urllib3==1.26.0", "idna==3.7", "pysocks==1.7.1"},
		},
		{
			name: "marker-excluded dependency is required on its platform",
			env:  windows,
			reqs: []string{"requests==2.32.3", "urllib3==1.26.0", "idna==3.7"},
			want: map[string]outcome{"requests": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "requests 2.32.3 requires colorama; not in requirements.txt, so not audited" + hint}}}},
		},
		{
			name: "unsatisfied version",
			env:  closureEnv,
			reqs: []string{"requests==2.32.3", "urllib3==3.0.0", "idna==3.7"},
			want: map[string]outcome{"requests": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "requests 2.32.3 requires urllib3<3,>=1.21.1; requirements.txt has urllib3 3.0.0, which does not satisfy it, so what an installer picks is not what was audited" + hint}}}},
		},
		{
			name:   "require-complete = false: a note, and the package is ok",
			env:    closureEnv,
			policy: "require-complete = false\n",
			reqs:   []string{"requests==2.32.3", "idna==3.7"},
			want: map[string]outcome{"requests": {OK: true, Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "requests 2.32.3 requires urllib3<3,>=1.21.1; not in requirements.txt, so not audited: lock the dependencies with uv (uv pip compile, uv export) or pip (pip lock, pip-compile) and audit the lock (require-complete = false, pyverify.toml:1)"}}}},
		},
		{
			name: "a listed dependency that fails or is not found still counts as listed",
			env:  closureEnv,
			reqs: []string{"requests==2.32.3", "urllib3==9.9", "idna>=99"},
			want: map[string]outcome{
				"requests": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
					Message: "requests 2.32.3 requires urllib3<3,>=1.21.1; requirements.txt has urllib3 9.9, which does not satisfy it, so what an installer picks is not what was audited" + hint}}},
				"urllib3": {Problems: []verify.Problem{{Kind: verify.NotFound,
					Message: "urllib3 9.9: the index has no such project or release (not found: GET URL/pypi/urllib3/9.9/json: HTTP 404 Not Found); the index has 2 versions of urllib3: 1.26.0, 3.0.0"}}},
				"idna": {Problems: []verify.Problem{{Kind: verify.NotFound, Message: `idna>=99: no release of idna satisfies ">=99"`}}},
			},
		},
		{
			// An installer fetches a direct reference from its URL, whatever
			// version of the project the requirements list.
			name: "direct URL dependency is never satisfied by an audited release",
			env:  closureEnv,
			reqs: []string{"urldep==1.0", "idna==3.7"},
			want: map[string]outcome{"urldep": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "urldep 1.0 requires idna @ https://elsewhere.example/idna-3.7-py3-none-any.whl; requirements.txt has idna 3.7, which does not satisfy it, so what an installer picks is not what was audited" + hint}}}},
		},
		{
			name: "every checked wheel's metadata counts",
			env:  closureEnv,
			reqs: []string{"twowheels==1.0", "idna==3.7"},
			want: map[string]outcome{"twowheels": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "twowheels 1.0 requires urllib3>=2; not in requirements.txt, so not audited" + hint}}}},
		},
		{
			name: "no wheel: the JSON API's requires_dist",
			env:  closureEnv,
			reqs: []string{"sdistonly==1.0"},
			want: map[string]outcome{"sdistonly": {Problems: []verify.Problem{{Kind: verify.UnlistedDependency,
				Message: "sdistonly 1.0 requires idna>=3; not in requirements.txt, so not audited" + hint}}}},
		},
		{
			name: "unknown metadata",
			env:  closureEnv,
			reqs: []string{"broken==1.0"},
			want: map[string]outcome{"broken": {Problems: []verify.Problem{{Kind: verify.IndexError,
				Message: "broken 1.0: its dependencies could not be read (broken-1.0-py3-none-any.whl.metadata: URL/files/broken/1.0/broken-1.0-py3-none-any.whl.metadata: hashes to sha256:X, but the index announced sha256:X: metadata digest mismatch), so whether the audit covers them is unknown (require-complete = true, built-in default)"}}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, w := engIndex(t, closureModel())
			pol := policy.Default()
			if tt.policy != "" {
				var err error
				if pol, err = policy.Parse("pyverify.toml", []byte(tt.policy)); err != nil {
					t.Fatal(err)
				}
			}
			env := tt.env
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{ClosureEnv: &env, Policy: pol})
			rep := eng.Audit(t.Context(), engRequirements(t, tt.reqs...))
			got := map[string]outcome{}
			for _, p := range rep.Packages {
				if !p.OK || len(p.Problems) > 0 {
					o := outcome{OK: p.OK, Problems: p.Problems}
					for i, pr := range o.Problems {
						o.Problems[i].Message = hexRE.ReplaceAllString(strings.ReplaceAll(pr.Message, srv.URL(), "URL"), "sha256:X")
					}
					got[p.Name] = o
				}
			}
			want := tt.want
			if want == nil {
				want = map[string]outcome{}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("packages not ok or with problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAuditClosureHostileMetadata: a release's metadata cannot make the
// closure run for long: extras that chain through one another (each
// dependency asking for the extra the next one needs, listed in the order
// that resolves one per pass) are each examined once, and a release
// declaring more than pypi.MaxRequiresDist dependencies, or naming more
// extras than that, has unknown dependencies, never a silent "none".
func TestAuditClosureHostileMetadata(t *testing.T) {
	t.Parallel()
	const chain = 3000
	var chained []string
	for i := chain; i >= 1; i-- {
		chained = append(chained, fmt.Sprintf(`hostile[e%d]; extra == "e%d"`, i, i-1))
	}
	chained = append(chained, fmt.Sprintf(`idna; extra == "e%d"`, chain))
	many := make([]string, pypi.MaxRequiresDist+1)
	for i := range many {
		many[i] = fmt.Sprintf("dep%d", i)
	}
	manyExtras := []string{"hostile[" + strings.Repeat("x,", pypi.MaxRequiresDist) + "y]"}
	meta := func(name string, deps []string) []byte {
		s := "Metadata-Version: 2.1\nName: " + name + "\nVersion: 1.0\n"
		for _, d := range deps {
			s += "Requires-Dist: " + d + "\n"
		}
		return []byte(s + "\n")
	}
	file := func(name string, deps []string) []pypitest.ModelFile {
		f := engFile(engWheel(name, "1.0"), "")
		f.Metadata = meta(name, deps)
		return []pypitest.ModelFile{f}
	}
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"hostile":    {"1.0": file("hostile", chained)},
		"many":       {"1.0": file("many", many)},
		"manyextras": {"1.0": file("manyextras", manyExtras)},
		"idna":       {"3.7": {engFile(engWheel("idna", "3.7"), "")}},
	}}
	tests := []struct {
		req  string
		want []verify.Problem
	}{
		{"hostile[e0]==1.0", []verify.Problem{{Kind: verify.UnlistedDependency,
			Message: "hostile 1.0 requires idna; not in requirements.txt, so not audited: lock the dependencies with uv (uv pip compile, uv export) or pip (pip lock, pip-compile) and audit the lock (require-complete = true, built-in default)"}}},
		{"many==1.0", []verify.Problem{{Kind: verify.IndexError,
			Message: fmt.Sprintf("many 1.0: its dependencies could not be read (it declares %d dependencies, more than the %d pyverify reads), so whether the audit covers them is unknown (require-complete = true, built-in default)", pypi.MaxRequiresDist+1, pypi.MaxRequiresDist)}}},
		{"manyextras==1.0", []verify.Problem{{Kind: verify.IndexError,
			Message: fmt.Sprintf("manyextras 1.0: its dependencies could not be read (its dependencies name %d extras, more than the %d pyverify reads), so whether the audit covers them is unknown (require-complete = true, built-in default)", pypi.MaxRequiresDist+1, pypi.MaxRequiresDist)}}},
	}
	for _, tt := range tests {
		t.Run(tt.req, func(t *testing.T) {
			t.Parallel()
			srv, w := engIndex(t, model)
			env := closureEnv
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{ClosureEnv: &env, Policy: policy.Default()})
			rep := eng.Audit(t.Context(), engRequirements(t, tt.req))
			if diff := cmp.Diff(tt.want, rep.Packages[0].Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
