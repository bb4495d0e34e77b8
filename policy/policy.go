package policy

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pyverify/pyverify/pypi"
)

// Level is the minimum evidence a policy requires for every checked file of a
// package (SPEC §6 `require`). Its values are the words the TOML uses.
type Level string

const (
	// Hash requires only that the bytes match the index's digest (and pins).
	Hash Level = "hash"
	// Attestation requires a verified PEP 740 attestation for every file.
	Attestation Level = "attestation"
)

// Publisher kinds a policy may name (SPEC §6). PyPI accepts attestations only
// from the first three today; ActiveState is accepted so that a policy can be
// written ahead of PyPI.
const (
	GitHub      = "GitHub"
	GitLab      = "GitLab"
	Google      = "Google"
	ActiveState = "ActiveState"
)

// DefaultSource is Policy.Source for the built-in default policy.
const DefaultSource = "built-in default"

// Policy is a decoded policy file (SPEC §6). Use Default, Parse,
// ParsePyproject, Load or Discover to get one; a zero Policy is not valid.
type Policy struct {
	// Source is where the policy came from: the file name given to Parse,
	// or DefaultSource.
	Source string
	// Require is the top-level minimum evidence for every package.
	Require Level
	// DenyYanked makes a yanked release a violation (`deny-yanked`).
	DenyYanked bool
	// RequirePinned makes a requirement without ==/=== a violation
	// (`require-pinned`).
	RequirePinned bool
	// Continuity makes a change of publisher against earlier releases a
	// violation (`continuity`, default true; issue #9): a release whose
	// files name different publishers, an unattested file where the
	// previous attested release had attested that kind of file, or a
	// publisher the previous attested release did not name.
	Continuity bool
	// RequireComplete makes a package whose dependencies are not all
	// audited incomplete (`require-complete`, default true; issue #11);
	// false reports them as notes.
	RequireComplete bool
	// Entries are the [packages.*] tables in file order.
	Entries []Entry

	requireLine    int    // line of the top-level require key; 0 = not written
	yankedLine     int    // line of deny-yanked
	pinnedLine     int    // line of require-pinned
	continuityLine int    // line of continuity
	completeLine   int    // line of require-complete
	prefix         string // "tool.pyverify." in pyproject.toml, else ""
}

// Entry is one [packages.<pattern>] table (SPEC §6).
type Entry struct {
	// Pattern is the table's key after PEP 503 normalisation: an exact
	// project name, or a path.Match glob such as "google-*".
	Pattern string
	// Require is the entry's minimum evidence; "" means the top-level one.
	Require Level
	// Publishers, when not empty, are the only publishers whose
	// attestations the entry accepts, whatever Require is (SPEC §6). They
	// also replace the continuity checks: the pins say who may publish,
	// so accepting a move is pinning the new publisher.
	Publishers []Publisher
	// Continuity turns the continuity checks on or off for the entry's
	// packages; nil means the top-level setting.
	Continuity *bool
	// Reason is the user's explanation, shown with every decision the
	// entry makes.
	Reason string
	// Expires is the instant from which the entry stops applying; zero
	// means never. A TOML local date D (`expires = 2027-06-30`) means the
	// entry applies through D, so Expires is the start of the next day,
	// UTC; a local date-time is read as UTC.
	Expires time.Time
	// Line is the line of the entry's table header (or first key) in Source.
	Line int

	key         string // display key: packages."acme-*"
	expiresText string // expires as written
}

// Publisher is one allowed Trusted Publisher of an entry (SPEC §6). Every
// field but Kind is a path.Match glob (validated by Parse); an empty field
// matches anything. Repository, Environment and Email compare
// case-insensitively, because GitHub and GitLab project paths, PyPI's
// environment check (SPEC §4.5) and e-mail addresses are case-insensitive;
// Workflow and Ref are file names and git refs, which are not. Runner is
// "github-hosted" or "self-hosted" and compares exactly.
type Publisher struct {
	Kind        string // GitHub, GitLab, Google or ActiveState
	Repository  string // owner/name (GitHub), namespace/project (GitLab), org/project (ActiveState)
	Workflow    string // GitHub: workflow file name; GitLab: CI file path
	Environment string // deployment environment (GitHub, GitLab)
	Email       string // service account e-mail (Google)
	Ref         string // source ref, e.g. refs/tags/* (GitHub, GitLab)
	Runner      string // github-hosted or self-hosted (GitHub)
}

// Default returns the built-in policy used when no file is found (SPEC §2):
// require = "hash", nothing denied, no entries.
func Default() *Policy {
	return &Policy{Source: DefaultSource, Require: Hash, Continuity: true, RequireComplete: true}
}

