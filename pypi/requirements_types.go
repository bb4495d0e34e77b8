package pypi

import (
	"fmt"
	"strings"
)

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
	// UnsupportedHashAlgorithm is a requirement pinned only with sha384 or
	// sha512 hashes: pyverify compares sha256 (what PyPI publishes), and
	// checking every file instead would silently widen the pins.
	UnsupportedHashAlgorithm = "pinned only with sha384/sha512 hashes; pyverify compares sha256"
	// UnsupportedAfterOption is a requirement written after an option on
	// the same line ("--only-binary=:all: https://…/x.zip"), which pip
	// silently ignores: it is reported, since it is not what pip installs.
	UnsupportedAfterOption = "written after an option on the same line, where pip ignores it"
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
	// Marker is the PEP 508 environment marker after ";", verbatim, for
	// display; ParsedMarker is its parsed form (the zero Marker, always
	// true, when there is none). An invalid marker is a parse error.
	Marker       string
	ParsedMarker Marker
	// Hashes are the sha256 digests from --hash options (lower-cased, as
	// pip compares them), duplicates removed.
	Hashes []SHA256
	// OtherHashes are the sha384 and sha512 pins pip also accepts, as
	// "ALGO:HEX" in lower case. They are not compared: when they are the
	// only pins the requirement is UnsupportedHashAlgorithm, otherwise
	// Notices says so.
	OtherHashes []string
	// Notices are facts about how the requirement was read that a report
	// should show (for example that some of its pins are not compared).
	Notices []string
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
	AttestationIdentities []Publisher
	// Installed is the installed distribution this requirement pins
	// (audit --path, issue #12); nil for requirements read from files.
	Installed *InstalledDist
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
	return r.Position().String()
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
