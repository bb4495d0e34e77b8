package pypi

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Marker is a parsed PEP 508 environment marker, such as
// `python_version >= "3.9" and sys_platform != "win32"`. Build it with
// ParseMarker; the zero Marker is empty and always true.
type Marker struct {
	root *markerNode
}

// markerNode is an "and"/"or" of two nodes, or a comparison.
type markerNode struct {
	bool        string // "and", "or", or "" for a comparison
	left, right *markerNode
	lhs, rhs    markerOperand
	op          string // "==", "<", …, "in", "not in"
}

// markerOperand is an environment variable (canonical name, as in
// Environment) or a string literal.
type markerOperand struct {
	variable string
	value    string
}

// Environment holds the value of every PEP 508 marker variable for one
// target, as packaging.markers.default_environment() reports them for a
// running interpreter.
type Environment struct {
	ImplementationName           string // "cpython"
	ImplementationVersion        string // "3.12.4"
	OSName                       string // "posix", "nt"
	PlatformMachine              string // "x86_64", "arm64", "AMD64"
	PlatformRelease              string // "6.8.0"
	PlatformSystem               string // "Linux", "Darwin", "Windows"
	PlatformVersion              string // "#1 SMP …"
	PythonFullVersion            string // "3.12.4"
	PlatformPythonImplementation string // "CPython" (also python_implementation)
	PythonVersion                string // "3.12"
	SysPlatform                  string // "linux", "darwin", "win32"
	// Extra is the value of the "extra" variable: the extra a core
	// metadata dependency is evaluated for ("" for none). Compared after
	// PEP 503 normalisation (PEP 685).
	Extra string
	// Extras and DependencyGroups are the sets behind PEP 751's "extras"
	// and "dependency_groups" variables (lock files), used with "in" and
	// "not in" only.
	Extras           []string
	DependencyGroups []string
}

// lookup returns the value of a variable that is a string.
func (e Environment) lookup(variable string) string {
	switch variable {
	case "implementation_name":
		return e.ImplementationName
	case "implementation_version":
		return e.ImplementationVersion
	case "os_name":
		return e.OSName
	case "platform_machine":
		return e.PlatformMachine
	case "platform_release":
		return e.PlatformRelease
	case "platform_system":
		return e.PlatformSystem
	case "platform_version":
		return e.PlatformVersion
	case "python_full_version":
		// As packaging: an untagged build's "3.13.0+" is made PEP 440.
		if strings.HasSuffix(e.PythonFullVersion, "+") {
			return e.PythonFullVersion + "local"
		}
		return e.PythonFullVersion
	case "platform_python_implementation":
		return e.PlatformPythonImplementation
	case "python_version":
		return e.PythonVersion
	case "sys_platform":
		return e.SysPlatform
	case "extra":
		return NormalizeName(e.Extra)
	}
	return ""
}

// markerVariables maps every spelling the PEP 508 grammar (and packaging)
// accepts to its canonical name: the dotted forms are PEP 345 legacy, and
// python_implementation is setuptools' alias.
var markerVariables = map[string]string{
	"python_version":                 "python_version",
	"python_full_version":            "python_full_version",
	"os_name":                        "os_name",
	"os.name":                        "os_name",
	"sys_platform":                   "sys_platform",
	"sys.platform":                   "sys_platform",
	"platform_release":               "platform_release",
	"platform_system":                "platform_system",
	"platform_version":               "platform_version",
	"platform.version":               "platform_version",
	"platform_machine":               "platform_machine",
	"platform.machine":               "platform_machine",
	"platform_python_implementation": "platform_python_implementation",
	"platform.python_implementation": "platform_python_implementation",
	"python_implementation":          "platform_python_implementation",
	"implementation_name":            "implementation_name",
	"implementation_version":         "implementation_version",
	"extra":                          "extra",
	"extras":                         "extras",
	"dependency_groups":              "dependency_groups",
}

// markerVersionVariables are compared as PEP 440 versions when the other
// side and the operator form a valid specifier (packaging's
// MARKERS_REQUIRING_VERSION).
var markerVersionVariables = []string{"implementation_version", "platform_release", "python_full_version", "python_version"}

// markerSetVariables are PEP 751's set-valued variables.
var markerSetVariables = []string{"extras", "dependency_groups"}

