package pypi

import (
	"encoding/hex"
	"fmt"
	"hash"
)

// SHA256 is a sha256 digest as 64 lower-case hex digits: the form PyPI's
// JSON API and simple pages publish, pip's --hash and PEP 751 lock files
// pin, and the artifact cache names its entries by. It is parsed once, by
// ParseSHA256, where a digest enters pyverify (an index document, a
// requirements or lock file); the zero value "" means "none given". The
// rest of the code compares and prints it without validating it again.
type SHA256 string

// ParseSHA256 returns s as a SHA256 if it is exactly 64 lower-case hex
// digits. Callers that accept upper case (pip, the JSON API) lower it first.
func ParseSHA256(s string) (SHA256, error) {
	d := SHA256(s)
	if !d.Valid() {
		return "", fmt.Errorf("malformed sha256 digest %q: want 64 lower-case hex digits", s)
	}
	return d, nil
}

// SumSHA256 is the digest h (a sha256.New) has computed.
func SumSHA256(h hash.Hash) SHA256 {
	return SHA256(hex.EncodeToString(h.Sum(nil)))
}

// Valid reports whether d is 64 lower-case hex digits. A value from
// ParseSHA256 always is; the zero value and one built by conversion (a test
// fake, a client of another package's interface) may not be, and what names
// a file after the digest, or compares a signed subject with it, checks.
func (d SHA256) Valid() bool {
	if len(d) != 64 {
		return false
	}
	for i := 0; i < len(d); i++ {
		if c := d[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// String returns the digest's hex digits.
func (d SHA256) String() string { return string(d) }
