package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi/pypitest"
)

// TestProgressAndLog pins the progress line on a terminal: a -v log line
// clears it and it is redrawn below, so the two never run into each other;
// no rate is shown before a second has passed (the first one measured
// nothing); the line is cleared when the last package is done.
func TestProgressAndLog(t *testing.T) {
	var stderr bytes.Buffer
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := []time.Time{start, start, start.Add(2 * time.Second), start.Add(3 * time.Second)}
	a := &app{
		stderr: &stderr, verbose: true,
		isTerminal: func(io.Writer) bool { return true },
		now: func() time.Time {
			c := clock[0]
			clock = clock[1:]
			return c
		},
	}
	progress := a.progress()
	progress(1, 3)
	a.logf("GET https://pypi.org/pypi/demo/1.0/json: 200 OK")
	progress(2, 3)
	progress(3, 3)
	a.logf("after the end")
	want := "\r\x1b[Kchecked 1/3 packages" +
		"\r\x1b[KGET https://pypi.org/pypi/demo/1.0/json: 200 OK\n" +
		"\r\x1b[Kchecked 1/3 packages" +
		"\r\x1b[Kchecked 2/3 packages (1.0/s)" +
		"\r\x1b[Kchecked 3/3 packages (1.0/s)\r\x1b[K" +
		"after the end\n"
	if diff := cmp.Diff(want, stderr.String()); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

// TestVerboseLog pins -v: each request with its HTTP status, and the cache
// in words that cannot be mistaken for each other ("stored … in the cache"
// when a fetched answer is kept, "cache hit" when one is served from it).
func TestVerboseLog(t *testing.T) {
	srv, root := testIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {{Filename: "demo-1.0-py3-none-any.whl", Content: []byte("demo wheel")}}},
	}})
	cache := t.TempDir()
	audit := func() string {
		var stdout, stderr bytes.Buffer
		a := &app{stdout: &stdout, stderr: &stderr, isTerminal: func(io.Writer) bool { return false },
			getenv: func(k string) string {
				if k == "PYVERIFY_INDEX_URL" {
					return srv.URL()
				}
				return ""
			}}
		if code := runApp(context.Background(), a, []string{"audit", "-v", "--cache-dir", cache, "--trusted-root", root, "demo==1.0"}); code != exitOK {
			t.Fatalf("exit %d\n%s%s", code, &stdout, &stderr)
		}
		return stderr.String()
	}
	file := srv.URL() + "/files/demo/1.0/demo-1.0-py3-none-any.whl"
	first := audit()
	for _, want := range []string{
		"GET " + srv.URL() + "/pypi/demo/1.0/json: 200 OK\n",
		"GET " + srv.URL() + "/integrity/demo/1.0/demo-1.0-py3-none-any.whl/provenance: 404 Not Found\n",
		"GET " + file + ": 200 OK\n",
		"stored " + file + " in the cache\n",
	} {
		if !strings.Contains(first, want) {
			t.Errorf("first run's stderr lacks %q:\n%s", want, first)
		}
	}
	if second := audit(); !strings.Contains(second, "cache hit "+file+"\n") || strings.Contains(second, "GET "+file) {
		t.Errorf("second run's stderr does not say the artifact was a cache hit, or fetched it again:\n%s", second)
	}
}

// TestTableFitsTerminal: on an 80-column terminal a long publisher is
// elided so that every row, POLICY included, stays on its line.
func TestTableFitsTerminal(t *testing.T) {
	srv, root := testIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {{
			Filename:  "demo-1.0-py3-none-any.whl",
			Content:   []byte("demo wheel"),
			Publisher: []byte(`{"kind": "GitHub", "repository": "a-rather-long-organisation/an-even-longer-repository-name", "workflow": "release-to-pypi.yml"}`),
		}}},
	}})
	var stdout, stderr bytes.Buffer
	a := &app{stdout: &stdout, stderr: &stderr,
		isTerminal: func(w io.Writer) bool { return w == &stdout },
		termWidth:  func(io.Writer) int { return 80 },
		getenv: func(k string) string {
			switch k {
			case "PYVERIFY_INDEX_URL":
				return srv.URL()
			case "NO_COLOR":
				return "1"
			}
			return ""
		}}
	if code := runApp(context.Background(), a, []string{"audit", "--no-cache", "--trusted-root", root, "demo==1.0"}); code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, &stdout, &stderr)
	}
	table, _, _ := strings.Cut(stdout.String(), "\n\n")
	for l := range strings.SplitSeq(table, "\n") {
		if n := utf8.RuneCountInString(l); n > 80 || !(strings.HasSuffix(l, "POLICY") || strings.HasSuffix(l, "ok")) {
			t.Errorf("row of %d columns does not end with its policy: %q", n, l)
		}
	}
	if !strings.Contains(table, "…") {
		t.Errorf("publisher not elided:\n%s", table)
	}
}

// TestStreamToTerminalNoProgress: json and jsonl stream to stdout as
// packages finish; when stdout is the terminal the progress line is on,
// each redraw ("\r\x1b[K") erased the package line just printed there.
// The streamed packages are the progress then: no line is drawn. Rendered
// formats, and a stream to a file or pipe, keep the progress line.
func TestStreamToTerminalNoProgress(t *testing.T) {
	srv, root := testIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {{Filename: "demo-1.0-py3-none-any.whl", Content: []byte("demo wheel")}}},
	}})
	tests := []struct {
		name         string
		format       string
		stdoutIsTTY  bool
		wantProgress bool
	}{
		{"jsonl to the terminal", "jsonl", true, false},
		{"json to the terminal", "json", true, false},
		{"jsonl to a pipe", "jsonl", false, true},
		{"text to the terminal", "text", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			a := &app{stdout: &stdout, stderr: &stderr,
				isTerminal: func(w io.Writer) bool { return w == &stderr || tt.stdoutIsTTY && w == &stdout },
				termWidth:  func(io.Writer) int { return 200 },
				getenv: func(k string) string {
					if k == "PYVERIFY_INDEX_URL" {
						return srv.URL()
					}
					return ""
				}}
			if code := runApp(context.Background(), a, []string{"audit", "--no-cache", "--format", tt.format, "--trusted-root", root, "demo==1.0"}); code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, &stdout, &stderr)
			}
			if got := strings.Contains(stderr.String(), "checked 1/1 packages"); got != tt.wantProgress {
				t.Errorf("progress line drawn: %v, want %v; stderr:\n%q", got, tt.wantProgress, stderr.String())
			}
		})
	}
}
