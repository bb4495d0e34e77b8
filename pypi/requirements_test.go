package pypi_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

const (
	hashA = "5b1f8a4ed6c9ca0b5c6e0b9c5ef2ca1a4f0e9d5d8ab2a2e4c7b7a5a3d1c3e5f7"
	hashZ = "0000000000000000000000000000000000000000000000000000000000000000"
)

// req is the comparable view of a Requirement used by the tables.
type req struct {
	Name, Spec, Marker, URL, Unsupported, Source, Text string
	Extras, Hashes                                     []string
}

func view(rs []pypi.Requirement) []req {
	var out []req
	for _, r := range rs {
		out = append(out, req{r.Name, r.Spec, r.Marker, r.URL, r.Unsupported, r.Source(), r.Text, r.Extras, hexes(r.Hashes)})
	}
	return out
}

func parseOne(t *testing.T, content string) (*pypi.RequirementsFile, error) {
	t.Helper()
	return pypi.ParseRequirements(fstest.MapFS{"requirements.txt": {Data: []byte(content)}}, "requirements.txt")
}

func TestParseRequirementsLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []req
	}{
		{"pinned", "sigstore==3.6.1\n", []req{{Name: "sigstore", Spec: "==3.6.1", Source: "requirements.txt:1", Text: "sigstore==3.6.1"}}},
		{"unpinned", "requests\n", []req{{Name: "requests", Source: "requirements.txt:1", Text: "requests"}}},
		{"comments and blanks", "# header\n\n   # indented\nfoo==1 # why\n\t\n", []req{{Name: "foo", Spec: "==1", Source: "requirements.txt:4", Text: "foo==1"}}},
		{"no trailing newline, CRLF", "a==1\r\nb==2", []req{
			{Name: "a", Spec: "==1", Source: "requirements.txt:1", Text: "a==1"},
			{Name: "b", Spec: "==2", Source: "requirements.txt:2", Text: "b==2"},
		}},
		{"BOM", "\ufeffa==1\n", []req{{Name: "a", Spec: "==1", Source: "requirements.txt:1", Text: "a==1"}}},
		{"extras, spec, marker", "requests[security, socks] >= 2.31, < 3 ; python_version >= \"3.8\"\n", []req{{
			Name: "requests", Extras: []string{"security", "socks"}, Spec: ">= 2.31, < 3", Marker: `python_version >= "3.8"`,
			Source: "requirements.txt:1", Text: `requests[security, socks] >= 2.31, < 3 ; python_version >= "3.8"`,
		}}},
		{"parenthesised spec", "Demo_Pkg (==1.0.0)\n", []req{{Name: "Demo_Pkg", Spec: "==1.0.0", Source: "requirements.txt:1", Text: "Demo_Pkg (==1.0.0)"}}},
		{"empty extras", "foo[]==1\n", []req{{Name: "foo", Spec: "==1", Source: "requirements.txt:1", Text: "foo[]==1"}}},
		{"marker without spec", "foo;sys_platform=='linux'\n", []req{{Name: "foo", Marker: "sys_platform=='linux'", Source: "requirements.txt:1", Text: "foo;sys_platform=='linux'"}}},
		{"hashes on continuation lines", "\n" + `sigstore==3.6.1 \
    --hash=sha256:` + strings.ToUpper(hashA) + ` \
    --hash sha256:` + hashZ + ` \
    --hash=sha256:` + hashA + `
next==1
`, []req{
			{Name: "sigstore", Spec: "==3.6.1", Hashes: []string{hashA, hashZ}, Source: "requirements.txt:2", Text: "sigstore==3.6.1"},
			{Name: "next", Spec: "==1", Source: "requirements.txt:6", Text: "next==1"},
		}},
		{"continuation then comment line", "foo==1 \\\n# a comment\nbar==2\n", []req{
			{Name: "foo", Spec: "==1", Source: "requirements.txt:1", Text: "foo==1"},
			{Name: "bar", Spec: "==2", Source: "requirements.txt:3", Text: "bar==2"},
		}},
		{"continuation at end of file", "foo==1 \\\n", []req{{Name: "foo", Spec: "==1", Source: "requirements.txt:1", Text: "foo==1"}}},
		{"comment line ending in backslash does not continue", "# note \\\nfoo==1\n", []req{{Name: "foo", Spec: "==1", Source: "requirements.txt:2", Text: "foo==1"}}},
		{"quoted hash option", "foo==1 --hash 'sha256:" + hashZ + "'\n", []req{{Name: "foo", Spec: "==1", Hashes: []string{hashZ}, Source: "requirements.txt:1", Text: "foo==1"}}},
		{"VCS", "git+https://github.com/pypa/sampleproject.git@v4.0.0#egg=sampleproject\n", []req{{
			Name: "sampleproject", URL: "git+https://github.com/pypa/sampleproject.git@v4.0.0#egg=sampleproject", Unsupported: pypi.UnsupportedVCS,
			Source: "requirements.txt:1", Text: "git+https://github.com/pypa/sampleproject.git@v4.0.0#egg=sampleproject",
		}}},
		{"URL fragment is not a comment", "https://example.com/pkg-1.0.tar.gz#sha256=00ff ; python_version < '3'\n", []req{{
			Name: "pkg", URL: "https://example.com/pkg-1.0.tar.gz#sha256=00ff", Marker: "python_version < '3'", Unsupported: pypi.UnsupportedURL,
			Source: "requirements.txt:1", Text: "https://example.com/pkg-1.0.tar.gz#sha256=00ff ; python_version < '3'",
		}}},
		{"PEP 508 URL", "sampleproject[x] @ https://example.com/s-4.0.0-py3-none-any.whl ; python_version >= \"3.9\"\n", []req{{
			Name: "sampleproject", Extras: []string{"x"}, URL: "https://example.com/s-4.0.0-py3-none-any.whl", Marker: `python_version >= "3.9"`,
			Unsupported: pypi.UnsupportedURL, Source: "requirements.txt:1", Text: `sampleproject[x] @ https://example.com/s-4.0.0-py3-none-any.whl ; python_version >= "3.9"`,
		}}},
		{"PEP 508 URL containing ';' ends at white space (PEP 508: url wsp+ ';' marker)", "foo @ https://example.com/a;b/foo-1.0.tar.gz ; python_version >= '3'\n", []req{{
			Name: "foo", URL: "https://example.com/a;b/foo-1.0.tar.gz", Marker: "python_version >= '3'", Unsupported: pypi.UnsupportedURL,
			Source: "requirements.txt:1", Text: "foo @ https://example.com/a;b/foo-1.0.tar.gz ; python_version >= '3'",
		}}},
		{"UTF-16LE with BOM (PowerShell's pip freeze >)", "\xff\xfea\x00=\x00=\x001\x00\r\x00\n\x00b\x00=\x00=\x002\x00\r\x00\n\x00", []req{
			{Name: "a", Spec: "==1", Source: "requirements.txt:1", Text: "a==1"},
			{Name: "b", Spec: "==2", Source: "requirements.txt:2", Text: "b==2"},
		}},
		{"UTF-16BE with BOM", "\xfe\xff\x00a\x00=\x00=\x001\x00\n", []req{{Name: "a", Spec: "==1", Source: "requirements.txt:1", Text: "a==1"}}},
		{"PEP 508 local URL", "foo @ file:///src/foo\n", []req{{Name: "foo", URL: "file:///src/foo", Unsupported: pypi.UnsupportedPath, Source: "requirements.txt:1", Text: "foo @ file:///src/foo"}}},
		{"file URL", "file:///tmp/thing.tar.gz\n", []req{{URL: "file:///tmp/thing.tar.gz", Unsupported: pypi.UnsupportedPath, Source: "requirements.txt:1", Text: "file:///tmp/thing.tar.gz"}}},
		{"local directory", "./vendor/localpkg\n", []req{{URL: "./vendor/localpkg", Unsupported: pypi.UnsupportedPath, Source: "requirements.txt:1", Text: "./vendor/localpkg"}}},
		{"local directory with marker", "src/pkg ; os_name == 'nt'\n", []req{{URL: "src/pkg", Marker: "os_name == 'nt'", Unsupported: pypi.UnsupportedPath, Source: "requirements.txt:1", Text: "src/pkg ; os_name == 'nt'"}}},
		{"local wheel", "local_pkg-1.0-py3-none-any.whl --hash=sha256:" + hashZ + "\n", []req{{
			Name: "local-pkg", URL: "local_pkg-1.0-py3-none-any.whl", Hashes: []string{hashZ}, Unsupported: pypi.UnsupportedPath,
			Source: "requirements.txt:1", Text: "local_pkg-1.0-py3-none-any.whl",
		}}},
		{"editable", "-e ./src/mypkg\n--editable=git+https://example.com/x.git#egg=xpkg\n", []req{
			{URL: "./src/mypkg", Unsupported: pypi.UnsupportedEditable, Source: "requirements.txt:1", Text: "-e ./src/mypkg"},
			{Name: "xpkg", URL: "git+https://example.com/x.git#egg=xpkg", Unsupported: pypi.UnsupportedEditable, Source: "requirements.txt:2", Text: "-e git+https://example.com/x.git#egg=xpkg"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := parseOne(t, tt.in)
			if err != nil {
				t.Fatalf("ParseRequirements: %v", err)
			}
			if diff := cmp.Diff(tt.want, view(f.Requirements)); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
			if len(f.Constraints) != 0 || len(f.Options) != 0 {
				t.Errorf("unexpected constraints %v or options %v", f.Constraints, f.Options)
			}
		})
	}
}

