package pypi_test

import (
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

func TestParseSHA256(t *testing.T) {
	t.Parallel()
	abc := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // sha256("abc")
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"lower-case hex", abc, true},
		{"empty", "", false},
		{"upper case", strings.ToUpper(abc), false},
		{"one digit short", abc[:63], false},
		{"one digit long", abc + "0", false},
		{"not hex", "g" + abc[1:], false},
		{"path", "../" + abc[3:], false},
		{"sha384 length", strings.Repeat("a", 96), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := pypi.ParseSHA256(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("ParseSHA256(%q) = %q, %v; want ok=%v", tt.in, d, err, tt.ok)
			}
			if d.Valid() != tt.ok || pypi.SHA256(tt.in).Valid() != tt.ok {
				t.Errorf("Valid disagrees with ParseSHA256 for %q", tt.in)
			}
			if tt.ok && string(d) != tt.in || !tt.ok && d != "" {
				t.Errorf("ParseSHA256(%q) = %q", tt.in, d)
			}
			if err != nil && !strings.Contains(err.Error(), tt.in) {
				t.Errorf("error %q does not quote the input", err)
			}
		})
	}
	h := sha256.New()
	h.Write([]byte("abc"))
	if got := pypi.SumSHA256(h); string(got) != abc || !got.Valid() {
		t.Errorf("SumSHA256(abc) = %q, want %s", got, abc)
	}
}
