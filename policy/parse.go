package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2/unstable"
	"github.com/pyverify/pyverify/pypi"
)

// Error is an invalid policy: a TOML syntax error or a key, type, value or
// combination SPEC §6 does not allow. It names FILE:LINE:COLUMN (1-based;
// columns count bytes) like go/scanner, e.g.
// `pyverify.toml:3:1: unknown key "requre" (did you mean "require"?)`.
// Callers report it as a configuration error (exit 2, SPEC §8).
type Error struct {
	File string
	Line int
	Col  int
	Msg  string
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// ErrorList is every error found in one policy file, in file order, like
// go/scanner's: one run of `pyverify policy check` shows them all. Its
// message is one error per line; errors.As finds the first *Error.
type ErrorList []*Error

// Error implements error.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives each error, for errors.As and errors.Is.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// File names Discover looks for (SPEC §2).
const (
	FileName      = "pyverify.toml"
	PyprojectName = "pyproject.toml"
)

// Parse decodes the content of a pyverify.toml file named name (SPEC §6).
// Every error it returns is an *Error positioned in data, or an ErrorList
// of them when the file has several.
func Parse(name string, data []byte) (*Policy, error) {
	root, err := parseTree(name, data)
	if err != nil {
		return nil, err
	}
	d := &decoder{file: name}
	p := d.policy(root, "")
	if err := d.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// ParsePyproject decodes the [tool.pyverify] table of a pyproject.toml file
// named name, with the same keys as pyverify.toml (SPEC §6). found is false,
// with a nil error, when the file has no such table; the rest of the file is
// not checked beyond TOML syntax. Error positions are in the pyproject file.
func ParsePyproject(name string, data []byte) (p *Policy, found bool, err error) {
	root, err := parseTree(name, data)
	if err != nil {
		return nil, false, err
	}
	tool := root.Fields["tool"]
	if tool == nil {
		return nil, false, nil
	}
	if tool.Kind != pypi.TOMLTable {
		return nil, false, errorAt(name, tool.Where(), "key \"tool\" must be a table, not %s", tool.TypeName())
	}
	t := tool.Fields["pyverify"]
	if t == nil {
		return nil, false, nil
	}
	if t.Kind != pypi.TOMLTable {
		return nil, false, errorAt(name, t.Where(), "key \"tool.pyverify\" must be a table, not %s", t.TypeName())
	}
	d := &decoder{file: name}
	p = d.policy(t, "tool.pyverify.")
	if err := d.err(); err != nil {
		return nil, false, err
	}
	return p, true, nil
}

// Load reads the policy file name from fsys, as `--policy FILE` and
// `pyverify policy check FILE` name it: a file whose base name is
// pyproject.toml is read through its [tool.pyverify] table (an error if it
// has none), any other file as a pyverify.toml.
func Load(fsys fs.FS, name string) (*Policy, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read policy: %w", err)
	}
	if path.Base(name) != PyprojectName {
		return Parse(name, data)
	}
	p, found, err := ParsePyproject(name, data)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, &Error{File: name, Line: 1, Col: 1, Msg: "no [tool.pyverify] table"}
	}
	return p, nil
}

// Discover finds the policy the way SPEC §2 orders it for a command run
// without --policy: ./pyverify.toml, else the [tool.pyverify] table of
// ./pyproject.toml, else Default(). fsys is the working directory. A file
// that exists but cannot be read or decoded is an error, never a silent
// fall-through to the next source.
func Discover(fsys fs.FS) (*Policy, error) {
	data, err := fs.ReadFile(fsys, FileName)
	switch {
	case err == nil:
		return Parse(FileName, data)
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("read policy: %w", err)
	}
	data, err = fs.ReadFile(fsys, PyprojectName)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Default(), nil
	case err != nil:
		return nil, fmt.Errorf("read policy: %w", err)
	}
	p, found, err := ParsePyproject(PyprojectName, data)
	if err != nil {
		return nil, err
	}
	if !found {
		return Default(), nil
	}
	return p, nil
}

