//go:build unix

package pypi_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

// TestReadEnvironmentFIFO: a FIFO in place of a dist-info file would block
// the run forever when opened; it is an input error naming the file.
func TestReadEnvironmentFIFO(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"METADATA", "WHEEL", "RECORD", "direct_url.json"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			for rel, data := range venv(nil) {
				p := filepath.Join(root, filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p := filepath.Join(root, "lib/python3.11/site-packages/demo_pkg-1.0.dist-info", name)
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := pypi.ReadEnvironment(os.DirFS(root), "v")
			if err == nil || !strings.Contains(err.Error(), name+": not a regular file") {
				t.Errorf("ReadEnvironment = %v, want an error naming %s as not a regular file", err, name)
			}
		})
	}
}
