//go:build unix

package pypi_test

import (
	"syscall"
	"testing"
)

// TestCacheFIFOEntry pins issue #8: a FIFO in the cache hung the run beyond
// Ctrl-C (opening it blocks until a writer appears). It is damaged, like
// any entry that is not a regular file, and never opened.
func TestCacheFIFOEntry(t *testing.T) {
	t.Parallel()
	testNonRegularEntry(t, func(t *testing.T, entry string) {
		if err := syscall.Mkfifo(entry, 0o600); err != nil {
			t.Fatal(err)
		}
	})
}