// parseTree parses data with the positioned TOML layer policies share
// with PEP 751 lock files (pypi.ParseTOML); its errors become *Error at
// FILE:LINE:COLUMN.
func parseTree(file string, data []byte) (*pypi.TOMLValue, error) {
	_, root, err := pypi.ParseTOML(data)
	var te *pypi.TOMLError
	switch {
	case errors.As(err, &te):
		return nil, &Error{File: file, Line: te.Pos.Line, Col: te.Pos.Col, Msg: te.Msg}
	case err != nil:
		return nil, &Error{File: file, Line: 1, Col: 1, Msg: err.Error()}
	}
	return root, nil
}

// errorAt is an *Error in file at p: a value's Where, or its KeyWhere for
// unknown keys and problems with a table as a whole.
func errorAt(file string, p pypi.TOMLPos, format string, args ...any) *Error {
	return &Error{File: file, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...)}
}

// decoder maps the positioned tree onto a Policy, strictly (SPEC §6). It
// goes on after an error, collecting every one (fail), but never reports
// an error that only follows from another.
type decoder struct {
	file string
	errs ErrorList
}

// fail records err, an *Error from one of the decoder's checks.
func (d *decoder) fail(err error) {
	var e *Error
	if errors.As(err, &e) {
		d.errs = append(d.errs, e)
	}
}

// err is nil, the one error, or every error in file order.
func (d *decoder) err() error {
	switch len(d.errs) {
	case 0:
		return nil
	case 1:
		return d.errs[0]
	}
	slices.SortStableFunc(d.errs, func(a, b *Error) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
	return d.errs
}

var (
	topKeys   = []string{"require", "deny-yanked", "require-pinned", "continuity", "require-complete", "packages"}
	entryKeys = []string{"require", "publishers", "continuity", "reason", "expires"}
	// pubFields are the publisher keys besides "kind", in display order.
	pubFields = []string{"repository", "workflow", "environment", "email", "ref", "runner"}
	kinds     = []string{GitHub, GitLab, Google, ActiveState}
	// kindFields lists the fields each publisher kind has (SPEC §6):
	// GitHub and GitLab publishers name a project, a workflow (GitHub: the
	// workflow file name; GitLab: the CI file path), an environment and a
	// ref; only GitHub certificates carry a runner environment; Google
	// publishers are a service account e-mail; ActiveState publishers are
	// an organization/project.
	kindFields = map[string][]string{
		GitHub:      {"repository", "workflow", "environment", "ref", "runner"},
		GitLab:      {"repository", "workflow", "environment", "ref"},
		Google:      {"email"},
		ActiveState: {"repository"},
	}
	// kindNeeds is the field that identifies a publisher of each kind; a
	// publisher without it would accept anyone of that kind.
	kindNeeds = map[string]string{GitHub: "repository", GitLab: "repository", Google: "email", ActiveState: "repository"}
)

const (
	runnerGitHubHosted = "github-hosted"
	runnerSelfHosted   = "self-hosted"
)

// policy decodes the top-level table t (the whole pyverify.toml, or
// [tool.pyverify]); prefix is how keys under t are named in messages.
func (d *decoder) policy(t *pypi.TOMLValue, prefix string) *Policy {
	p := &Policy{Source: d.file, Require: Hash, Continuity: true, RequireComplete: true, prefix: prefix}
	for _, name := range t.Names {
		v := t.Fields[name]
		var err error
		switch name {
		case "require":
			p.Require, err = d.level(v, prefix+name)
			p.requireLine = v.Key.Line
		case "deny-yanked":
			p.DenyYanked, err = d.boolean(v, prefix+name)
			p.yankedLine = v.Key.Line
		case "require-pinned":
			p.RequirePinned, err = d.boolean(v, prefix+name)
			p.pinnedLine = v.Key.Line
		case "continuity":
			p.Continuity, err = d.boolean(v, prefix+name)
			p.continuityLine = v.Key.Line
		case "require-complete":
			p.RequireComplete, err = d.boolean(v, prefix+name)
			p.completeLine = v.Key.Line
		case "packages":
			p.Entries = d.packages(v, prefix)
		default:
			err = d.unknownKey(v, name, prefix, topKeys)
		}
		if err != nil {
			d.fail(err)
		}
	}
	return p
}

// unknownKey reports a key the schema does not have, with a hint when it is
// close to one that exists.
func (d *decoder) unknownKey(v *pypi.TOMLValue, name, where string, known []string) error {
	msg := fmt.Sprintf("unknown key %q", name)
	if where != "" {
		msg += " in " + strings.TrimSuffix(where, ".")
	}
	if s := suggest(name, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	} else {
		msg += " (known keys: " + strings.Join(known, ", ") + ")"
	}
	return errorAt(d.file, v.KeyWhere(), "%s", msg)
}

// str decodes a string value; key names it in the message.
func (d *decoder) str(v *pypi.TOMLValue, key string) (string, error) {
	if v.Kind != pypi.TOMLScalar || v.Scalar != unstable.String {
		return "", errorAt(d.file, v.Where(), "%s must be a string, not %s", key, v.TypeName())
	}
	return v.Text, nil
}

// boolean decodes true or false.
func (d *decoder) boolean(v *pypi.TOMLValue, key string) (bool, error) {
	if v.Kind != pypi.TOMLScalar || v.Scalar != unstable.Bool {
		return false, errorAt(d.file, v.Where(), "%s must be true or false, not %s", key, v.TypeName())
	}
	return v.Text == "true", nil
}

// level decodes require = "hash" | "attestation", with a hint for a
// misspelt value.
func (d *decoder) level(v *pypi.TOMLValue, key string) (Level, error) {
	s, err := d.str(v, key)
	if err != nil {
		return "", err
	}
	switch l := Level(s); l {
	case Hash, Attestation:
		return l, nil
	}
	msg := fmt.Sprintf("%s must be %q or %q, not %q", key, Hash, Attestation, s)
	if h := suggest(s, []string{string(Hash), string(Attestation)}); h != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", h)
	}
	return "", errorAt(d.file, v.Where(), "%s", msg)
}

