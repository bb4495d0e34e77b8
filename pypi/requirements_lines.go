package pypi

import (
	"strings"
	"unicode/utf8"
)

// logicalLine is a line after joining continuations and removing comments.
type logicalLine struct {
	line int // first physical line, 1-based
	text string
}

// commentStart returns the index where a comment starts in s (pip's
// COMMENT_RE "(^|\s+)#.*$": a "#" at the start or after white space, so a
// URL fragment like "#egg=" or "#sha256=" is not a comment), or -1.
func commentStart(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] != '#' {
			continue
		}
		if i == 0 {
			return 0
		}
		if isSpace(s[i-1]) {
			j := i
			for j > 0 && isSpace(s[j-1]) {
				j--
			}
			return j
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == '\r' }

// isCommentLine is pip's COMMENT_RE.match: the line is only white space and
// a comment. Such a line never continues onto the next one.
func isCommentLine(s string) bool {
	i := 0
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i < len(s) && s[i] == '#'
}

// splitLines is Python's str.splitlines, with which pip splits a file into
// lines: "\n", "\r\n" and a lone "\r" end a line, and so do "\v", "\f",
// the separators U+001C–U+001E, U+0085, U+2028 and U+2029. Line numbers
// follow it, as pip's do.
func splitLines(text string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '\n', '\r', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			lines = append(lines, text[start:i])
			i += size
			if r == '\r' && i < len(text) && text[i] == '\n' {
				i++
			}
			start = i
			continue
		}
		i += size
	}
	if start < len(text) {
		lines = append(lines, text[start:])
	}
	return lines
}

// logicalLines applies pip's preprocessing: join "\" continuations (the
// result is located at its first line), then strip comments and blanks.
func logicalLines(data []byte) []logicalLine {
	text := strings.TrimPrefix(string(data), "\ufeff")
	physical := splitLines(text)
	var joined []logicalLine
	var cur strings.Builder
	start := 0
	for i, l := range physical {
		n := i + 1
		if !strings.HasSuffix(l, `\`) || isCommentLine(l) {
			if isCommentLine(l) {
				l = " " + l // as pip: the comment is then removed below
			}
			if cur.Len() > 0 || start != 0 {
				cur.WriteString(l)
				joined = append(joined, logicalLine{start, cur.String()})
				cur.Reset()
				start = 0
			} else {
				joined = append(joined, logicalLine{n, l})
			}
			continue
		}
		if start == 0 {
			start = n
		}
		cur.WriteString(strings.TrimSuffix(l, `\`))
	}
	if start != 0 {
		joined = append(joined, logicalLine{start, cur.String()})
	}
	var out []logicalLine
	for _, ll := range joined {
		if i := commentStart(ll.text); i >= 0 {
			ll.text = ll.text[:i]
		}
		ll.text = strings.TrimSpace(ll.text)
		if ll.text != "" {
			out = append(out, ll)
		}
	}
	return out
}

// splitArgsOptions is pip's break_args_options: the line is split at
// spaces (not tabs), the requirement is the tokens before the first one
// that starts with "-", the options the rest.
func splitArgsOptions(line string) (args, opts string) {
	i := 0
	for i < len(line) {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i < len(line) && line[i] == '-' {
			return strings.TrimSpace(line[:i]), line[i:]
		}
		for i < len(line) && line[i] != ' ' {
			i++
		}
	}
	return strings.TrimSpace(line), ""
}