// ParseMarker parses a PEP 508 environment marker with packaging's grammar:
//
//	marker      = atom (("and" | "or") atom)*      ("and" binds tighter)
//	atom        = "(" marker ")" | operand op operand
//	op          = "===" | "==" | "~=" | "!=" | "<=" | ">=" | "<" | ">" | "in" | "not" "in"
//	operand     = variable | '…' | "…"              (Python string literals)
//
// with spaces and tabs allowed between tokens. Comparisons that packaging
// parses but can never evaluate are errors too, since pip then fails
// whatever the target: two literals or two variables, "extras" or
// "dependency_groups" other than as the right side of "in"/"not in", and
// "~=" or "===" where a version comparison is not certain (a variable that
// is not a version, a literal that is not a valid specifier version, or
// the variable on the right). The error says
// what was expected and where (a 1-based column).
func ParseMarker(s string) (Marker, error) {
	p := &markerParser{src: s}
	n, err := p.expr()
	if err == nil {
		p.space()
		if p.pos < len(p.src) {
			err = p.errorf("expected \"and\", \"or\" or the end of the marker")
		}
	}
	if err != nil {
		return Marker{}, fmt.Errorf("invalid marker %q: %w", s, err)
	}
	return Marker{root: n}, nil
}

// IsEmpty reports whether m has no condition (it is always true).
func (m Marker) IsEmpty() bool { return m.root == nil }

// Evaluate reports whether m holds in env (PEP 508 "Environment Markers",
// as packaging evaluates them): a comparison of a version variable
// (python_version, python_full_version, implementation_version,
// platform_release) is a PEP 440 specifier test when "OP VALUE" is a valid
// specifier, pre-releases allowed; anything else compares strings, where
// "<" and ">" are always false and "<=" and ">=" mean equality, and "in" is
// a substring test (set membership for extras and dependency_groups).
// Extra names are compared after PEP 503 normalisation (PEP 685).
func (m Marker) Evaluate(env Environment) bool {
	if m.root == nil {
		return true
	}
	return m.root.eval(env)
}

// EvaluateExtras reports whether m holds in env for a requirement asked
// for with extras, the way pip evaluates a dependency's marker: with
// "extra" set to "" and then to each of extras in turn, true if any holds.
func (m Marker) EvaluateExtras(env Environment, extras []string) bool {
	env.Extra = ""
	if m.Evaluate(env) {
		return true
	}
	for _, x := range extras {
		env.Extra = x
		if m.Evaluate(env) {
			return true
		}
	}
	return false
}

// String returns the marker in packaging's normal form: comparisons as
// `variable op "value"`, one space around operators and booleans,
// parentheses only where "or" sits inside "and".
func (m Marker) String() string {
	if m.root == nil {
		return ""
	}
	return m.root.String()
}

// Equal reports whether m and o print the same (for go-cmp).
func (m Marker) Equal(o Marker) bool { return m.String() == o.String() }

func (n *markerNode) String() string {
	if n.bool == "" {
		return n.lhs.String() + " " + n.op + " " + n.rhs.String()
	}
	side := func(c *markerNode) string {
		if n.bool == "and" && c.bool == "or" {
			return "(" + c.String() + ")"
		}
		return c.String()
	}
	return side(n.left) + " " + n.bool + " " + side(n.right)
}

