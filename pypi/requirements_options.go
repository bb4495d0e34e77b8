package pypi

import (
	"errors"
	"fmt"
	"strings"
)

// hashHexLen is the length in hex digits of each digest pip accepts in
// --hash (pip's STRONG_HASHES; the names are case-sensitive there).
var hashHexLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// parseHash checks a --hash value "ALGO:HEX" and returns the algorithm and
// the lower-case hex digest. pip accepts sha256, sha384 and sha512; only
// sha256 is compared, being the digest PyPI publishes and the one pyverify
// recomputes.
func parseHash(v string) (algo, hex string, err error) {
	algo, hex, ok := strings.Cut(v, ":")
	if !ok {
		return "", "", fmt.Errorf("invalid --hash %q: want sha256:HEX", v)
	}
	n, ok := hashHexLen[algo]
	if !ok {
		return "", "", fmt.Errorf("unsupported hash algorithm %q in --hash %q: pip accepts sha256, sha384 and sha512, in lower case", algo, v)
	}
	hex = strings.ToLower(hex)
	if len(hex) != n || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", "", fmt.Errorf("invalid --hash %q: a %s digest is %d hex digits", v, algo, n)
	}
	return algo, hex, nil
}

func appendUnique[T comparable](list []T, s T) []T {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// Option kinds.
const (
	optGlobal         = iota // an option line, returned as an Option
	optRequirement           // -r FILE
	optConstraint            // -c FILE
	optEditable              // -e URL
	optHash                  // --hash on a requirement line
	optPerRequirement        // other options allowed after a requirement
)

type optSpec struct {
	long, short string
	value       bool
	kind        int
}

// reqOptions lists the options pip accepts in requirements files
// (pip/_internal/req/req_file.py SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ,
// pip 26; --global-option is older pip's).
var reqOptions = []optSpec{
	{"--requirement", "-r", true, optRequirement},
	{"--constraint", "-c", true, optConstraint},
	{"--editable", "-e", true, optEditable},
	{"--index-url", "-i", true, optGlobal},
	{"--extra-index-url", "", true, optGlobal},
	{"--no-index", "", false, optGlobal},
	{"--find-links", "-f", true, optGlobal},
	{"--no-binary", "", true, optGlobal},
	{"--only-binary", "", true, optGlobal},
	{"--prefer-binary", "", false, optGlobal},
	{"--require-hashes", "", false, optGlobal},
	{"--no-require-hashes", "", false, optGlobal},
	{"--pre", "", false, optGlobal},
	{"--all-releases", "", true, optGlobal},
	{"--only-final", "", true, optGlobal},
	{"--trusted-host", "", true, optGlobal},
	{"--use-feature", "", true, optGlobal},
	{"--hash", "", true, optHash},
	{"--global-option", "", true, optPerRequirement},
	{"--config-settings", "", true, optPerRequirement},
}

type parsedOption struct {
	spec  optSpec
	value string
}

// lookupLong finds a long option by exact name or, as Python's optparse
// does, by a unique prefix ("--extra-index" for "--extra-index-url").
func lookupLong(name string) (optSpec, error) {
	var found []optSpec
	for _, o := range reqOptions {
		if o.long == name {
			return o, nil
		}
		if strings.HasPrefix(o.long, name) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 0:
		return optSpec{}, fmt.Errorf("unknown option %s", name)
	case 1:
		return found[0], nil
	}
	names := make([]string, len(found))
	for i, o := range found {
		names[i] = o.long
	}
	return optSpec{}, fmt.Errorf("ambiguous option %s (%s)", name, strings.Join(names, ", "))
}

// parseOptions parses option tokens with optparse's rules: "--name=value",
// "--name value", "-xvalue" and "-x value"; other tokens, which optparse
// returns as arguments and pip ignores, are returned in args. An empty
// value is accepted where pip accepts it: for options that are reported,
// not used, except --index-url.
func parseOptions(tokens []string) (out []parsedOption, args []string, err error) {
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		var spec optSpec
		var value string
		hasValue := false
		switch {
		case t == "--":
			// optparse: the end of the options; the rest are arguments.
			return out, append(args, tokens[i+1:]...), nil
		case t == "-":
			return nil, nil, fmt.Errorf("unexpected %q", t)
		case strings.HasPrefix(t, "--"):
			name, v, eq := strings.Cut(t, "=")
			s, err := lookupLong(name)
			if err != nil {
				return nil, nil, err
			}
			spec, value, hasValue = s, v, eq
			if hasValue && !spec.value {
				return nil, nil, fmt.Errorf("option %s takes no value", spec.long)
			}
		case strings.HasPrefix(t, "-"):
			found := false
			for _, o := range reqOptions {
				if o.short != "" && strings.HasPrefix(t, o.short) {
					spec, found = o, true
					break
				}
			}
			if !found {
				return nil, nil, fmt.Errorf("unknown option %s", t)
			}
			if rest := t[len(spec.short):]; rest != "" {
				value, hasValue = rest, true
			}
		default:
			args = append(args, t)
			continue
		}
		if spec.value && !hasValue {
			if i+1 >= len(tokens) {
				return nil, nil, fmt.Errorf("option %s needs a value", spec.long)
			}
			i++
			value = tokens[i]
		}
		if spec.value && value == "" && (spec.kind != optGlobal || spec.long == "--index-url") {
			return nil, nil, fmt.Errorf("option %s needs a value", spec.long)
		}
		out = append(out, parsedOption{spec: spec, value: value})
	}
	return out, args, nil
}

// shellSplit splits s into words like Python's shlex.split (POSIX mode),
// which pip applies to the options of a line: white space separates words,
// single quotes are literal, double quotes allow \" and \\ escapes, and a
// backslash outside quotes escapes the next character.
func shellSplit(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("no closing quotation in options")
			}
			cur.WriteString(s[i+1 : i+1+j])
			i += j + 1
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`", s[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("no closing quotation in options")
			}
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				cur.WriteByte(s[i])
			}
		default:
			inWord = true
			cur.WriteByte(c)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}