// packages decodes the [packages] table: one Entry per key, in file order.
// Two keys that normalise to the same pattern are an error rather than a
// silent override, since which of them would win is not obvious.
func (d *decoder) packages(v *pypi.TOMLValue, prefix string) []Entry {
	if v.Kind != pypi.TOMLTable {
		d.fail(errorAt(d.file, v.Where(), "%spackages must be a table of package entries, not %s", prefix, v.TypeName()))
		return nil
	}
	var entries []Entry
	seen := map[string]pypi.TOMLPos{}
	for _, name := range v.Names {
		ev := v.Fields[name]
		pattern, err := d.pattern(ev, name)
		if err != nil {
			d.fail(err)
			continue
		}
		if first, dup := seen[pattern]; dup {
			d.fail(errorAt(d.file, ev.KeyWhere(), "package entry %q is the same as the one on line %d (names are compared after PEP 503 normalisation)", name, first.Line))
			continue
		}
		seen[pattern] = ev.Key
		if e, ok := d.entry(ev, prefix, pattern); ok {
			entries = append(entries, e)
		}
	}
	return entries
}

// pattern validates and normalises a [packages.<name>] key: a project name
// or a path.Match glob over normalised names.
func (d *decoder) pattern(v *pypi.TOMLValue, name string) (string, error) {
	if name == "" {
		return "", errorAt(d.file, v.KeyWhere(), "empty package name")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.*?[]!^", r)) {
			return "", errorAt(d.file, v.KeyWhere(), "package pattern %q: %q is not allowed in a project name or glob", name, r)
		}
	}
	pattern := normalizeName(name)
	if _, err := path.Match(pattern, ""); err != nil {
		return "", errorAt(d.file, v.KeyWhere(), "package pattern %q is not a valid glob: %v", name, err)
	}
	return pattern, nil
}

