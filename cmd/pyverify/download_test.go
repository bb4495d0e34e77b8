package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi/pypitest"
)

// TestDownloadInterrupted: a download cancelled while one file is half
// fetched and another package is complete leaves DIR as it was: no file
// of either package, no temporary file, no requirements.txt or
// pylock.toml (issue #11, "cancellation leaves no partial files").
func TestDownloadInterrupted(t *testing.T) {
	srv, root := testIndex(t, pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"fast": {"1.0": {{Filename: "fast-1.0-py3-none-any.whl", Content: []byte("fast wheel bytes")}}},
		"slow": {"1.0": {{Filename: "slow-1.0-py3-none-any.whl", Content: bytes.Repeat([]byte("slow wheel bytes "), 4096)}}},
	}})
	const slowFile = "/files/slow/1.0/slow-1.0-py3-none-any.whl"
	srv.Fault(slowFile, pypitest.Fault{Stall: true})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old.txt"), []byte("was here"), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stderr := &cancelOn{done: "checked 1/2", cancel: func() {}}
	// Cancel once fast is done (the progress line says so) and slow's
	// download has begun (the index saw the request): events, not time.
	var wg sync.WaitGroup
	wg.Go(func() {
		for ctx.Err() == nil {
			stderr.mu.Lock()
			fastDone := bytes.Contains(stderr.buf.Bytes(), []byte("checked 1/2"))
			stderr.mu.Unlock()
			if fastDone && slices.Contains(srv.Requests(), slowFile) {
				cancel()
				return
			}
			time.Sleep(time.Millisecond) // polling for an event, never an assertion
		}
	})
	a := &app{
		stdout: io.Discard, stderr: stderr,
		getenv: func(k string) string {
			if k == "PYVERIFY_INDEX_URL" {
				return srv.URL()
			}
			return ""
		},
		isTerminal: func(w io.Writer) bool { return w == stderr },
	}
	code := runApp(ctx, a, []string{"download", "--no-cache", "--trusted-root", root, "-d", dir, "fast==1.0", "slow==1.0"})
	cancel()
	wg.Wait()
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d\n%s", code, exitInterrupted, stderr.buf.String())
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if diff := cmp.Diff([]string{"old.txt"}, got); diff != "" {
		t.Errorf("DIR after an interrupted download (-want +got):\n%s", diff)
	}
}
