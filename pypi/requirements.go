package pypi

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxRequirementsFileSize bounds how much of one requirements file is read.
// Real lock files are well under a megabyte; a larger file is refused rather
// than truncated (no silent failure).
const maxRequirementsFileSize = 16 << 20

// maxIncludeDepth bounds chains of -r/-c includes. Cycles are caught by
// name, but names that differ can still loop through symbolic links.
const maxIncludeDepth = 64

// Reasons a Requirement cannot be checked against the index (SPEC §3: such
// requirements are reported as unsupported-requirement, never dropped).
const (
	// UnsupportedEditable is an editable install ("-e PATH-OR-URL").
	UnsupportedEditable = "editable requirement"
	// UnsupportedVCS is a version-control URL ("git+https://…").
	UnsupportedVCS = "VCS requirement"
	// UnsupportedURL is a direct URL ("https://…/x.whl", "name @ https://…").
	UnsupportedURL = "direct URL requirement"
	// UnsupportedPath is a local directory or archive ("./dir", "x.whl", "file:…").
	UnsupportedPath = "local path requirement"
)

// RequirementsFile is the result of parsing a pip requirements file and the
// files it includes (SPEC §3).
type RequirementsFile struct {
	// Requirements are the requirements of the file and of the files it
	// includes with -r, in the order read.
	Requirements []Requirement
	// Constraints are the requirements read from -c files (and files they
	// include), which restrict versions without asking for installation.
	Constraints []Requirement
	// Options are the recognised option lines (-i, --extra-index-url, -f,
	// --pre, …), reported rather than acted on; -r, -c and -e are not
	// options here: they become includes and requirements.
	Options []Option
}

// Requirement is one requirement as written in a requirements file or on
// the command line.
type Requirement struct {
	// Name is the project name as written (compare with NormalizeName). It
	// is empty for URL and path requirements that do not say their name.
	Name string
	// Extras are the extras as written ("security" in "requests[security]").
	Extras []string
	// Specifier is the parsed version specifier; empty when none is given.
	Specifier SpecifierSet
	// Spec is the version specifier as written, without parentheses.
	Spec string
	// Marker is the PEP 508 environment marker after ";", verbatim. Markers
	// are kept and shown, not evaluated (SPEC §3).
	Marker string
	// Hashes are the sha256 digests from --hash options, lower-case hex
	// without the "sha256:" prefix, duplicates removed.
	Hashes []string
	// URL is the URL or path of a URL, VCS, path or editable requirement.
	URL string
	// Unsupported says why the requirement cannot be checked against the
	// index (one of the Unsupported* constants), or is "" if it can.
	Unsupported string
	// File and Line locate the requirement: the file name as passed to
	// ParseRequirements (joined with include paths) and the first physical
	// line of the logical line. Both are zero for ParseRequirement.
	File string
	Line int
	// Text is the requirement as written, without options and hashes, and
	// with the credentials of any URL in it redacted (RedactURL): it is what
	// reports show. URL keeps the URL as written.
	Text string
	// AttestationIdentities are the Trusted Publishers a PEP 751 lock file
	// expects to have attested the package ([[packages.attestation-identities]]);
	// empty for pip requirements.
	AttestationIdentities []AttestationIdentity
}

// AttestationIdentity is one PEP 751 attestation identity: a Trusted
// Publisher as PyPI serialises it in provenance (kind, and as the kind has
// them repository, workflow, environment, email). Empty fields are not
// constrained.
type AttestationIdentity struct {
	Kind        string // "GitHub", "GitLab", "Google", …
	Repository  string
	Workflow    string // GitHub workflow file name; GitLab workflow_filepath
	Environment string
	Email       string
}

// Pinned returns the version r pins and true if r can be checked against
// the index and its specifier is a single "==X" (without wildcard) or
// "===X" (SPEC §3; see SpecifierSet.Pinned).
func (r Requirement) Pinned() (version string, ok bool) {
	if r.Unsupported != "" {
		return "", false
	}
	return r.Specifier.Pinned()
}

