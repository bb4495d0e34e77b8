package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// TestTerminalOutput pins SPEC §2: progress goes to stderr only when stderr
// is a terminal (and not with -q); colour only on a terminal and never with
// NO_COLOR set.
func TestTerminalOutput(t *testing.T) {
	sig, err := verifytest.NewSigstore()
	if err != nil {
		t.Fatal(err)
	}
	srv := pypitest.New(pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"demo": {"1.0": {{
			Filename:  "demo-1.0-py3-none-any.whl",
			Content:   []byte("demo wheel"),
			Publisher: []byte(`{"kind": "GitHub", "repository": "acme/demo"}`),
		}}},
	}}, func(f pypitest.File) ([]byte, error) { return sig.MintProvenance(f.Filename, f.SHA256, f.Publisher) })
	t.Cleanup(srv.Close)
	pypitest.Check(t, srv)
	root := filepath.Join(t.TempDir(), "trusted_root.json")
	if err := os.WriteFile(root, sig.TrustedRootJSON(), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name                    string
		terminal                bool
		noColor                 string
		extra                   []string
		wantColor, wantProgress bool
	}{
		{name: "not a terminal", terminal: false},
		{name: "terminal", terminal: true, wantColor: true, wantProgress: true},
		{name: "terminal with NO_COLOR", terminal: true, noColor: "1", wantProgress: true},
		{name: "terminal with -q", terminal: true, extra: []string{"-q"}, wantColor: true},
		{name: "terminal with -o", terminal: true, extra: []string{"-o", filepath.Join(t.TempDir(), "r.txt")}, wantProgress: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			a := &app{
				stdout: &stdout, stderr: &stderr,
				getenv: func(k string) string {
					switch k {
					case "NO_COLOR":
						return tt.noColor
					case "PYVERIFY_INDEX_URL":
						return srv.URL()
					}
					return ""
				},
				isTerminal: func(io.Writer) bool { return tt.terminal },
			}
			args := append([]string{"audit", "--no-cache", "--trusted-root", root, "demo==1.0"}, tt.extra...)
			if code := runApp(context.Background(), a, args); code != exitOK {
				t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
			}
			if got := strings.Contains(stdout.String(), "\x1b["); got != tt.wantColor {
				t.Errorf("ANSI escapes on stdout = %v, want %v:\n%q", got, tt.wantColor, stdout.String())
			}
			if got := strings.Contains(stderr.String(), "checked 1/1 packages"); got != tt.wantProgress {
				t.Errorf("progress on stderr = %v, want %v:\n%q", got, tt.wantProgress, stderr.String())
			}
		})
	}
}

// TestExpandEnv pins pip's ${VAR} expansion for the requirements file's
// --index-url: set variables expand, unset ones and other syntaxes stay.
func TestExpandEnv(t *testing.T) {
	env := map[string]string{"INDEX_TOKEN": "t0k", "HOST": "pypi.example"}
	getenv := func(k string) string { return env[k] }
	for in, want := range map[string]string{
		"https://__token__:${INDEX_TOKEN}@${HOST}/simple": "https://__token__:t0k@pypi.example/simple",
		"https://${UNSET}/simple":                         "https://${UNSET}/simple",
		"https://$HOST/${host}/simple":                    "https://$HOST/${host}/simple",
	} {
		if got := expandEnv(in, getenv); got != want {
			t.Errorf("expandEnv(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOutputFile pins -o FILE: an existing report keeps its permissions, and
// a pipe or device is written in place, never replaced by a regular file.
func TestOutputFile(t *testing.T) {
	sig, err := verifytest.NewSigstore()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	dist := filepath.Join(dir, "demo-1.0.tar.gz")
	content := []byte("sdist bytes")
	sum := sha256.Sum256(content)
	prov, err := sig.Provenance("demo-1.0.tar.gz", hex.EncodeToString(sum[:]), verifytest.Spec{Repository: "acme/demo"})
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{dist: content, dist + ".provenance": prov, filepath.Join(dir, "root.json"): sig.TrustedRootJSON()} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	verifyTo := func(out string) (int, string) {
		var stdout, stderr bytes.Buffer
		a := &app{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }, isTerminal: func(io.Writer) bool { return false }}
		code := runApp(context.Background(), a, []string{"verify", "--no-cache", "-q", "--trusted-root", filepath.Join(dir, "root.json"),
			dist, "--provenance", dist + ".provenance", "--format", "json", "-o", out})
		return code, stderr.String()
	}

	report := filepath.Join(dir, "report.json")
	if err := os.WriteFile(report, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if code, stderr := verifyTo(report); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	st, err := os.Stat(report)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("report mode = %v, want the existing -rw-r-----", st.Mode().Perm())
	}
	if b, _ := os.ReadFile(report); !bytes.Contains(b, []byte(`"evidence": "verified"`)) {
		t.Errorf("report not written:\n%s", b)
	}

	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no fifo here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo) // blocks until pyverify opens the fifo for writing
		got <- b
	}()
	if code, stderr := verifyTo(fifo); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if b := <-got; !bytes.Contains(b, []byte(`"evidence": "verified"`)) {
		t.Errorf("fifo got:\n%s", b)
	}
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the fifo was replaced: %v %v", st.Mode(), err)
	}
}