func TestParseRequirementsOptions(t *testing.T) {
	t.Parallel()
	in := `--index-url https://pypi.org/simple
--extra-index-url=https://example.com/simple
-i https://mirror/simple
-ihttps://mirror2/simple
-f ./wheels
--find-links=https://example.com/links
--trusted-host example.com
--pre
--prefer-binary --require-hashes
--no-binary :all:
--only-binary=:none:
--no-index
--use-feature=truststore
--extra-index https://abbrev/simple
foo==1 --config-settings key=value --global-option=--quiet
`
	f, err := parseOne(t, in)
	if err != nil {
		t.Fatal(err)
	}
	o := func(name, value string, line int) pypi.Option {
		return pypi.Option{Name: name, Value: value, File: "requirements.txt", Line: line}
	}
	want := []pypi.Option{
		o("--index-url", "https://pypi.org/simple", 1),
		o("--extra-index-url", "https://example.com/simple", 2),
		o("--index-url", "https://mirror/simple", 3),
		o("--index-url", "https://mirror2/simple", 4),
		o("--find-links", "./wheels", 5),
		o("--find-links", "https://example.com/links", 6),
		o("--trusted-host", "example.com", 7),
		o("--pre", "", 8),
		o("--prefer-binary", "", 9),
		o("--require-hashes", "", 9),
		o("--no-binary", ":all:", 10),
		o("--only-binary", ":none:", 11),
		o("--no-index", "", 12),
		o("--use-feature", "truststore", 13),
		o("--extra-index-url", "https://abbrev/simple", 14),
		o("--config-settings", "key=value", 15),
		o("--global-option", "--quiet", 15),
	}
	if diff := cmp.Diff(want, f.Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]req{{Name: "foo", Spec: "==1", Source: "requirements.txt:15", Text: "foo==1"}}, view(f.Requirements)); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
}

