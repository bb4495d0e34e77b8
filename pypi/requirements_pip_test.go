package pypi_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
)

// The tables below pin pip parity: each input was run through pip's own
// requirements-file parser (pip 26.3.dev0, pip._internal.req.req_file
// parse_requirements + install_req_from_parsed_requirement), which accepts
// the first table and refuses the second.

var (
	sha384 = strings.Repeat("a", 96)
	sha512 = strings.Repeat("b", 128)
)

// TestParseRequirementsPipAccepts: what pip reads, pyverify reads, without
// dropping anything pip would act on.
func TestParseRequirementsPipAccepts(t *testing.T) {
	t.Parallel()
	type hreq struct {
		Name, Spec, Unsupported, Source string
		Hashes, OtherHashes, Notices    []string
	}
	hview := func(rs []pypi.Requirement) []hreq {
		var out []hreq
		for _, r := range rs {
			out = append(out, hreq{r.Name, r.Spec, r.Unsupported, r.Source(), hexes(r.Hashes), r.OtherHashes, r.Notices})
		}
		return out
	}
	const onlySHA256 = "only sha256 pins are compared: the sha384/sha512 pins of this requirement are not checked"
	tests := []struct {
		name string
		in   []byte
		want []hreq
	}{
		{"sha384 and sha512 beside sha256", []byte("foo==1.0 --hash=sha256:" + hashA + " --hash=sha384:" + sha384 + " --hash sha512:" + strings.ToUpper(sha512) + "\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:1", Hashes: []string{hashA},
				OtherHashes: []string{"sha384:" + sha384, "sha512:" + sha512}, Notices: []string{onlySHA256}}}},
		// Only other algorithms: checking every file instead would widen
		// the pins silently, so the requirement cannot be checked.
		{"only sha512", []byte("foo==1.0 --hash=sha512:" + sha512 + "\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Unsupported: pypi.UnsupportedHashAlgorithm, Source: "r.txt:1",
				OtherHashes: []string{"sha512:" + sha512}}}},
		{"PEP 263 latin-1", []byte("# -*- coding: latin-1 -*-\nfoo==1.0 # caf\xe9\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:2"}}},
		{"PEP 263 on the second line", []byte("#!/usr/bin/env pip\n# vim: set fileencoding=iso-8859-1 :\nfoo==1.0 # caf\xe9\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:3"}}},
		{"PEP 263 cp1252", []byte("# coding=cp1252\nfoo==1.0 # \x80\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:2"}}},
		{"PEP 263 utf-8", []byte("# -*- coding: utf-8 -*-\nfoo==1.0 # caf\xc3\xa9\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:2"}}},
		{"CR-only line endings", []byte("foo==1.0\rbar==2.0\r"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:1"}, {Name: "bar", Spec: "==2.0", Source: "r.txt:2"}}},
		{"form feed and vertical tab separate lines", []byte("foo==1.0\fbar==2.0\vbaz==3\r\nqux==4\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:1"}, {Name: "bar", Spec: "==2.0", Source: "r.txt:2"},
				{Name: "baz", Spec: "==3", Source: "r.txt:3"}, {Name: "qux", Spec: "==4", Source: "r.txt:4"}}},
		{"trailing comma", []byte("foo>=1.0,\n"), []hreq{{Name: "foo", Spec: ">=1.0,", Source: "r.txt:1"}}},
		// pip drops a requirement written after options; it is kept,
		// unsupported, so the report shows it.
		{"URL after an option", []byte("--only-binary=all http://example.com/x-1.0.zip#egg=x\n"),
			[]hreq{{Name: "x", Unsupported: pypi.UnsupportedAfterOption, Source: "r.txt:1"}}},
		{"name after an option", []byte("--pre foo==1.0\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Unsupported: pypi.UnsupportedAfterOption, Source: "r.txt:1"}}},
		{"word after a requirement's options", []byte("foo==1.0 --hash=sha256:" + hashA + " bar\n"),
			[]hreq{{Name: "foo", Spec: "==1.0", Source: "r.txt:1", Hashes: []string{hashA}},
				{Name: "bar", Unsupported: pypi.UnsupportedAfterOption, Source: "r.txt:1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := pypi.ParseRequirements(fstest.MapFS{"r.txt": {Data: tt.in}}, "r.txt")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, hview(f.Requirements)); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRequirementsPipOptions(t *testing.T) {
	t.Parallel()
	in := "--only-binary=:all:\n--prefer-binary\n--no-binary :none:\n--pre\n--only-final=:all:\n--all-releases foo,bar\n--no-require-hashes\n--extra-index-url=\n-e ./src --config-settings=k=v\n"
	f, err := parseOne(t, in)
	if err != nil {
		t.Fatal(err)
	}
	o := func(name, value string, line int) pypi.Option {
		return pypi.Option{Name: name, Value: value, File: "requirements.txt", Line: line}
	}
	want := []pypi.Option{
		o("--only-binary", ":all:", 1),
		o("--prefer-binary", "", 2),
		o("--no-binary", ":none:", 3),
		o("--pre", "", 4),
		o("--only-final", ":all:", 5),
		o("--all-releases", "foo,bar", 6),
		o("--no-require-hashes", "", 7),
		o("--extra-index-url", "", 8),
		o("--config-settings", "k=v", 9),
	}
	if diff := cmp.Diff(want, f.Options); diff != "" {
		t.Errorf("options (-want +got):\n%s", diff)
	}
}

// TestParseRequirementsPipRejects: what pip refuses is an input error at
// FILE:LINE, never a requirement read another way.
func TestParseRequirementsPipRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         string
		constraint bool
		want       string
	}{
		{"invalid marker", "ok==1\nfoo==1.0; python_version >= 3.9\n", false,
			`r.txt:2: invalid requirement "foo==1.0; python_version >= 3.9": invalid marker "python_version >= 3.9": column 19: expected a marker variable (python_version, sys_platform, …) or a quoted string`},
		{"unknown marker variable", "foo==1.0; pyversion >= '3.9'\n", false,
			`r.txt:1: invalid requirement "foo==1.0; pyversion >= '3.9'": invalid marker "pyversion >= '3.9'": column 1: expected a marker variable`},
		{"invalid marker on a URL", "https://example.com/x-1.0.zip ; os_name = 'nt'\n", false,
			`r.txt:1: invalid requirement "https://example.com/x-1.0.zip ; os_name = 'nt'": invalid marker "os_name = 'nt'": column 9: expected a marker operator`},
		{"upper-case hash algorithm", "foo==1.0 --hash=SHA256:" + hashA + "\n", false,
			`r.txt:1: unsupported hash algorithm "SHA256" in --hash "SHA256:` + hashA + `": pip accepts sha256, sha384 and sha512, in lower case`},
		{"short sha512", "foo==1.0 --hash=sha512:abcd\n", false,
			`r.txt:1: invalid --hash "sha512:abcd": a sha512 digest is 128 hex digits`},
		{"tab before an option", "foo==1.0\t--hash=sha256:" + hashA + "\n", false,
			`r.txt:1: invalid requirement "foo==1.0\t--hash=sha256:` + hashA + `": options must be separated from the requirement by a space (pip reads a tab-separated option as part of the requirement)`},
		{"editable constraint", "-e git+https://github.com/x/y#egg=y\n", true,
			`r.txt:1: editable requirements are not allowed as constraints`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{"r.txt": {Data: []byte(tt.in)}}
			name := "r.txt"
			if tt.constraint {
				fsys["top.txt"] = &fstest.MapFile{Data: []byte("-c r.txt\n")}
				name = "top.txt"
			}
			f, err := pypi.ParseRequirements(fsys, name)
			if err == nil {
				t.Fatalf("ParseRequirements = %+v, want an error", f)
			}
			if got := err.Error(); !strings.HasPrefix(got, tt.want) {
				t.Errorf("error:\n got %s\nwant %s…", got, tt.want)
			}
		})
	}
}

func TestParseRequirementsMarker(t *testing.T) {
	t.Parallel()
	f, err := parseOne(t, "foo==1.0 ; python_version < '3.9' or os.name == 'nt'\nbar==1\n")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{f.Requirements[0].ParsedMarker.String(), f.Requirements[1].ParsedMarker.String()}
	want := []string{`python_version < "3.9" or os_name == "nt"`, ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed markers (-want +got):\n%s", diff)
	}
}

func TestParseRequirementsUndeclaredEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		// Only the first two lines may declare the encoding (PEP 263).
		{"#\n#\n# coding: latin-1\nfoo==1.0 # caf\xe9\n", `r.txt:4: the file is not UTF-8 (invalid byte 0xe9)`},
		{"# coding: koi8-r\nfoo==1.0\n", `r.txt:1: unsupported encoding "koi8-r" declared`},
		{"# coding: ascii\nfoo==1.0 # caf\xe9\n", `r.txt:2: the file is not ascii (invalid byte 0xe9)`},
		{"# coding: UTF-8\n\nfoo==1.0 # caf\xe9\n", `r.txt:3: the file is not UTF-8 (invalid byte 0xe9), as line 1 declares`},
		{"# coding: cp1252\nfoo==1.0 # \x81\n", `r.txt:2: the file is not cp1252 (invalid byte 0x81)`},
		{"ok==1\rfoo==1.0 # caf\xe9\n", `r.txt:2: the file is not UTF-8 (invalid byte 0xe9)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, err := pypi.ParseRequirements(fstest.MapFS{"r.txt": {Data: []byte(tt.in)}}, "r.txt")
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v, want %s…", err, tt.want)
			}
		})
	}
}
