//go:build unix

package verify_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/pyverify/pyverify/verify"
)

// TestAuditInstalledFIFO: a FIFO where the RECORD names an installed file
// would block the run forever when opened (until a writer appears); it is
// not a regular file, so it is reported as such and never opened.
func TestAuditInstalledFIFO(t *testing.T) {
	t.Parallel()
	dists := instEnv(t, instWheel, func(sp string) {
		p := filepath.Join(sp, "demo", "data.txt")
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Fatal(err)
		}
	})
	got, _ := instAudit(t, dists)
	if got.Evidence != verify.Failed || len(got.Modified) != 1 || got.Modified[0] != "demo/data.txt" {
		t.Errorf("evidence %s, modified %q; want failed, [demo/data.txt]", got.Evidence, got.Modified)
	}
}