// Source returns "FILE:LINE" for a requirement read from a file, or
// "command line" for one given as an argument (SPEC §3: every problem in an
// input file names FILE:LINE).
func (r Requirement) Source() string {
	if r.File == "" {
		return "command line"
	}
	return fmt.Sprintf("%s:%d", r.File, r.Line)
}

// Option is a recognised pip option line, such as "--index-url URL".
type Option struct {
	// Name is the option's long form with its dashes: "--index-url",
	// "--extra-index-url", "--find-links", "--pre", ….
	Name string
	// Value is the option's argument, or "" for a flag.
	Value string
	// File and Line locate the option.
	File string
	Line int
}

// ParseError is a problem at a line of a requirements file. It formats like
// go/scanner errors: `requirements.txt:7: invalid specifier "==1.0 and"`.
type ParseError struct {
	// File is the file's name as passed to ParseRequirements or joined from
	// an include; Line is 1-based (the first line of a continued line).
	File string
	Line int
	// Msg says what is wrong, without the position.
	Msg string
	// Err is the underlying cause, if any (for example fs.ErrNotExist for a
	// missing include); Msg already includes its text.
	Err error
}

// Error formats e as "FILE:LINE: MSG".
func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Unwrap returns the underlying cause, so errors.Is(err, fs.ErrNotExist)
// works for a missing include.
func (e *ParseError) Unwrap() error { return e.Err }

// ParseErrors lists every bad line when more than one line of the input is
// wrong, so that a user can fix them all at once. errors.As finds the first
// *ParseError in it.
type ParseErrors []*ParseError

// Error formats every error on its own line, in input order.
func (es ParseErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap returns the individual errors.
func (es ParseErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// ParseRequirements parses the pip requirements file name in fsys and the
// files it includes, following pip's syntax (SPEC §3): "#" comments at the
// start of a line or after white space; blank lines; "\" continuations
// (a logical line is located at its first physical line); requirements
// "name[extra,…] specifier ; marker" with --hash=sha256:… options (also
// "--hash sha256:…", repeatable); -r/--requirement and -c/--constraint
// includes, relative to the including file, where a cycle is an error
// naming the chain; pip's option lines, which are returned; and URL, VCS,
// editable and local-path requirements, which are returned as unsupported.
// Unknown options are an error. Environment variables (${VAR}) are not
// expanded. Files are UTF-8, or UTF-16/UTF-32 with a byte-order mark as pip
// decodes them; other bytes are an error at their line.
//
// When lines are wrong, the error is a *ParseError for one line, or
// ParseErrors listing all of them; the result is then nil. An include that
// cannot be read is reported at the including FILE:LINE. Include paths are
// joined to the including file's directory like pip does, so they may start
// with "../" or "/" when fsys opens OS paths (as the CLI's does); other file
// systems report such names as not found.
func ParseRequirements(fsys fs.FS, name string) (*RequirementsFile, error) {
	data, err := readRequirementsFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read requirements: %w", err)
	}
	p := &reqParser{fsys: fsys, out: &RequirementsFile{}, done: map[includeKey]bool{}, seenErr: map[string]bool{}}
	p.parseFile(name, data, false, nil)
	switch len(p.errs) {
	case 0:
		return p.out, nil
	case 1:
		return nil, p.errs[0]
	}
	return nil, p.errs
}

// ParseRequirement parses one requirement given on the command line, such
// as "sigstore==3.6.1" or "requests[socks]>=2; python_version>='3.9'". URL
// and path requirements parse into an unsupported Requirement. Options
// (--hash, -r, …) belong in requirements files and are an error here.
func ParseRequirement(s string) (Requirement, error) {
	text := strings.TrimSpace(s)
	switch {
	case text == "":
		return Requirement{}, fmt.Errorf("invalid requirement %q: empty", s)
	case strings.HasPrefix(text, "-"):
		return Requirement{}, fmt.Errorf("invalid requirement %q: options belong in a requirements file (-r FILE)", s)
	}
	r, err := parseRequirementText(text)
	if err != nil {
		return Requirement{}, err
	}
	return r, nil
}

func readRequirementsFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRequirementsFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > maxRequirementsFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, maxRequirementsFileSize)
	}
	return data, nil
}

