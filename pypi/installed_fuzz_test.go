package pypi_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

// FuzzParseRecord: a RECORD either parses into rows that are relative,
// unique, located and hashed with a known algorithm, or fails with a
// position.
func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(goodRecord))
	f.Add([]byte("a.py,sha512=" + strings.Repeat("A", 86) + ",12\r\n\"b,c.py\",,\n"))
	f.Add([]byte("a.py,,\n\"multi\nline\",,\n/abs,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := pypi.ParseRecord("RECORD", strings.NewReader(string(data)))
		if err != nil {
			var pe *pypi.ParseError
			if !errors.As(err, &pe) || pe.File != "RECORD" || pe.Line < 1 {
				t.Fatalf("error without FILE:LINE: %v", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range es {
			if e.Path == "" || strings.HasPrefix(e.Path, "/") || seen[e.Path] {
				t.Errorf("row %+v: empty, absolute or repeated path", e)
			}
			seen[e.Path] = true
			if e.Line < 1 {
				t.Errorf("row %q has no line", e.Path)
			}
			if (e.Algorithm == "") != (e.NewHash() == nil) || e.Algorithm != "" && len(e.Digest) != e.NewHash().Size() {
				t.Errorf("row %q: algorithm %q with a %d-byte digest", e.Path, e.Algorithm, len(e.Digest))
			}
		}
	})
}
