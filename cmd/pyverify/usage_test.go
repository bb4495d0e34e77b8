package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestUsageMessages pins the help and the messages of usage errors: they
// speak to the user, never in Go's internals (strconv, %20-escaped URLs, a
// temporary file's name), and each gives the way out.
func TestUsageMessages(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "out.json")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string
		wantStderr []string
		notOut     []string // in neither stream
	}{
		{name: "--version", args: []string{"--version"}, wantStdout: []string{"pyverify " + version + " ("}},
		{name: "version help lists no refused flag", args: []string{"version", "--help"},
			wantStdout: []string{"pyverify version"}, notOut: []string{"--format", "--output", "--index-url"}},
		{name: "version refuses --format", args: []string{"version", "--format", "json"}, wantCode: exitUsage,
			wantStderr: []string{`--format does not apply to "pyverify version"`}},
		{name: "policy check help lists no --format", args: []string{"policy", "check", "--help"}, notOut: []string{"--format"}},
		{name: "verify without files", args: []string{"verify"}, wantCode: exitUsage,
			wantStderr: []string{"nothing to verify: " + hintVerify}, notOut: []string{"arg(s)"}},
		{name: "concurrency not a number", args: []string{"audit", "--concurrency", "abc", "x==1"}, wantCode: exitUsage,
			wantStderr: []string{`--concurrency: "abc" is not a whole number`}, notOut: []string{"strconv", "ParseInt"}},
		{name: "index URL with spaces", args: []string{"audit", "--index-url", "not a url", "x==1"}, wantCode: exitUsage,
			wantStderr: []string{`--index-url: "not a url" is not an http(s) URL`}, notOut: []string{"%20"}},
		{name: "index URL without scheme", args: []string{"audit", "--index-url", "localhost:8080", "x==1"}, wantCode: exitUsage,
			wantStderr: []string{"did you mean http://localhost:8080?"}},
		{name: "index host without scheme", args: []string{"audit", "--index-url", "pypi.example.com/simple", "x==1"}, wantCode: exitUsage,
			wantStderr: []string{"did you mean https://pypi.example.com/simple?"}},
		{name: "output into a missing directory", args: []string{"audit", "--trusted-root", "nonexistent.json", "-o", missing, "x==1"}, wantCode: exitUsage,
			wantStderr: []string{"cannot write the report to " + missing + ": directory " + filepath.Dir(missing) + " does not exist"}, notOut: []string{".tmp"}},
		{name: "repo and owner", args: []string{"check", "--repo", "acme/demo", "--owner", "acme", "demo"}, wantCode: exitUsage,
			wantStderr: []string{"--repo and --owner cannot be used together"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			a := &app{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" },
				isTerminal: func(io.Writer) bool { return false }}
			if code := runApp(context.Background(), a, append(tt.args, "--no-cache")); code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, &stdout, &stderr)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &stderr)
				}
			}
			for _, n := range tt.notOut {
				if strings.Contains(stdout.String()+stderr.String(), n) {
					t.Errorf("output contains %q:\n%s%s", n, &stdout, &stderr)
				}
			}
		})
	}
}
