package pypi

import (
	"encoding/hex"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzDecodeRelease checks that JSON API release decoding never panics, that
// every failure is a *DecodeError naming the document URL, and that every
// decoded file carries what SPEC §4.1 needs: a filename, an absolute http(s)
// URL, a non-negative size and a lowercase hex sha256.
func FuzzDecodeRelease(f *testing.F) {
	AddSeedFiles(f, filepath.Join("testdata", "jsonapi", "*.json"))
	f.Add([]byte(`{"info":{"name":"a","version":"1"},"urls":[]}`))
	f.Add([]byte(`{"info":null,"urls":[null]}`))
	f.Add([]byte(`{"info":{"name":"a","version":"1"},"urls":[{"filename":"a","url":"x","size":-1}]}`))
	const docURL = "https://index.example/pypi/demo/1.0/json"
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := decodeRelease(docURL, data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || de.URL != docURL || !strings.Contains(err.Error(), docURL) {
				t.Fatalf("error is not a *DecodeError naming the URL: %v", err)
			}
			return
		}
		if r.Name == "" || r.Version == "" {
			t.Errorf("decoded release without name or version: %+v", r)
		}
		for _, f := range r.Files {
			if f.Filename == "" || f.Size < 0 {
				t.Errorf("file without filename or with negative size: %+v", f)
			}
			if !strings.HasPrefix(f.URL, "http://") && !strings.HasPrefix(f.URL, "https://") {
				t.Errorf("%s: url %q is not absolute http(s)", f.Filename, f.URL)
			}
			if b, err := hex.DecodeString(string(f.SHA256)); err != nil || len(b) != 32 || strings.ToLower(string(f.SHA256)) != string(f.SHA256) {
				t.Errorf("%s: sha256 %q is not lowercase hex of 32 bytes", f.Filename, f.SHA256)
			}
		}
	})
}
