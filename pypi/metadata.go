package pypi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// CoreMetadata is what the dependency closure (issue #11) reads from a
// distribution's METADATA file (core metadata, RFC 822 style headers).
type CoreMetadata struct {
	Name           string
	Version        string
	RequiresPython string
	// RequiresDist are the Requires-Dist values in file order, each a
	// PEP 508 requirement that may carry a marker (extra == "socks").
	RequiresDist []string
}

// ParseCoreMetadata reads the headers of a METADATA file: "Name: value"
// lines, continuation lines starting with a space or tab, up to the first
// empty line (the description follows). name is the file the data came
// from, for messages. A line that is neither a header nor a continuation
// is an error naming its line, since a reader that skipped it could miss
// a Requires-Dist.
func ParseCoreMetadata(name string, data []byte) (*CoreMetadata, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("%s: not UTF-8", name)
	}
	var (
		md     CoreMetadata
		key    string
		val    strings.Builder
		header bool
	)
	flush := func() {
		if !header {
			return
		}
		v := strings.TrimSpace(val.String())
		switch strings.ToLower(key) {
		case "name":
			md.Name = v
		case "version":
			md.Version = v
		case "requires-python":
			md.RequiresPython = v
		case "requires-dist":
			md.RequiresDist = append(md.RequiresDist, v)
		}
		header = false
		val.Reset()
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	for i, line := range strings.Split(text, "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			flush()
			return &md, nil // the body (description) starts here
		case line[0] == ' ' || line[0] == '\t':
			if !header {
				return nil, fmt.Errorf("%s:%d: continuation line without a header", name, i+1)
			}
			val.WriteByte(' ')
			val.WriteString(strings.TrimSpace(line))
		default:
			flush()
			k, v, ok := strings.Cut(line, ":")
			if !ok || k == "" || strings.ContainsAny(k, " \t") {
				return nil, fmt.Errorf("%s:%d: not a header line: %q", name, i+1, line)
			}
			key, header = k, true
			val.WriteString(v)
		}
	}
	flush()
	return &md, nil
}

// MaxCoreMetadataSize bounds a PEP 658 metadata file. Real ones are a few
// KiB to a few hundred (the description is included).
const MaxCoreMetadataSize = 4 << 20

// ErrMetadataDigest reports a metadata file whose bytes do not hash to the
// digest the index announced.
var ErrMetadataDigest = errors.New("metadata digest mismatch")

// CoreMetadata fetches the PEP 658 metadata file of f (f.URL + ".metadata")
// and checks it against the sha256 the index announced, if any. It is
// ErrNotFound when the index does not announce one (f.CoreMetadata false)
// or answers 404, ErrTooLarge beyond MaxCoreMetadataSize, and
// ErrMetadataDigest when the bytes do not match.
func (c *Client) CoreMetadata(ctx context.Context, f File) ([]byte, error) {
	if !f.CoreMetadata {
		return nil, fmt.Errorf("%s: the index serves no metadata file: %w", f.Filename, ErrNotFound)
	}
	u := f.URL + ".metadata"
	var out []byte
	err := c.metadata(ctx, u, MaxCoreMetadataSize, ErrNotFound,
		func(cond *docMeta) (docAnswer, error) {
			ans, err := c.getDoc(ctx, u, "", MaxCoreMetadataSize, cond)
			if isNotFound(err) {
				return ans, fmt.Errorf("%w: %w", ErrNotFound, err)
			}
			return ans, err
		},
		func(data []byte, _ bool) error {
			if f.CoreMetadataSHA256 != "" {
				sum := sha256.Sum256(data)
				if got := SHA256(hex.EncodeToString(sum[:])); got != f.CoreMetadataSHA256 {
					return fmt.Errorf("%s: hashes to sha256:%s, but the index announced sha256:%s: %w", u, got, f.CoreMetadataSHA256, ErrMetadataDigest)
				}
			}
			out = bytes.Clone(data)
			return nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}
