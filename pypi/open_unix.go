//go:build unix

package pypi

import "syscall"

// openFlags opens a cache entry without following a symlink or blocking on
// a FIFO swapped in after the Lstat check (issue #8: a FIFO hung the run).
const openFlags = syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_NONBLOCK