type includeKey struct {
	file       string
	constraint bool
}

type reqParser struct {
	fsys    fs.FS
	out     *RequirementsFile
	errs    ParseErrors
	done    map[includeKey]bool // files already parsed, in either mode
	seenErr map[string]bool
}

func (p *reqParser) errorf(file string, line int, cause error, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := fmt.Sprintf("%s:%d: %s", file, line, msg)
	if p.seenErr[key] {
		return
	}
	p.seenErr[key] = true
	p.errs = append(p.errs, &ParseError{File: file, Line: line, Msg: msg, Err: cause})
}

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

// decodeRequirementsText returns data as UTF-8, as pip's auto_decode reads
// requirements files: a UTF-16 or UTF-32 byte-order mark (Windows
// PowerShell's `pip freeze > requirements.txt` writes UTF-16LE) selects that
// encoding, anything else must be UTF-8 (a UTF-8 BOM is removed later).
// When it is not, line is the 1-based line of the first invalid byte bad,
// so that the file is reported rather than read as garbage names.
func decodeRequirementsText(data []byte) (text []byte, line int, bad byte) {
	type bom struct {
		mark  string
		width int
		big   bool
	}
	// UTF-32LE's mark begins with UTF-16LE's: test it first.
	for _, b := range []bom{{"\xff\xfe\x00\x00", 4, false}, {"\x00\x00\xfe\xff", 4, true}, {"\xff\xfe", 2, false}, {"\xfe\xff", 2, true}} {
		if !bytes.HasPrefix(data, []byte(b.mark)) {
			continue
		}
		rest := data[len(b.mark):]
		var out []byte
		if b.width == 4 {
			for ; len(rest) >= 4; rest = rest[4:] {
				var r rune
				if b.big {
					r = rune(binary.BigEndian.Uint32(rest))
				} else {
					r = rune(binary.LittleEndian.Uint32(rest))
				}
				out = utf8.AppendRune(out, r)
			}
			return out, 0, 0
		}
		units := make([]uint16, 0, len(rest)/2)
		for ; len(rest) >= 2; rest = rest[2:] {
			if b.big {
				units = append(units, binary.BigEndian.Uint16(rest))
			} else {
				units = append(units, binary.LittleEndian.Uint16(rest))
			}
		}
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		return out, 0, 0
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, 1 + bytes.Count(data[:i], []byte("\n")), data[i]
		}
		i += size
	}
	return data, 0, 0
}

