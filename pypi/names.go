package pypi

import "strings"

// NormalizeName returns the PEP 503 normalised form of a project name: lower
// case, with every run of "-", "_" and "." replaced by a single "-". Project
// names are compared after this normalisation (SPEC §3), so "Demo_Pkg",
// "demo.pkg" and "demo-pkg" are the same project. NormalizeName is idempotent
// and accepts any string; use ValidName to reject names PEP 508 does not allow.
func NormalizeName(name string) string {
	name = strings.ToLower(name)
	var b strings.Builder
	b.Grow(len(name))
	inRun := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '-' || c == '_' || c == '.' {
			if !inRun {
				b.WriteByte('-')
			}
			inRun = true
			continue
		}
		inRun = false
		b.WriteByte(c)
	}
	return b.String()
}

// ValidName reports whether name is a valid project name under PEP 508:
// ASCII letters and digits, with ".", "_" and "-" allowed only between them
// (the regular expression ^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$,
// case-insensitive).
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case isASCIIAlnum(c):
		case c == '.' || c == '_' || c == '-':
			if i == 0 || i == len(name)-1 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

func isASCIIAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }
