package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/report"
)

// detailLines renders d in the detail view and returns the lines that
// start, after indentation, with key.
func detailLines(t *testing.T, d *report.Document, key string) []string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Write(&buf, report.Text, d, report.Options{Detail: true}); err != nil {
		t.Fatal(err)
	}
	var out []string
	for l := range strings.SplitSeq(buf.String(), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, key) {
			out = append(out, l)
		}
	}
	return out
}

// TestDetailAttestationsNotFetched: "none published" is said only when the
// index answered that no provenance exists; when the provenance could not
// be fetched (offline, unreachable, an error), the detail view says so.
func TestDetailAttestationsNotFetched(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		file     report.File
		wantLine string
	}{
		{
			name:     "none published",
			file:     report.File{Filename: "a-1.0.tar.gz", Evidence: "hash-only"},
			wantLine: "attestations  none published",
		},
		{
			name: "download failed, provenance answered none",
			file: report.File{Filename: "a-1.0.tar.gz", Evidence: "error", Problems: []report.Problem{
				{Kind: "network", Message: "a-1.0.tar.gz: download: connection refused"}}},
			wantLine: "attestations  none published",
		},
		{
			name: "offline, not cached",
			file: report.File{Filename: "a-1.0.tar.gz", Evidence: "error", Problems: []report.Problem{
				{Kind: "index-error", Message: "a-1.0.tar.gz: provenance: offline: https://x/integrity/a/1.0/a-1.0.tar.gz/provenance: not in the cache"}}},
			wantLine: "attestations  not fetched: the provenance could not be retrieved (see the problems)",
		},
		{
			name: "unreachable",
			file: report.File{Filename: "a-1.0.tar.gz", Evidence: "error", Problems: []report.Problem{
				{Kind: "network", Message: "a-1.0.tar.gz: provenance: dial tcp: connection refused"}}},
			wantLine: "attestations  not fetched: the provenance could not be retrieved (see the problems)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &report.Document{Packages: []report.Package{{Name: "a", Version: "1.0", Evidence: tt.file.Evidence, Files: []report.File{tt.file}}}}
			if diff := cmp.Diff([]string{tt.wantLine}, detailLines(t, d, "attestations")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestExplainIndexError: index-error is also what --offline reports for
// what the cache lacks, when no index answered at all; its explanation and
// title must not claim that the index answered.
func TestExplainIndexError(t *testing.T) {
	t.Parallel()
	e := report.Explain("index-error")
	if strings.Contains(e, "the index answered with an error") {
		t.Errorf("Explain(index-error) claims the index answered: %q", e)
	}
	if !strings.Contains(e, "--offline") {
		t.Errorf("Explain(index-error) does not cover --offline: %q", e)
	}
}

// TestTableLayout: the name column holds only the name (a marker, which can
// be long, is listed below the table), the publisher cell names the forge,
// and at a terminal's width a long publisher is elided with "…" so that
// every row still ends with its POLICY.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	att := func(kind, repo, workflow string) []report.Attestation {
		return []report.Attestation{{Verified: true, Publisher: report.Publisher{Kind: kind, Repository: repo, Workflow: workflow}}}
	}
	d := &report.Document{Packages: []report.Package{
		{Name: "sigstore", Version: "3.6.1", Evidence: "verified", OK: true, Files: []report.File{
			{Filename: "sigstore-3.6.1.tar.gz", Bytes: "downloaded", Evidence: "verified", Attestations: att("GitHub", "sigstore/sigstore-python", "release.yml")}}},
		{Name: "requests", Version: "2.32.3", Marker: `python_version >= "3.9" and platform_system != "Windows"`, Evidence: "hash-only", OK: true},
		{Name: "acme-lib", Version: "1.2.0", Evidence: "verified", Violation: true, Files: []report.File{
			{Filename: "acme_lib-1.2.0.tar.gz", Bytes: "downloaded", Evidence: "verified", Attestations: att("GitLab", "a-very-long-group-name/with-a-subgroup/and-a-long-project-name", ".gitlab-ci.yml")}}},
	}}
	var buf bytes.Buffer
	if err := report.Write(&buf, report.Text, d, report.Options{Width: 80}); err != nil {
		t.Fatal(err)
	}
	table, rest, _ := strings.Cut(buf.String(), "\n\n")
	var got []string
	for l := range strings.SplitSeq(table, "\n") {
		got = append(got, l)
	}
	want := []string{
		"PACKAGE   VERSION  EVIDENCE   PUBLISHER                                POLICY",
		"sigstore  3.6.1    verified   GitHub sigstore/sigstore-python (relea…  ok",
		"requests  2.32.3   hash-only  no attestation                           ok",
		"acme-lib  1.2.0    verified   GitLab a-very-long-group-name/with-a-s…  VIOLATION",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if wantMarker := "  requests 2.32.3: " + d.Packages[1].Marker; !strings.Contains(rest, "Markers:\n"+wantMarker+"\n") {
		t.Errorf("marker not listed below the table as %q:\n%s", wantMarker, rest)
	}
}