// parseFile parses one file's contents; chain holds the files that include
// it, for cycle detection.
func (p *reqParser) parseFile(file string, data []byte, constraint bool, chain []string) {
	p.done[includeKey{file, constraint}] = true
	chain = append(chain, file)
	data, line, bad := decodeRequirementsText(data)
	if line > 0 {
		p.errorf(file, line, nil, "the file is not UTF-8 (invalid byte 0x%02x): save it as UTF-8", bad)
		return
	}
	for _, ll := range logicalLines(data) {
		p.parseLine(file, ll, constraint, chain)
	}
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

func (p *reqParser) parseLine(file string, ll logicalLine, constraint bool, chain []string) {
	args, optText := splitArgsOptions(ll.text)
	tokens, err := shellSplit(optText)
	if err != nil {
		p.errorf(file, ll.line, nil, "%v", err)
		return
	}
	opts, err := parseOptions(tokens)
	if err != nil {
		p.errorf(file, ll.line, nil, "%v", err)
		return
	}
	var hashes []string
	for _, o := range opts {
		if o.spec.kind != optHash {
			continue
		}
		h, err := parseHash(o.value)
		if err != nil {
			p.errorf(file, ll.line, nil, "%v", err)
			return
		}
		hashes = appendUnique(hashes, h)
	}

	if args != "" {
		// A requirement line: only per-requirement options may follow.
		for _, o := range opts {
			if o.spec.kind != optHash && o.spec.kind != optPerRequirement {
				p.errorf(file, ll.line, nil, "option %s must be on its own line, not after requirement %q", o.spec.long, args)
				return
			}
		}
		r, err := parseRequirementText(args)
		if err != nil {
			p.errorf(file, ll.line, nil, "%v", err)
			return
		}
		r.Hashes, r.File, r.Line = hashes, file, ll.line
		p.add(r, constraint)
		for _, o := range opts {
			if o.spec.kind == optPerRequirement {
				p.out.Options = append(p.out.Options, Option{Name: o.spec.long, Value: o.value, File: file, Line: ll.line})
			}
		}
		return
	}

	// An option line.
	editable := false
	for _, o := range opts {
		if o.spec.kind == optEditable {
			editable = true
		}
	}
	for _, o := range opts {
		switch o.spec.kind {
		case optHash:
			if !editable {
				p.errorf(file, ll.line, nil, "--hash must follow a requirement on the same logical line (is a \"\\\" missing on the line before?)")
				return
			}
		case optPerRequirement:
			p.errorf(file, ll.line, nil, "option %s must follow a requirement on the same line", o.spec.long)
			return
		}
	}
	for _, o := range opts {
		switch o.spec.kind {
		case optEditable:
			r := Requirement{URL: o.value, Unsupported: UnsupportedEditable, Text: "-e " + RedactURL(o.value), Hashes: hashes, File: file, Line: ll.line}
			r.Name = nameFromURL(o.value)
			p.add(r, constraint)
		case optRequirement, optConstraint:
			p.include(file, ll.line, o.value, constraint || o.spec.kind == optConstraint, chain)
		case optGlobal:
			p.out.Options = append(p.out.Options, Option{Name: o.spec.long, Value: o.value, File: file, Line: ll.line})
		}
	}
}

func (p *reqParser) add(r Requirement, constraint bool) {
	if constraint {
		p.out.Constraints = append(p.out.Constraints, r)
	} else {
		p.out.Requirements = append(p.out.Requirements, r)
	}
}

// include parses an -r or -c file, relative to the including file.
func (p *reqParser) include(file string, line int, target string, constraint bool, chain []string) {
	if isURL(target) {
		p.errorf(file, line, nil, "cannot include %q: remote requirements files are not supported", target)
		return
	}
	// Relative to the including file, as pip resolves it; "../common.txt"
	// and absolute paths are common in real projects. Whether fsys can open
	// the result is fsys's business: an fs.DirFS refuses paths that leave
	// it, the CLI's OS file system does not.
	name := path.Clean(target)
	if !path.IsAbs(target) {
		name = path.Join(path.Dir(file), target)
	}
	if len(chain) >= maxIncludeDepth {
		p.errorf(file, line, nil, "cannot include %q: includes nested deeper than %d files", target, maxIncludeDepth)
		return
	}
	for i, f := range chain {
		if f == name {
			cycle := append(append([]string(nil), chain[i:]...), name)
			p.errorf(file, line, nil, "include cycle: %s", strings.Join(cycle, " -> "))
			return
		}
	}
	if p.done[includeKey{name, constraint}] {
		return // already read in this mode through another include
	}
	data, err := readRequirementsFile(p.fsys, name)
	if err != nil {
		p.errorf(file, line, err, "cannot include %q: %v", target, err)
		return
	}
	p.parseFile(name, data, constraint, chain)
}

// parseHash checks a --hash value "sha256:HEX" and returns the lower-case
// hex digest. Only sha256 is accepted: it is the digest PyPI publishes and
// the one pyverify recomputes.
func parseHash(v string) (string, error) {
	algo, hex, ok := strings.Cut(v, ":")
	if !ok {
		return "", fmt.Errorf("invalid --hash %q: want sha256:HEX", v)
	}
	if strings.ToLower(algo) != "sha256" {
		return "", fmt.Errorf("unsupported hash algorithm %q in --hash %q: only sha256 is accepted", algo, v)
	}
	hex = strings.ToLower(hex)
	if len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", fmt.Errorf("invalid --hash %q: a sha256 digest is 64 hex digits", v)
	}
	return hex, nil
}