// entry decodes one [packages.<pattern>] table; ok is false when it has
// errors, all of them recorded.
func (d *decoder) entry(v *pypi.TOMLValue, prefix, pattern string) (e Entry, ok bool) {
	key := entryKey(prefix, pattern)
	e = Entry{Pattern: pattern, Line: v.Key.Line, key: key}
	if v.Kind != pypi.TOMLTable {
		d.fail(errorAt(d.file, v.Where(), "%s must be a table, not %s", key, v.TypeName()))
		return e, false
	}
	before := len(d.errs)
	for _, name := range v.Names {
		f := v.Fields[name]
		var err error
		switch name {
		case "require":
			e.Require, err = d.level(f, key+".require")
		case "publishers":
			e.Publishers = d.publishers(f, key)
		case "continuity":
			var on bool
			on, err = d.boolean(f, key+".continuity")
			e.Continuity = &on
		case "reason":
			e.Reason, err = d.str(f, key+".reason")
		case "expires":
			e.Expires, e.expiresText, err = d.expires(f, key+".expires")
		default:
			err = d.unknownKey(f, name, key, entryKeys)
		}
		if err != nil {
			d.fail(err)
		}
	}
	if len(d.errs) > before {
		return e, false
	}
	if e.Require == "" && len(e.Publishers) == 0 && e.Continuity == nil {
		// Such an entry would decide nothing but still hide less specific
		// entries from the packages it matches.
		d.fail(errorAt(d.file, v.KeyWhere(), "%s sets none of require, publishers and continuity", key))
		return e, false
	}
	return e, true
}

// expires decodes a TOML local date (the entry applies through that day,
// UTC) or a date-time (it applies until that instant); see Entry.Expires.
func (d *decoder) expires(v *pypi.TOMLValue, key string) (time.Time, string, error) {
	if v.Kind == pypi.TOMLScalar {
		switch v.Scalar {
		case unstable.LocalDate:
			t, err := time.Parse(time.DateOnly, v.Text)
			if err == nil {
				return t.AddDate(0, 0, 1), v.Text, nil
			}
		case unstable.LocalDateTime, unstable.DateTime:
			if t, ok := parseDateTime(v.Text); ok {
				return t, v.Text, nil
			}
		}
	}
	return time.Time{}, "", errorAt(d.file, v.Where(), "%s must be a date such as 2027-06-30 (or a date-time), not %s", key, v.TypeName())
}