// Lookup returns the entry that decides for the project name at time now
// (SPEC §6): an exact (normalised) name beats a glob, a longer glob beats a
// shorter one, and among globs of one length the one written first wins.
// Entries that expired by now are skipped, and those more specific than the
// winner are returned in expired so that they can be reported as
// policy-expired. entry is nil when the top-level keys decide.
func (p *Policy) Lookup(name string, now time.Time) (entry *Entry, expired []*Entry) {
	n := normalizeName(name)
	type cand struct {
		e     *Entry
		exact bool
		i     int
	}
	var cands []cand
	for i := range p.Entries {
		e := &p.Entries[i]
		if !isGlob(e.Pattern) {
			if e.Pattern == n {
				cands = append(cands, cand{e, true, i})
			}
			continue
		}
		if ok, err := path.Match(e.Pattern, n); err == nil && ok {
			cands = append(cands, cand{e, false, i})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.exact != b.exact {
			if a.exact {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(len(b.e.Pattern), len(a.e.Pattern)); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	for _, c := range cands {
		if c.e.expired(now) {
			expired = append(expired, c.e)
			continue
		}
		return c.e, expired
	}
	return nil, expired
}

// expired reports whether e no longer applies at now.
func (e *Entry) expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.Before(e.Expires)
}

// Matches reports whether the identity of a verified attestation is one this
// publisher allows (SPEC §6): same kind, and every field the publisher sets
// matches the identity's field as a glob. A field the policy sets and the
// identity lacks matches only a glob that matches "" (such as "*").
func (pub Publisher) Matches(id Identity) bool {
	if !strings.EqualFold(pub.Kind, id.Kind) {
		return false
	}
	fields := []struct {
		pattern, value string
		fold           bool
	}{
		{pub.Repository, id.Repository, true},
		{pub.Workflow, id.Workflow, false},
		{pub.Environment, id.Environment, true},
		{pub.Email, id.Email, true},
		{pub.Ref, id.Ref, false},
	}
	for _, f := range fields {
		if f.pattern == "" {
			continue
		}
		pat, val := f.pattern, f.value
		if f.fold {
			pat, val = strings.ToLower(pat), strings.ToLower(val)
		}
		if ok, err := path.Match(pat, val); err != nil || !ok {
			return false
		}
	}
	if pub.Runner != "" && pub.Runner != id.Runner {
		return false
	}
	return true
}

// String describes the publisher for messages, e.g.
// "GitHub sigstore/sigstore-python (release.yml)".
func (pub Publisher) String() string {
	var who string
	switch {
	case pub.Email != "":
		who = pub.Email
	case pub.Repository != "":
		who = pub.Repository
	default:
		who = "(any)"
	}
	return pub.Kind + " " + who + details(pub.Workflow, pub.Ref, pub.Environment, pub.Runner)
}

// details renders the optional parts of a publisher or identity.
func details(workflow, ref, env, runner string) string {
	var parts []string
	if workflow != "" {
		parts = append(parts, workflow)
	}
	if ref != "" {
		parts = append(parts, "ref "+ref)
	}
	if env != "" {
		parts = append(parts, "environment "+env)
	}
	if runner != "" {
		parts = append(parts, runner+" runner")
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// PublisherFor turns an observed identity into a Publisher that matches it
// and, through the fields it pins, only identities like it: the kind, the
// repository or e-mail, the workflow, the environment when there is one, and
// the runner. The ref is not pinned, since every release has its own. Glob
// metacharacters are escaped, so a literal value stays literal. It is what
// `pyverify policy init` pins (SPEC §6: trust on first use).
func PublisherFor(id Identity) Publisher {
	pub := Publisher{
		Kind:        id.Kind,
		Repository:  escapeGlob(id.Repository),
		Workflow:    escapeGlob(id.Workflow),
		Environment: escapeGlob(id.Environment),
		Email:       escapeGlob(id.Email),
	}
	if k, ok := canonicalKind(id.Kind); ok {
		pub.Kind = k
		allowed := kindFields[k]
		if !slices.Contains(allowed, "repository") {
			pub.Repository = ""
		}
		if !slices.Contains(allowed, "workflow") {
			pub.Workflow = ""
		}
		if !slices.Contains(allowed, "environment") {
			pub.Environment = ""
		}
		if !slices.Contains(allowed, "email") {
			pub.Email = ""
		}
		if slices.Contains(allowed, "runner") && (id.Runner == runnerGitHubHosted || id.Runner == runnerSelfHosted) {
			pub.Runner = id.Runner
		}
	}
	return pub
}

// escapeGlob quotes path.Match metacharacters with a backslash.
func escapeGlob(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isGlob reports whether a package pattern has path.Match metacharacters.
func isGlob(pattern string) bool {
	return strings.ContainsAny(pattern, `*?[\`)
}

// normalizeName is PEP 503 normalisation, shared with the rest of pyverify
// so that policy entries and requirements name projects alike (SPEC §3).
func normalizeName(name string) string { return pypi.NormalizeName(name) }

// location is FILE:LINE of a line in the policy's source, or the source
// alone when there is no line (the built-in default).
func (p *Policy) location(line int) string {
	if line < 1 {
		return p.Source
	}
	return fmt.Sprintf("%s:%d", p.Source, line)
}

// EntryKey is how decisions name the entry, e.g. `packages."acme-*"`
// (`tool.pyverify.packages.sigstore` in pyproject.toml).
func (e *Entry) EntryKey() string { return e.key }

// entryKey renders the TOML key of a [packages.<pattern>] table.
func entryKey(prefix, pattern string) string {
	return prefix + "packages." + quoteKey(pattern)
}

// quoteKey returns k as a bare TOML key when it can be one, else quoted.
func quoteKey(k string) string {
	if k == "" {
		return `""`
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return quoteString(k)
		}
	}
	return k
}

// quoteString renders s as a TOML basic string.
func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