func appendUnique(list []string, s string) []string {
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
// (pip/_internal/req/req_file.py SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ).
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
	{"--pre", "", false, optGlobal},
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
// "--name value", "-xvalue" and "-x value".
func parseOptions(tokens []string) ([]parsedOption, error) {
	var out []parsedOption
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		var spec optSpec
		var value string
		hasValue := false
		switch {
		case t == "-" || t == "--":
			return nil, fmt.Errorf("unexpected %q", t)
		case strings.HasPrefix(t, "--"):
			name, v, eq := strings.Cut(t, "=")
			s, err := lookupLong(name)
			if err != nil {
				return nil, err
			}
			spec, value, hasValue = s, v, eq
			if hasValue && !spec.value {
				return nil, fmt.Errorf("option %s takes no value", spec.long)
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
				return nil, fmt.Errorf("unknown option %s", t)
			}
			if rest := t[len(spec.short):]; rest != "" {
				value, hasValue = rest, true
			}
		default:
			return nil, fmt.Errorf("unexpected argument %q on an option line", t)
		}
		if spec.value && !hasValue {
			if i+1 >= len(tokens) {
				return nil, fmt.Errorf("option %s needs a value", spec.long)
			}
			i++
			value = tokens[i]
		}
		if spec.value && value == "" {
			return nil, fmt.Errorf("option %s needs a value", spec.long)
		}
		out = append(out, parsedOption{spec: spec, value: value})
	}
	return out, nil
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

// vcsSchemes are pip's version-control URL schemes (pip/_internal/vcs).
var vcsSchemes = []string{"git", "hg", "svn", "bzr"}

// isURL is pip's is_url: a scheme pip can fetch from, including VCS
// schemes such as "git+https".
func isURL(s string) bool {
	scheme, _, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "http", "https", "file", "ftp":
		return true
	}
	vcs, _, _ := strings.Cut(scheme, "+")
	for _, v := range vcsSchemes {
		if vcs == v {
			return true
		}
	}
	return false
}

// urlReason classifies a URL for Requirement.Unsupported.
func urlReason(u string) string {
	scheme, _, _ := strings.Cut(strings.ToLower(u), ":")
	switch {
	case scheme == "file":
		return UnsupportedPath
	case scheme == "http" || scheme == "https" || scheme == "ftp":
		return UnsupportedURL
	}
	return UnsupportedVCS
}

// archiveExts are pip's archive extensions (is_archive_file): a requirement
// ending in one of them is a local file, even if it also looks like a name.
var archiveExts = []string{".whl", ".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tlz", ".tar.lz", ".tar.lzma"}

var driveRE = regexp.MustCompile(`^[A-Za-z]:[/\\]`)

