package verify

import (
	"crypto/sha256"
	"hash"
	"io"

	"github.com/pyverify/pyverify/pypi"
)

// hashingWriter counts and hashes what is written through it, so that an
// artifact is streamed through sha256 and never held whole (SPEC §4.2).
type hashingWriter struct {
	h hash.Hash
	n int64
}

func newHashingWriter() *hashingWriter { return &hashingWriter{h: sha256.New()} }

func (w *hashingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return w.h.Write(p)
}

// Reset forgets everything written so far. pypi.Client.Download resets its
// writer when a cached copy it streamed proves damaged, then fetches the file
// again, so the copy's bytes are hashed once and never taken for the index's.
func (w *hashingWriter) Reset() {
	w.h.Reset()
	w.n = 0
}

// sum returns the sha256 of everything written so far.
func (w *hashingWriter) sum() pypi.SHA256 { return pypi.SumSHA256(w.h) }

// HashReader streams r through sha256 and returns the digest and the
// number of bytes read. Memory use does not depend on r's length.
func HashReader(r io.Reader) (digest pypi.SHA256, n int64, err error) {
	w := newHashingWriter()
	if _, err := io.Copy(w, r); err != nil {
		return "", w.n, err
	}
	return w.sum(), w.n, nil
}
