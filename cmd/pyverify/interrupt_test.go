package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// testIndex serves model from a fake Warehouse and writes the virtual
// Sigstore's trusted root; it returns the server and the root's path.
func testIndex(t *testing.T, model pypitest.Model) (*pypitest.Server, string) {
	t.Helper()
	sig, err := verifytest.NewSigstore()
	if err != nil {
		t.Fatal(err)
	}
	srv := pypitest.New(model, func(f pypitest.File) ([]byte, error) { return sig.MintProvenance(f.Filename, f.SHA256, f.Publisher) })
	t.Cleanup(srv.Close)
	root := filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(root, sig.TrustedRootJSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, root
}

// cancelOn is a stderr that cancels the run, with cause, once the progress
// line shows that done packages have finished: an event, not a clock.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	done   string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if c.cancel != nil && strings.Contains(c.buf.String(), c.done) {
		c.cancel()
		c.cancel = nil
	}
	return len(p), nil
}

// TestInterrupt pins what Ctrl-C and SIGTERM do: one stderr line saying the
// run was interrupted and how far it got, every package in the report once
// (the unfinished one summarised in one problem), JSON "interrupted": true,
// and exit 130 for SIGINT, 143 for SIGTERM (128 + the signal, as shells do).
func TestInterrupt(t *testing.T) {
	srv, root := testIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"fast": {"1.0": {{Filename: "fast-1.0-py3-none-any.whl", Content: []byte("fast")}}},
		"slow": {"1.0": {{Filename: "slow-1.0-py3-none-any.whl", Content: []byte("slow")}}},
	}})
	srv.Fault("/pypi/slow/1.0/json", pypitest.Fault{Latency: time.Hour})

	tests := []struct {
		name     string
		cause    error
		wantCode int
		wantLine string
	}{
		{"SIGINT", interrupted{os.Interrupt}, 130, "pyverify: interrupted (SIGINT): 1 of 2 packages checked, 1 not checked (error in the report)"},
		{"SIGTERM", interrupted{syscall.SIGTERM}, 143, "pyverify: interrupted (SIGTERM): 1 of 2 packages checked, 1 not checked (error in the report)"},
		{"cancelled", nil, 130, "pyverify: interrupted: 1 of 2 packages checked, 1 not checked (error in the report)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			var stdout bytes.Buffer
			stderr := &cancelOn{done: "checked 1/2", cancel: func() { cancel(tt.cause) }}
			a := &app{
				stdout: &stdout, stderr: stderr,
				getenv: func(k string) string {
					if k == "PYVERIFY_INDEX_URL" {
						return srv.URL()
					}
					return ""
				},
				isTerminal: func(w io.Writer) bool { return w == stderr },
			}
			code := runApp(ctx, a, []string{"audit", "--no-cache", "--trusted-root", root, "--format", "json", "fast==1.0", "slow==1.0"})
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d", code, tt.wantCode)
			}
			var lines []string
			for _, l := range strings.Split(stderr.buf.String(), "\n") {
				if l = strings.TrimPrefix(l[strings.LastIndex(l, "\r")+1:], "\x1b[K"); l != "" {
					lines = append(lines, l)
				}
			}
			if diff := cmp.Diff([]string{tt.wantLine}, lines); diff != "" {
				t.Errorf("stderr lines (-want +got):\n%s", diff)
			}
			var doc struct {
				Interrupted bool
				Packages    []struct {
					Name     string
					Evidence string
					Problems []struct{ Kind, Message string }
				}
			}
			if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
				t.Fatalf("%v\n%s", err, &stdout)
			}
			if !doc.Interrupted {
				t.Error(`JSON lacks "interrupted": true`)
			}
			var got []string
			for _, p := range doc.Packages {
				got = append(got, p.Name+" "+p.Evidence)
				for _, pr := range p.Problems {
					got = append(got, "  "+pr.Kind+": "+pr.Message)
				}
			}
			want := []string{"fast hash-only", "slow error", "  network: slow: not checked: interrupted"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("packages (-want +got):\n%s", diff)
			}
		})
	}
}

// TestInterruptJSONL: an interrupted jsonl report still has every package
// on a line of its own, once, in input order, and ends with the summary
// line saying it was interrupted (issue #13).
func TestInterruptJSONL(t *testing.T) {
	srv, root := testIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"fast": {"1.0": {{Filename: "fast-1.0-py3-none-any.whl", Content: []byte("fast")}}},
		"slow": {"1.0": {{Filename: "slow-1.0-py3-none-any.whl", Content: []byte("slow")}}},
		"late": {"1.0": {{Filename: "late-1.0-py3-none-any.whl", Content: []byte("late")}}},
	}})
	srv.Fault("/pypi/slow/1.0/json", pypitest.Fault{Latency: time.Hour})
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var stdout bytes.Buffer
	stderr := &cancelOn{done: "checked 2/3", cancel: func() { cancel(interrupted{os.Interrupt}) }}
	a := &app{
		stdout: &stdout, stderr: stderr,
		getenv: func(k string) string {
			if k == "PYVERIFY_INDEX_URL" {
				return srv.URL()
			}
			return ""
		},
		isTerminal: func(w io.Writer) bool { return w == stderr },
	}
	code := runApp(ctx, a, []string{"audit", "--no-cache", "--trusted-root", root, "--format", "jsonl", "fast==1.0", "slow==1.0", "late==1.0"})
	if code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		var line struct {
			Name, Evidence string
			Interrupted    bool
			Summary        *struct{ Packages, Error int }
		}
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("%v: %q", err, l)
		}
		if line.Summary != nil {
			got = append(got, fmt.Sprintf("summary interrupted=%v packages=%d error=%d", line.Interrupted, line.Summary.Packages, line.Summary.Error))
			continue
		}
		got = append(got, line.Name+" "+line.Evidence)
	}
	want := []string{"fast hash-only", "slow error", "late hash-only", "summary interrupted=true packages=3 error=1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("jsonl lines (-want +got):\n%s", diff)
	}
}
