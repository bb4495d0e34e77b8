package report_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/report"
	"github.com/pyverify/pyverify/verify"
)

func TestParseFormat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    report.Format
		wantErr bool
	}{
		{in: "text", want: report.Text},
		{in: "json", want: report.JSON},
		{in: "sarif", want: report.SARIF},
		{in: "markdown", want: report.Markdown},
		{in: "jsonl", want: report.JSONL},
		{in: "xml", wantErr: true},
		{in: "JSON", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := report.ParseFormat(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseFormat(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "text, json, sarif, markdown, jsonl") {
					t.Errorf("ParseFormat(%q) error %q does not list the formats", tt.in, err)
				}
				return
			}
			if got != tt.want {
				t.Errorf("ParseFormat(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFormatFlag checks the pflag.Value methods that cmd binds --format to.
func TestFormatFlag(t *testing.T) {
	t.Parallel()
	f := report.Text
	if err := f.Set("sarif"); err != nil {
		t.Fatal(err)
	}
	if f.String() != "sarif" || f.Type() != "format" {
		t.Errorf("after Set(sarif): String() = %q, Type() = %q", f.String(), f.Type())
	}
	if err := f.Set("xml"); err == nil {
		t.Error("Set(xml) succeeded")
	}
	if f != report.SARIF {
		t.Errorf("a failed Set changed the value to %q", f)
	}
	if diff := cmp.Diff([]string{"text", "json", "sarif", "markdown", "jsonl"}, report.Formats()); diff != "" {
		t.Errorf("Formats() mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	t.Parallel()
	err := report.Write(&bytes.Buffer{}, report.Format("xml"), &report.Document{}, report.Options{})
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("Write(xml) error = %v, want one naming the format", err)
	}
}

// TestWriteNil: a nil document renders as an empty report in every format
// rather than panicking.
func TestWriteNil(t *testing.T) {
	t.Parallel()
	for _, f := range report.Formats() {
		var buf bytes.Buffer
		if err := report.Write(&buf, report.Format(f), nil, report.Options{}); err != nil {
			t.Errorf("Write(%s, nil): %v", f, err)
		}
	}
}

func TestExplainCoversEveryKind(t *testing.T) {
	t.Parallel()
	for _, k := range verify.ProblemKinds {
		if report.Explain(string(k)) == "" {
			t.Errorf("Explain(%q) is empty", k)
		}
	}
	if got := report.Explain("no-such-kind"); got != "" {
		t.Errorf("Explain(no-such-kind) = %q, want empty", got)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestColor: ANSI sequences appear only in the text format and only with
// Options.Color (SPEC §2: cmd decides), and colour never changes the
// alignment — stripping it gives the uncoloured output byte for byte.
func TestColor(t *testing.T) {
	t.Parallel()
	_, d := readGolden(t, "testdata/mixed.txtar")
	for _, f := range report.Formats() {
		for _, detail := range []bool{false, true} {
			var plain, colored bytes.Buffer
			if err := report.Write(&plain, report.Format(f), d, report.Options{Detail: detail}); err != nil {
				t.Fatal(err)
			}
			if err := report.Write(&colored, report.Format(f), d, report.Options{Color: true, Detail: detail}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(plain.String(), "\x1b") {
				t.Errorf("%s (detail %v) without Color contains an escape sequence", f, detail)
			}
			hasANSI := strings.Contains(colored.String(), "\x1b[")
			if want := f == "text"; hasANSI != want {
				t.Errorf("%s (detail %v) with Color: ANSI present = %v, want %v", f, detail, hasANSI, want)
			}
			if diff := cmp.Diff(plain.String(), ansi.ReplaceAllString(colored.String(), "")); diff != "" {
				t.Errorf("%s (detail %v): colour changed the text (-plain +stripped):\n%s", f, detail, diff)
			}
		}
	}
	// The colours themselves: green verified, yellow hash-only, red failed.
	var buf bytes.Buffer
	if err := report.Write(&buf, report.Text, d, report.Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\x1b[32mverified\x1b[0m", "\x1b[33mhash-only\x1b[0m", "\x1b[31mfailed\x1b[0m", "\x1b[35merror\x1b[0m"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("coloured text lacks %q", want)
		}
	}
}

// TestWidth: the publisher column is shortened so table rows fit the
// terminal width.
func TestWidth(t *testing.T) {
	t.Parallel()
	_, d := readGolden(t, "testdata/all_verified.txtar")
	const width = 80
	var buf bytes.Buffer
	if err := report.Write(&buf, report.Text, d, report.Options{Width: width}); err != nil {
		t.Fatal(err)
	}
	table, _, _ := strings.Cut(buf.String(), "\n\n")
	for line := range strings.SplitSeq(table, "\n") {
		if n := utf8.RuneCountInString(line); n > width {
			t.Errorf("row is %d columns, want at most %d: %q", n, width, line)
		}
	}
	if !strings.Contains(table, "…") {
		t.Errorf("no cell was shortened:\n%s", table)
	}
}

// TestInputCannotForgeOutput: control characters in input (a name, a
// message from the index) never reach the text output, and cannot break
// the markdown table.
func TestInputCannotForgeOutput(t *testing.T) {
	t.Parallel()
	d := &report.Document{
		Packages: []report.Package{{
			Name: "evil\x1b[2J\nFAKE ok", Version: "1|0", Source: report.Source{File: "r.txt:1\x1b[2J"}, Evidence: "failed", Violation: true,
			Problems: []report.Problem{{Kind: "network", Message: "line one\nverified\r\x07"}},
		}},
	}
	for _, detail := range []bool{false, true} {
		var buf bytes.Buffer
		if err := report.Write(&buf, report.Text, d, report.Options{Detail: detail}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.ContainsAny(out, "\x1b\r\x07") || strings.Contains(out, "\nFAKE") || strings.Contains(out, "\nverified") {
			t.Errorf("text (detail %v) lets input forge output:\n%q", detail, out)
		}
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, report.Markdown, d, report.Options{}); err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(buf.String(), "\n") {
		if strings.HasPrefix(line, "| evil") && strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") != 6 {
			t.Errorf("markdown row has extra cells: %q", line)
		}
	}
}

// TestJSONListsNeverNull: SPEC §7 lists are [] even when a hand-built
// Document leaves them nil.
func TestJSONListsNeverNull(t *testing.T) {
	t.Parallel()
	d := &report.Document{
		SchemaVersion: 1,
		Packages: []report.Package{{
			Name:  "x",
			Files: []report.File{{Filename: "x-1.tar.gz", Attestations: []report.Attestation{{}}}},
		}},
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, report.JSON, d, report.Options{}); err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	pkg := generic["packages"].([]any)[0].(map[string]any)
	file := pkg["files"].([]any)[0].(map[string]any)
	att := file["attestations"].([]any)[0].(map[string]any)
	for name, v := range map[string]any{
		"package problems": pkg["problems"], "file problems": file["problems"], "attestation problems": att["problems"],
	} {
		if _, ok := v.([]any); !ok {
			t.Errorf("%s = %#v, want []", name, v)
		}
	}
	if d.Packages[0].Problems != nil {
		t.Error("Write modified its input")
	}
	// Empty optional values: environment and integrated_time are null,
	// email and the added identity fields are omitted.
	pub := att["publisher"].(map[string]any)
	if v, ok := pub["environment"]; !ok || v != nil {
		t.Errorf("publisher.environment = %#v (present %v), want null", v, ok)
	}
	if _, ok := pub["email"]; ok {
		t.Error("empty publisher.email is present")
	}
	if v, ok := att["integrated_time"]; !ok || v != nil {
		t.Errorf("integrated_time = %#v (present %v), want null", v, ok)
	}
}

func TestFromVerify(t *testing.T) {
	t.Parallel()
	cet := time.FixedZone("CET", 3600)
	r := &verify.Report{
		IndexURL: "https://pypi.org",
		Policy:   "pyverify.toml",
		Packages: []verify.Package{
			{
				Name: "sigstore", Version: "3.6.1", Requirement: "sigstore==3.6.1 ; os_name == 'posix'",
				Source: pypi.Position{File: "requirements.txt", Line: 3}, Marker: "os_name == 'posix'", Evidence: verify.Verified, OK: true,
				PolicyEntry: "packages.sigstore",
				Files: []verify.File{{
					Filename: "sigstore-3.6.1.tar.gz", URL: "https://files/sigstore-3.6.1.tar.gz", Size: 10,
					SHA256: "ee60", Bytes: verify.BytesDownloaded, Evidence: verify.Verified,
					Attestations: []verify.Attestation{{
						PredicateType: "https://docs.pypi.org/attestations/publish/v1", Verified: true,
						Publisher: verify.Publisher{Kind: "GitHub", Repository: "sigstore/sigstore-python", Workflow: "release.yml", Environment: "release"},
						Identity: verify.Identity{
							SAN: "https://github.com/x", Issuer: "https://token.actions.githubusercontent.com",
							SourceRef: "refs/tags/v3.6.1", Environment: "release", RunnerEnvironment: "github-hosted",
						},
						LogIndex:       42,
						IntegratedTime: time.Date(2024, 11, 1, 13, 0, 0, 0, cet),
					}},
				}},
			},
			{
				Name: "flaky", Requirement: "flaky", Violation: false,
				Problems: []verify.Problem{{Kind: verify.Network, Message: "flaky: connection refused"}},
			},
		},
	}
	got := report.FromVerify(r, report.Meta{ToolVersion: "0.1.0"})
	env := "release"
	when := time.Date(2024, 11, 1, 12, 0, 0, 0, time.UTC)
	want := &report.Document{
		SchemaVersion: 1,
		Tool:          report.Tool{Name: "pyverify", Version: "0.1.0"},
		IndexURL:      "https://pypi.org",
		Policy:        "pyverify.toml",
		Packages: []report.Package{
			{
				Name: "sigstore", Version: "3.6.1", Requirement: "sigstore==3.6.1 ; os_name == 'posix'",
				Source: report.Source{File: "requirements.txt", Line: 3}, Marker: "os_name == 'posix'", Evidence: "verified", OK: true,
				PolicyEntry: "packages.sigstore", Problems: []report.Problem{},
				Files: []report.File{{
					Filename: "sigstore-3.6.1.tar.gz", URL: "https://files/sigstore-3.6.1.tar.gz", Size: 10,
					SHA256: "ee60", Bytes: "downloaded", Downloaded: true, Evidence: "verified", Problems: []report.Problem{},
					Attestations: []report.Attestation{{
						PredicateType: "https://docs.pypi.org/attestations/publish/v1", Verified: true,
						Publisher: report.Publisher{Kind: "GitHub", Repository: "sigstore/sigstore-python", Workflow: "release.yml", Environment: &env},
						Identity: report.Identity{
							SAN: "https://github.com/x", Issuer: "https://token.actions.githubusercontent.com",
							SourceRef: "refs/tags/v3.6.1", DeploymentEnvironment: "release", RunnerEnvironment: "github-hosted",
						},
						LogIndex:       42,
						IntegratedTime: &when,
						Problems:       []report.Problem{},
					}},
				}},
			},
			{
				// Evidence was never set: a check that did not run is an error.
				Name: "flaky", Requirement: "flaky", Evidence: "error",
				Problems: []report.Problem{{Kind: "network", Message: "flaky: connection refused"}},
				Files:    []report.File{},
			},
		},
		Summary: report.Summary{Packages: 2, Verified: 1, Error: 1, OK: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("FromVerify mismatch (-want +got):\n%s", diff)
	}
	if loc := got.Packages[0].Files[0].Attestations[0].IntegratedTime.Location(); loc != time.UTC {
		t.Errorf("integrated time in %v, want UTC", loc)
	}
	if r.Packages[1].Evidence != "" {
		t.Error("FromVerify modified its input")
	}

	empty := report.FromVerify(nil, report.Meta{ToolVersion: "0.1.0"})
	if empty.Packages == nil || empty.SchemaVersion != 1 || empty.Tool.Name != "pyverify" {
		t.Errorf("FromVerify(nil) = %+v, want an empty v1 document", empty)
	}
}

// TestPackagesKeepInputOrder: renderers never reorder packages (SPEC §7),
// even when sorting by name or evidence would put them differently.
func TestPackagesKeepInputOrder(t *testing.T) {
	t.Parallel()
	names := []string{"zeta", "alpha", "mu"}
	d := &report.Document{}
	for _, n := range names {
		d.Packages = append(d.Packages, report.Package{Name: n, Version: "1", Evidence: "hash-only", OK: true,
			Problems: []report.Problem{{Kind: "not-pinned", Message: n + ": not pinned"}}})
	}
	for _, f := range report.Formats() {
		var buf bytes.Buffer
		if err := report.Write(&buf, report.Format(f), d, report.Options{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		last := -1
		for _, n := range names {
			i := strings.Index(out, n)
			if i < last {
				t.Errorf("%s: %q appears before an earlier package", f, n)
			}
			last = i
		}
	}
}

// TestFromVerifyRedactsFileURLs: an index may hand out file URLs with
// credentials in them (presigned or user:token@host); the report, which
// ends up in CI logs and artifacts, never shows them.
func TestFromVerifyRedactsFileURLs(t *testing.T) {
	t.Parallel()
	r := &verify.Report{Packages: []verify.Package{{Name: "demo", Evidence: verify.HashOnly, Files: []verify.File{
		{Filename: "demo-1.0.tar.gz", URL: "https://user:s3cret@files.example/demo-1.0.tar.gz", Evidence: verify.HashOnly},
	}}}}
	d := report.FromVerify(r, report.Meta{})
	if got := d.Packages[0].Files[0].URL; strings.Contains(got, "s3cret") {
		t.Errorf("file URL %q shows the credential", got)
	}
}