// parseDateTime parses a TOML local or offset date-time (already checked by
// go-toml); a local one is read as UTC.
func parseDateTime(s string) (time.Time, bool) {
	if len(s) > 10 {
		s = s[:10] + "T" + s[11:]
	}
	s = strings.ToUpper(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// publishers decodes an array of publisher tables, inline or [[...]]. An
// empty array is refused: it would allow no publisher at all under require =
// "attestation", and it is ambiguous under "hash".
func (d *decoder) publishers(v *pypi.TOMLValue, entry string) []Publisher {
	key := entry + ".publishers"
	if v.Kind != pypi.TOMLArray {
		d.fail(errorAt(d.file, v.Where(), "%s must be an array of publisher tables, not %s", key, v.TypeName()))
		return nil
	}
	if len(v.Elems) == 0 {
		d.fail(errorAt(d.file, v.Where(), "%s is empty: list the publishers to allow, or remove the key to allow any", key))
		return nil
	}
	pubs := make([]Publisher, 0, len(v.Elems))
	for i, ev := range v.Elems {
		pub, ok := d.publisher(ev, fmt.Sprintf("%s[%d]", key, i))
		if !ok {
			continue
		}
		if slices.Contains(pubs, pub) {
			d.fail(errorAt(d.file, ev.Where(), "%s repeats publisher %s", key, pub))
			continue
		}
		pubs = append(pubs, pub)
	}
	return pubs
}

// publisher decodes one publisher table: kind first, because which fields
// are allowed depends on it (SPEC §6), then every field as a checked glob.
func (d *decoder) publisher(v *pypi.TOMLValue, key string) (pub Publisher, ok bool) {
	fail := func(err error) (Publisher, bool) {
		d.fail(err)
		return pub, false
	}
	if v.Kind != pypi.TOMLTable {
		return fail(errorAt(d.file, v.Where(), "%s must be a table such as { kind = \"GitHub\", repository = \"owner/name\" }, not %s", key, v.TypeName()))
	}
	kv := v.Fields["kind"]
	if kv == nil {
		return fail(errorAt(d.file, v.Where(), "%s has no kind (one of %s)", key, strings.Join(kinds, ", ")))
	}
	s, err := d.str(kv, key+".kind")
	if err != nil {
		return fail(err)
	}
	kind, ok := canonicalKind(s)
	if !ok || kind != s {
		msg := fmt.Sprintf("unknown publisher kind %q (kinds: %s)", s, strings.Join(kinds, ", "))
		if ok {
			msg = fmt.Sprintf("unknown publisher kind %q (did you mean %q?)", s, kind)
		} else if h := suggest(s, kinds); h != "" {
			msg = fmt.Sprintf("unknown publisher kind %q (did you mean %q?)", s, h)
		}
		return fail(errorAt(d.file, kv.Where(), "%s", msg))
	}
	pub.Kind = kind
	before := len(d.errs)
	allowed := kindFields[kind]
	for _, name := range v.Names {
		if name == "kind" {
			continue
		}
		f := v.Fields[name]
		if !slices.Contains(pubFields, name) {
			d.fail(d.unknownKey(f, name, key, append([]string{"kind"}, allowed...)))
			continue
		}
		if !slices.Contains(allowed, name) {
			d.fail(errorAt(d.file, f.KeyWhere(), "%s publishers have no %q (they have %s)", kind, name, strings.Join(allowed, ", ")))
			continue
		}
		s, err := d.str(f, key+"."+name)
		if err != nil {
			d.fail(err)
			continue
		}
		if err := checkField(kind, name, s); err != "" {
			d.fail(errorAt(d.file, f.Where(), "%s.%s: %s", key, name, err))
			continue
		}
		switch name {
		case "repository":
			pub.Repository = s
		case "workflow":
			pub.Workflow = s
		case "environment":
			pub.Environment = s
		case "email":
			pub.Email = s
		case "ref":
			pub.Ref = s
		case "runner":
			pub.Runner = s
		}
	}
	if len(d.errs) > before {
		return pub, false
	}
	need := kindNeeds[kind]
	if (need == "repository" && pub.Repository == "") || (need == "email" && pub.Email == "") {
		return fail(errorAt(d.file, v.Where(), "%s: a %s publisher needs %s, or it would allow anyone on %s", key, kind, need, kind))
	}
	return pub, true
}

// checkField validates one publisher field value; it returns "" when fine.
func checkField(kind, name, s string) string {
	if s == "" {
		return "must not be empty (remove the key to allow any value)"
	}
	if name == "runner" {
		if s != runnerGitHubHosted && s != runnerSelfHosted {
			return fmt.Sprintf("runner must be %q or %q, not %q", runnerGitHubHosted, runnerSelfHosted, s)
		}
		return ""
	}
	if _, err := path.Match(s, ""); err != nil {
		return fmt.Sprintf("%q is not a valid glob: %v", s, err)
	}
	if name == "repository" {
		if strings.Contains(s, "://") || strings.HasPrefix(strings.ToLower(s), "github.com/") || strings.HasPrefix(strings.ToLower(s), "gitlab.com/") {
			return fmt.Sprintf("%q must be a project path such as owner/name, not a URL", s)
		}
		if !strings.Contains(s, "/") {
			return fmt.Sprintf("%q must be a project path such as owner/name (a glob's * does not cross /)", s)
		}
	}
	return ""
}

// canonicalKind maps a publisher kind, in any case, to its spelling.
func canonicalKind(s string) (string, bool) {
	for _, k := range kinds {
		if strings.EqualFold(k, s) {
			return k, true
		}
	}
	return "", false
}

// suggest returns the known word closest to s when it is close enough to be
// a likely misspelling, else "".
func suggest(s string, known []string) string {
	best, bestD := "", 0
	for _, k := range known {
		d := editDistance(strings.ToLower(s), strings.ToLower(k))
		if best == "" || d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD > max(1, min(3, len(best)/3)) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return max(len(a), len(b))
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