func TestParseRequirementsIncludes(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"reqs/main.txt":         {Data: []byte("a==1\n-r sub/dev.txt\n--constraint ../constraints.txt\n-r sub/dev.txt\nz==26\n")},
		"reqs/sub/dev.txt":      {Data: []byte("-r ../shared.txt\nb==2\n")},
		"reqs/shared.txt":       {Data: []byte("--index-url https://example.com/simple\nc==3\n")},
		"constraints.txt":       {Data: []byte("urllib3<2\n-r more-constraints.txt\n")},
		"more-constraints.txt":  {Data: []byte("idna==3.7\n")},
		"reqs/sub/unused.txt":   {Data: []byte("nope\n")},
		"reqs/sub/dev.txt.orig": {Data: []byte("nope\n")},
	}
	f, err := pypi.ParseRequirements(fsys, "reqs/main.txt")
	if err != nil {
		t.Fatal(err)
	}
	wantReqs := []req{
		{Name: "a", Spec: "==1", Source: "reqs/main.txt:1", Text: "a==1"},
		{Name: "c", Spec: "==3", Source: "reqs/shared.txt:2", Text: "c==3"},
		{Name: "b", Spec: "==2", Source: "reqs/sub/dev.txt:2", Text: "b==2"},
		{Name: "z", Spec: "==26", Source: "reqs/main.txt:5", Text: "z==26"},
	}
	if diff := cmp.Diff(wantReqs, view(f.Requirements)); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	wantCons := []req{
		{Name: "urllib3", Spec: "<2", Source: "constraints.txt:1", Text: "urllib3<2"},
		{Name: "idna", Spec: "==3.7", Source: "more-constraints.txt:1", Text: "idna==3.7"},
	}
	if diff := cmp.Diff(wantCons, view(f.Constraints)); diff != "" {
		t.Errorf("constraints (-want +got):\n%s", diff)
	}
	wantOpts := []pypi.Option{{Name: "--index-url", Value: "https://example.com/simple", File: "reqs/shared.txt", Line: 1}}
	if diff := cmp.Diff(wantOpts, f.Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

func TestParseRequirementsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fsys fstest.MapFS
		want []string // Error() of each ParseError, in order
	}{
		{"invalid specifier", fstest.MapFS{"requirements.txt": {Data: []byte("ok==1\n\n\n\n\n\nfoo==1.0 and\n")}}, []string{
			`requirements.txt:7: invalid specifier "==1.0 and": clause "==1.0 and": invalid version "1.0 and": not a PEP 440 version`,
		}},
		{"all bad lines", fstest.MapFS{"requirements.txt": {Data: []byte(
			"good==1.0\nbad==1.0 and\n--hash=sha256:" + hashZ + "\nmd5pkg==1.0 --hash=md5:d41d8cd98f00b204e9800998ecf8427e\n--no-such-option\nshort==1 --hash=sha256:00ff\nx==1 \\\n  --index-url https://x\n")}}, []string{
			`requirements.txt:2: invalid specifier "==1.0 and": clause "==1.0 and": invalid version "1.0 and": not a PEP 440 version`,
			`requirements.txt:3: --hash must follow a requirement on the same logical line (is a "\" missing on the line before?)`,
			`requirements.txt:4: unsupported hash algorithm "md5" in --hash "md5:d41d8cd98f00b204e9800998ecf8427e": pip accepts sha256, sha384 and sha512, in lower case`,
			`requirements.txt:5: unknown option --no-such-option`,
			`requirements.txt:6: invalid --hash "sha256:00ff": a sha256 digest is 64 hex digits`,
			`requirements.txt:7: option --index-url must be on its own line, not after requirement "x==1"`,
		}},
		{"not UTF-8", fstest.MapFS{"r.txt": {Data: []byte("ok==1\n# caf\xe9\nb\xe9r==2\n")}}, []string{
			`r.txt:2: the file is not UTF-8 (invalid byte 0xe9): save it as UTF-8`,
		}},
		{"PEP 508 URL then text without ';'", fstest.MapFS{"r.txt": {Data: []byte("foo @ https://x/foo.whl extra\n")}}, []string{
			`r.txt:1: invalid requirement "foo @ https://x/foo.whl extra": unexpected "extra" after the URL (want "; marker")`,
		}},
		{"bad requirements", fstest.MapFS{"r.txt": {Data: []byte(
			"requests 2.0\nfoo[bar\nfoo[b@d]==1\n@bad\nfoo ; bad\nfoo (==1\nfoo @\n-r\n--pre=yes\n-\n-x\n--hash\n--index-url 'unterminated\n--e\n")}}, []string{
			`r.txt:1: invalid requirement "requests 2.0": unexpected "2.0" after the project name (want a specifier such as ==1.0, "[extras]", "@ URL" or "; marker")`,
			`r.txt:2: invalid requirement "foo[bar": missing "]" after extras`,
			`r.txt:3: invalid requirement "foo[b@d]==1": invalid extra "b@d"`,
			`r.txt:4: invalid requirement "@bad": want a project name (letters, digits, ".", "_", "-")`,
			`r.txt:5: invalid requirement "foo ; bad": invalid marker "bad": column 1: expected a marker variable (python_version, sys_platform, …) or a quoted string`,
			`r.txt:6: invalid requirement "foo (==1": missing ")" after version specifier`,
			`r.txt:7: invalid requirement "foo @": want a URL after "@"`,
			`r.txt:8: option --requirement needs a value`,
			`r.txt:9: option --pre takes no value`,
			`r.txt:10: unexpected "-"`,
			`r.txt:11: unknown option -x`,
			`r.txt:12: option --hash needs a value`,
			`r.txt:13: no closing quotation in options`,
			`r.txt:14: ambiguous option --e (--editable, --extra-index-url)`,
		}},
		{"missing include names the including line", fstest.MapFS{"a/requirements.txt": {Data: []byte("x==1\n-r missing.txt\n")}}, []string{
			`a/requirements.txt:2: cannot include "missing.txt": open a/missing.txt: file does not exist`,
		}},
		{"include outside", fstest.MapFS{"requirements.txt": {Data: []byte("-r ../up.txt\n-c /etc/c.txt\n-r https://example.com/r.txt\n")}}, []string{
			`requirements.txt:1: cannot include "../up.txt": open ../up.txt: file does not exist`,
			`requirements.txt:2: cannot include "/etc/c.txt": open /etc/c.txt: file does not exist`,
			`requirements.txt:3: cannot include "https://example.com/r.txt": remote requirements files are not supported`,
		}},
		{"cycle", fstest.MapFS{
			"cycle-a.txt": {Data: []byte("-r cycle-b.txt\n")},
			"cycle-b.txt": {Data: []byte("a==1\n-r sub/../cycle-a.txt\n")},
		}, []string{
			`cycle-b.txt:2: include cycle: cycle-a.txt -> cycle-b.txt -> cycle-a.txt`,
		}},
		{"self include", fstest.MapFS{"requirements.txt": {Data: []byte("-r ./requirements.txt\n")}}, []string{
			`requirements.txt:1: include cycle: requirements.txt -> requirements.txt`,
		}},
		{"errors in included files", fstest.MapFS{
			"requirements.txt": {Data: []byte("-r inc.txt\nbad line\n")},
			"inc.txt":          {Data: []byte("\n\nalso bad\n")},
		}, []string{
			`inc.txt:3: invalid requirement "also bad": unexpected "bad" after the project name (want a specifier such as ==1.0, "[extras]", "@ URL" or "; marker")`,
			`requirements.txt:2: invalid requirement "bad line": unexpected "line" after the project name (want a specifier such as ==1.0, "[extras]", "@ URL" or "; marker")`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var name string
			for n := range tt.fsys {
				if strings.HasSuffix(n, "requirements.txt") || n == "r.txt" || n == "cycle-a.txt" {
					name = n
				}
			}
			f, err := pypi.ParseRequirements(tt.fsys, name)
			if err == nil {
				t.Fatalf("ParseRequirements = %+v, want errors", f)
			}
			if f != nil {
				t.Errorf("ParseRequirements returned a result with an error")
			}
			var got []string
			var pes pypi.ParseErrors
			var pe *pypi.ParseError
			switch {
			case errors.As(err, &pes):
				if len(pes) < 2 {
					t.Errorf("ParseErrors with %d errors, want a *ParseError for one", len(pes))
				}
				for _, e := range pes {
					got = append(got, e.Error())
				}
				if err.Error() != strings.Join(got, "\n") {
					t.Errorf("ParseErrors.Error() = %q, want one line per error", err.Error())
				}
			case errors.As(err, &pe):
				got = []string{pe.Error()}
			default:
				t.Fatalf("error %T %v is not a *ParseError", err, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRequirementsMissingInclude(t *testing.T) {
	t.Parallel()
	_, err := pypi.ParseRequirements(fstest.MapFS{"r.txt": {Data: []byte("-r nope.txt\n")}}, "r.txt")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
	var pe *pypi.ParseError
	if !errors.As(err, &pe) || pe.File != "r.txt" || pe.Line != 1 {
		t.Errorf("error %v does not name r.txt:1", err)
	}
}

func TestParseRequirementsMissingFile(t *testing.T) {
	t.Parallel()
	_, err := pypi.ParseRequirements(fstest.MapFS{}, "requirements.txt")
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "requirements.txt") {
		t.Errorf("error = %v, want one naming requirements.txt and wrapping fs.ErrNotExist", err)
	}
}

func TestParseRequirementsTestdata(t *testing.T) {
	t.Parallel()
	f, err := pypi.ParseRequirements(os.DirFS("testdata/requirements"), "options.txt")
	if err != nil {
		t.Fatal(err)
	}
	var sources []string
	for _, r := range f.Requirements {
		sources = append(sources, r.Source())
	}
	want := []string{"basic.txt:2", "basic.txt:5", "basic.txt:6", "basic.txt:7", "nested/more.txt:3"}
	if diff := cmp.Diff(want, sources); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if len(f.Constraints) != 1 || len(f.Options) != 9 {
		t.Errorf("got %d constraints and %d options, want 1 and 9", len(f.Constraints), len(f.Options))
	}
}

func TestRequirementPinned(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"sigstore==3.6.1", "3.6.1", true},
		{"abi3info==2024.10.08", "2024.10.8", true},
		{"x===1.0-odd", "1.0-odd", true},
		{"requests", "", false},
		{"requests>=2", "", false},
		{"requests==2.*", "", false},
		{"x==1,!=2", "", false},
		{"x @ https://example.com/x-1.0.tar.gz", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			r, err := pypi.ParseRequirement(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := r.Pinned()
			if got != tt.want || ok != tt.ok {
				t.Errorf("Pinned() = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseRequirement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want req
	}{
		{"sigstore==3.6.1", req{Name: "sigstore", Spec: "==3.6.1", Source: "command line", Text: "sigstore==3.6.1"}},
		{" requests ", req{Name: "requests", Source: "command line", Text: "requests"}},
		{"Demo.Pkg[x]>=1;python_version>'3'", req{Name: "Demo.Pkg", Extras: []string{"x"}, Spec: ">=1", Marker: "python_version>'3'", Source: "command line", Text: "Demo.Pkg[x]>=1;python_version>'3'"}},
		{"git+https://example.com/r.git", req{URL: "git+https://example.com/r.git", Unsupported: pypi.UnsupportedVCS, Source: "command line", Text: "git+https://example.com/r.git"}},
		{"C:\\src\\pkg", req{URL: "C:\\src\\pkg", Unsupported: pypi.UnsupportedPath, Source: "command line", Text: "C:\\src\\pkg"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			r, err := pypi.ParseRequirement(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]req{tt.want}, view([]pypi.Requirement{r})); diff != "" {
				t.Errorf("ParseRequirement(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
	for _, in := range []string{"", "  ", "-r x.txt", "--hash=sha256:00", "a b", "foo==1.0 and", "foo[", "==1.0"} {
		t.Run("error/"+in, func(t *testing.T) {
			t.Parallel()
			if r, err := pypi.ParseRequirement(in); err == nil {
				t.Errorf("ParseRequirement(%q) = %+v, want an error", in, r)
			}
		})
	}
}

func TestRequirementSource(t *testing.T) {
	t.Parallel()
	r := pypi.Requirement{File: "requirements.txt", Line: 7}
	if got := r.Source(); got != "requirements.txt:7" {
		t.Errorf("Source() = %q", got)
	}
}

// osPathFS opens OS paths as given, as the CLI does, so that includes may
// leave the directory of the first file.
type osPathFS struct{}

func (osPathFS) Open(name string) (fs.File, error) { return os.Open(filepath.FromSlash(name)) }

func TestParseRequirementsOSPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := filepath.ToSlash(dir)
	write("common.txt", "common==1\n")
	write("abs.txt", "abs==1\n")
	write("app/requirements.txt", "-r ../common.txt\n-r "+d+"/./abs.txt\napp==1\n")
	top := d + "/app/requirements.txt"
	f, err := pypi.ParseRequirements(osPathFS{}, top)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range f.Requirements {
		got = append(got, r.Name+" "+r.Source())
	}
	want := []string{"common " + d + "/common.txt:1", "abs " + d + "/abs.txt:1", "app " + top + ":3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
}

func TestParseRequirementsIncludeDepth(t *testing.T) {
	t.Parallel()
	// Distinct names that never repeat: a chain too deep is an error.
	fsys := fstest.MapFS{}
	for i := range 100 {
		fsys[fmt.Sprintf("r%d.txt", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("-r r%d.txt\n", i+1))}
	}
	_, err := pypi.ParseRequirements(fsys, "r0.txt")
	if err == nil || !strings.Contains(err.Error(), "r63.txt:1: cannot include \"r64.txt\": includes nested deeper than 64 files") {
		t.Errorf("error = %v, want a nesting error at r63.txt:1", err)
	}
}