func (o markerOperand) String() string {
	if o.variable != "" {
		return o.variable
	}
	q := `"`
	if strings.Contains(o.value, `"`) && !strings.Contains(o.value, "'") {
		q = "'"
	}
	// Escaped as a Python literal the grammar can delimit (a quoted
	// string never contains its quote), so that the normal form parses
	// back to the same value.
	esc := strings.NewReplacer(`\`, `\\`, q, fmt.Sprintf(`\x%02x`, q[0]))
	return q + esc.Replace(o.value) + q
}

func (n *markerNode) eval(env Environment) bool {
	switch n.bool {
	case "and":
		return n.left.eval(env) && n.right.eval(env)
	case "or":
		return n.left.eval(env) || n.right.eval(env)
	}
	key := n.lhs.variable
	if key == "" {
		key = n.rhs.variable
	}
	if slices.Contains(markerSetVariables, key) {
		set := env.Extras
		if key == "dependency_groups" {
			set = env.DependencyGroups
		}
		in := slices.ContainsFunc(set, func(x string) bool { return NormalizeName(x) == n.lhs.value })
		return in == (n.op == "in")
	}
	lhs, rhs := n.lhs.value, n.rhs.value
	if n.lhs.variable != "" {
		lhs = env.lookup(n.lhs.variable)
	} else {
		rhs = env.lookup(n.rhs.variable)
	}
	if slices.Contains(markerVersionVariables, key) {
		if sp, err := parseSpecifier(n.op + rhs); err == nil {
			if sp.op == "===" {
				return strings.EqualFold(strings.TrimSpace(lhs), sp.raw)
			}
			v, err := ParseVersion(lhs)
			return err == nil && sp.contains(v, lhs)
		}
	}
	switch n.op {
	case "in":
		return strings.Contains(rhs, lhs)
	case "not in":
		return !strings.Contains(rhs, lhs)
	case "==", "<=", ">=":
		return lhs == rhs
	case "!=":
		return lhs != rhs
	}
	// "<" and ">" on strings are false, as in packaging; "~=" and "==="
	// cannot reach here (ParseMarker refuses them).
	return false
}

type markerParser struct {
	src string
	pos int
}

func (p *markerParser) errorf(format string, args ...any) error {
	return fmt.Errorf("column %d: %s", p.pos+1, fmt.Sprintf(format, args...))
}

// space skips PEP 508's white space: spaces and tabs.
func (p *markerParser) space() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
		p.pos++
	}
}

// word reports whether the keyword w starts at the current position as a
// whole word (packaging's \bw\b), and consumes it if so.
func (p *markerParser) word(w string) bool {
	if !strings.HasPrefix(p.src[p.pos:], w) {
		return false
	}
	end := p.pos + len(w)
	if end < len(p.src) && isWordByte(p.src[end]) {
		return false
	}
	if p.pos > 0 && isWordByte(p.src[p.pos-1]) {
		return false
	}
	p.pos = end
	return true
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf
}

// expr parses atoms joined by "or" over "and" ("and" binds tighter, as
// packaging evaluates its flat lists).
func (p *markerParser) expr() (*markerNode, error) {
	left, err := p.and()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if !p.word("or") {
			return left, nil
		}
		right, err := p.and()
		if err != nil {
			return nil, err
		}
		left = &markerNode{bool: "or", left: left, right: right}
	}
}

func (p *markerParser) and() (*markerNode, error) {
	left, err := p.atom()
	if err != nil {
		return nil, err
	}
	for {
		p.space()
		if !p.word("and") {
			return left, nil
		}
		right, err := p.atom()
		if err != nil {
			return nil, err
		}
		left = &markerNode{bool: "and", left: left, right: right}
	}
}

func (p *markerParser) atom() (*markerNode, error) {
	p.space()
	if p.pos < len(p.src) && p.src[p.pos] == '(' {
		open := p.pos
		p.pos++
		n, err := p.expr()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ')' {
			return nil, p.errorf("expected \")\" to close the \"(\" at column %d", open+1)
		}
		p.pos++
		return n, nil
	}
	return p.comparison()
}

func (p *markerParser) comparison() (*markerNode, error) {
	start := p.pos
	lhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.space()
	op, err := p.operator()
	if err != nil {
		return nil, err
	}
	p.space()
	rhs, err := p.operand()
	if err != nil {
		return nil, err
	}
	n := &markerNode{lhs: lhs, op: op, rhs: rhs}
	if err := n.check(); err != nil {
		return nil, fmt.Errorf("column %d: %w", start+1, err)
	}
	// PEP 685: extra names are normalised where they are written.
	switch {
	case lhs.variable == "extra" && rhs.variable == "":
		n.rhs.value = NormalizeName(rhs.value)
	case rhs.variable == "extra" && lhs.variable == "",
		slices.Contains(markerSetVariables, rhs.variable):
		n.lhs.value = NormalizeName(lhs.value)
	}
	return n, nil
}

// check refuses the comparisons packaging parses but cannot evaluate.
func (n *markerNode) check() error {
	l, r := n.lhs.variable, n.rhs.variable
	switch {
	case l == "" && r == "":
		return fmt.Errorf("%s %s %s compares two strings: one side must be a marker variable", n.lhs, n.op, n.rhs)
	case l != "" && r != "":
		return fmt.Errorf("%s %s %s compares two variables: one side must be a quoted string", l, n.op, r)
	case slices.Contains(markerSetVariables, l):
		return fmt.Errorf("%s is a set: write '\"NAME\" in %s'", l, l)
	case slices.Contains(markerSetVariables, r) && n.op != "in" && n.op != "not in":
		return fmt.Errorf("%s is a set: only \"in\" and \"not in\" apply to it", r)
	case n.op == "~=" || n.op == "===":
		key, other := l, n.rhs.value
		if key == "" {
			key = r
		}
		if !slices.Contains(markerVersionVariables, key) {
			return fmt.Errorf("%s applies to versions; %s is not one", n.op, key)
		}
		// On the right, the variable's value would be the specifier's
		// version, which packaging cannot always compare ("~=10"): write
		// the variable first.
		if l == "" {
			return fmt.Errorf("%s %s %s: write the variable on the left of %s", n.lhs, n.op, r, n.op)
		}
		if _, err := parseSpecifier(n.op + other); err != nil {
			return fmt.Errorf("%s %s %s: %w", l, n.op, n.rhs, err)
		}
	}
	return nil
}

var markerOps = []string{"===", "==", "~=", "!=", "<=", ">=", "<", ">"}

func (p *markerParser) operator() (string, error) {
	if p.word("in") {
		return "in", nil
	}
	save := p.pos
	if p.word("not") {
		if p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t') {
			p.space()
			if p.word("in") {
				return "not in", nil
			}
		}
		p.pos = save
		return "", p.errorf("expected \"in\" after \"not\"")
	}
	for _, op := range markerOps {
		if strings.HasPrefix(p.src[p.pos:], op) {
			p.pos += len(op)
			return op, nil
		}
	}
	return "", p.errorf("expected a marker operator (<=, <, !=, ==, >=, >, ~=, ===, in, not in)")
}

// operand reads a marker variable or a quoted string.
func (p *markerParser) operand() (markerOperand, error) {
	if p.pos < len(p.src) && (p.src[p.pos] == '\'' || p.src[p.pos] == '"') {
		q := p.src[p.pos]
		end := strings.IndexByte(p.src[p.pos+1:], q)
		if end < 0 {
			return markerOperand{}, p.errorf("unterminated string")
		}
		raw := p.src[p.pos+1 : p.pos+1+end]
		v, err := unquotePython(raw)
		if err != nil {
			return markerOperand{}, p.errorf("invalid quoted string %c%s%c: %v", q, raw, q, err)
		}
		p.pos += end + 2
		return markerOperand{value: v}, nil
	}
	// The longest variable spelling that ends at a word boundary.
	best := ""
	for name := range markerVariables {
		if len(name) > len(best) && strings.HasPrefix(p.src[p.pos:], name) &&
			(p.pos+len(name) == len(p.src) || !isWordByte(p.src[p.pos+len(name)])) {
			best = name
		}
	}
	if best == "" || p.pos > 0 && isWordByte(p.src[p.pos-1]) {
		return markerOperand{}, p.errorf("expected a marker variable (python_version, sys_platform, …) or a quoted string")
	}
	p.pos += len(best)
	return markerOperand{variable: markerVariables[best]}, nil
}

// unquotePython decodes the body of a Python string literal, as packaging does with ast.literal_eval: backslash escapes are
// interpreted, an unknown escape is kept as written, and a backslash that
// would escape the closing quote leaves the string unterminated.
func unquotePython(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", errors.New("a backslash escapes the closing quote")
		}
		i++
		switch e := s[i]; e {
		case '\\', '\'', '"':
			b.WriteByte(e)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+1+n > len(s) {
				return "", fmt.Errorf("truncated \\%c escape", e)
			}
			r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if err != nil || r > utf8.MaxRune {
				return "", fmt.Errorf("invalid \\%c escape", e)
			}
			b.WriteRune(rune(r))
			i += n
		case 'N':
			return "", errors.New(`\N{…} escapes are not supported`)
		default:
			if e >= '0' && e <= '7' {
				j := i
				for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
					j++
				}
				r, _ := strconv.ParseUint(s[i:j], 8, 32)
				b.WriteRune(rune(r))
				i = j - 1
				continue
			}
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	return b.String(), nil
}
