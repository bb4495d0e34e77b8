//go:build !unix

package pypi

import "os"

// openFlags opens a cache entry for reading; elsewhere than unix the Lstat
// check before the open is the only guard.
const openFlags = os.O_RDONLY
