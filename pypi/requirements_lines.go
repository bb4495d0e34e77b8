package pypi

import (
	"strings"
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

// logicalLines applies pip's preprocessing: join "\" continuations (the
// result is located at its first line), then strip comments and blanks.
func logicalLines(data []byte) []logicalLine {
	text := strings.TrimPrefix(string(data), "\ufeff")
	physical := strings.Split(text, "\n")
	if len(physical) > 0 && physical[len(physical)-1] == "" {
		physical = physical[:len(physical)-1]
	}
	var joined []logicalLine
	var cur strings.Builder
	start := 0
	for i, l := range physical {
		l = strings.TrimSuffix(l, "\r")
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

// splitArgsOptions is pip's break_args_options: the requirement is the
// tokens before the first one that starts with "-", the options the rest.
func splitArgsOptions(line string) (args, opts string) {
	i := 0
	for i < len(line) {
		// Find the start of the next token.
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i < len(line) && line[i] == '-' {
			return strings.TrimSpace(line[:i]), line[i:]
		}
		for i < len(line) && line[i] != ' ' && line[i] != '\t' {
			i++
		}
	}
	return strings.TrimSpace(line), ""
}