// looksLikePath is pip's _looks_like_path plus its archive check.
func looksLikePath(tok string) bool {
	if strings.ContainsAny(tok, `/\`) || strings.HasPrefix(tok, ".") || strings.HasPrefix(tok, "~") || driveRE.MatchString(tok) {
		return true
	}
	lower := strings.ToLower(tok)
	for _, ext := range archiveExts {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// nameFromURL returns the project name of a URL's "#egg=NAME" fragment or
// of a distribution filename at its end, or "".
func nameFromURL(u string) string {
	if _, frag, ok := strings.Cut(u, "#"); ok {
		for _, kv := range strings.Split(frag, "&") {
			if v, ok := strings.CutPrefix(kv, "egg="); ok {
				v, _, _ = strings.Cut(v, "[")
				if ValidName(v) {
					return v
				}
			}
		}
	}
	base := u
	if i := strings.IndexAny(base, "#?"); i >= 0 {
		base = base[:i]
	}
	base = base[strings.LastIndexAny(base, `/\`)+1:]
	if d, err := ParseDistFilename(base); err == nil {
		return d.Name
	}
	return ""
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)

// parseRequirementText parses a requirement without options: PEP 508
// "name [extras] specifier ; marker" or "name [extras] @ url ; marker", or
// pip's bare URL and path forms, which it returns as unsupported.
func parseRequirementText(text string) (Requirement, error) {
	r := Requirement{Text: RedactURL(text)}
	bad := func(format string, args ...any) (Requirement, error) {
		return Requirement{}, fmt.Errorf("invalid requirement %q: %s", text, fmt.Sprintf(format, args...))
	}
	if isURL(text) {
		// pip separates a bare URL from its marker with "; ".
		u, marker, hasMarker := strings.Cut(text, "; ")
		r.URL = strings.TrimSpace(u)
		if strings.ContainsAny(r.URL, " \t") {
			return bad("white space in URL %q", r.URL)
		}
		if hasMarker {
			if r.Marker = strings.TrimSpace(marker); r.Marker == "" {
				return bad("empty environment marker after \";\"")
			}
		}
		r.Unsupported = urlReason(r.URL)
		r.Name = nameFromURL(r.URL)
		return r, nil
	}

	name := nameRE.FindString(text)
	rest := strings.TrimLeft(text[len(name):], " \t")
	var extras []string
	hasExtras := false
	if name != "" && strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return bad("missing \"]\" after extras")
		}
		hasExtras = true
		if inner := strings.TrimSpace(rest[1:end]); inner != "" {
			for _, e := range strings.Split(inner, ",") {
				e = strings.TrimSpace(e)
				if !ValidName(e) {
					return bad("invalid extra %q", e)
				}
				extras = append(extras, e)
			}
		}
		rest = strings.TrimLeft(rest[end+1:], " \t")
	}

	if name != "" && strings.HasPrefix(rest, "@") {
		// PEP 508 URL form: name @ url [; marker].
		// The URL ends at white space (PEP 508: url wsp+ ";" marker), so
		// a ";" inside it is part of it, as in packaging.
		r.Name, r.Extras = name, extras
		u := strings.TrimSpace(rest[1:])
		after := ""
		if i := strings.IndexAny(u, " \t"); i >= 0 {
			u, after = u[:i], strings.TrimLeft(u[i:], " \t")
		}
		r.URL = u
		if r.URL == "" {
			return bad("want a URL after \"@\"")
		}
		marker, hasMarker := strings.CutPrefix(after, ";")
		if after != "" && !hasMarker {
			return bad("unexpected %q after the URL (want \"; marker\")", after)
		}
		if hasMarker {
			if r.Marker = strings.TrimSpace(marker); r.Marker == "" {
				return bad("empty environment marker after \";\"")
			}
		}
		if isURL(r.URL) {
			r.Unsupported = urlReason(r.URL)
		} else {
			r.Unsupported = UnsupportedPath
		}
		return r, nil
	}

	// pip's local paths: "./dir", "dir/", "pkg-1.0-py3-none-any.whl", "C:\x".
	first := text
	if i := strings.IndexAny(first, " \t;"); i >= 0 {
		first = first[:i]
	}
	if !hasExtras && looksLikePath(first) {
		p, marker, hasMarker := strings.Cut(text, ";")
		r.URL = strings.TrimSpace(p)
		if hasMarker {
			if r.Marker = strings.TrimSpace(marker); r.Marker == "" {
				return bad("empty environment marker after \";\"")
			}
		}
		r.Unsupported = UnsupportedPath
		r.Name = nameFromURL(r.URL)
		return r, nil
	}

	if name == "" {
		return bad("want a project name (letters, digits, \".\", \"_\", \"-\")")
	}
	r.Name, r.Extras = name, extras
	spec, marker, hasMarker := strings.Cut(rest, ";")
	if hasMarker {
		if r.Marker = strings.TrimSpace(marker); r.Marker == "" {
			return bad("empty environment marker after \";\"")
		}
	}
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "(") {
		if !strings.HasSuffix(spec, ")") {
			return bad("missing \")\" after version specifier")
		}
		spec = strings.TrimSpace(spec[1 : len(spec)-1])
	}
	if spec != "" && strings.IndexByte("<>=!~", spec[0]) < 0 {
		return bad("unexpected %q after the project name (want a specifier such as ==1.0, \"[extras]\", \"@ URL\" or \"; marker\")", spec)
	}
	set, err := ParseSpecifierSet(spec)
	if err != nil {
		return Requirement{}, err
	}
	r.Spec, r.Specifier = spec, set
	return r, nil
}
