//go:build unix

package verify

import (
	"io/fs"
	"os"
	"syscall"
)

// ownedByUs reports whether this user owns the file st describes.
func ownedByUs(st fs.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}
