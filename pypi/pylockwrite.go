package pypi

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Lock is what WritePylock and WriteHashedRequirements write: packages
// with their exact files, for `pyverify download` (issue #11).
type Lock struct {
	// CreatedBy names the tool that wrote the lock (PEP 751 created-by).
	CreatedBy string
	// RequiresPython is the lock's requires-python, "" when unknown.
	RequiresPython string
	Packages       []LockPackage
}

// LockPackage is one [[packages]] entry.
type LockPackage struct {
	Name    string // project name; written PEP 503 normalised in the lock
	Version string
	Marker  string // the requirement's marker, "" for none
	// RequiresPython is the package's requires-python, "" when unknown.
	RequiresPython string
	Sdist          *LockFile
	Wheels         []LockFile
	// AttestationIdentities are the Trusted Publishers the files were
	// verified to come from; a later audit of the lock holds the files to
	// them (PEP 751 [[packages.attestation-identities]]).
	AttestationIdentities []Publisher
}

// LockFile is one locked distribution file.
type LockFile struct {
	Name   string // distribution filename
	URL    string // where it was fetched from
	Size   int64
	SHA256 SHA256
}

// WritePylock writes l as a PEP 751 lock file (lock-version 1.0) that
// ParsePylock reads back: the packages in order, each with its sdist and
// wheels (name, url, size, sha256) and its attestation identities.
func WritePylock(w io.Writer, l *Lock) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "lock-version = %s\n", tomlString("1.0"))
	fmt.Fprintf(b, "created-by = %s\n", tomlString(l.CreatedBy))
	if l.RequiresPython != "" {
		fmt.Fprintf(b, "requires-python = %s\n", tomlString(l.RequiresPython))
	}
	if len(l.Packages) == 0 {
		fmt.Fprintf(b, "packages = []\n")
	}
	file := func(f LockFile) string {
		return fmt.Sprintf("{ name = %s, url = %s, size = %d, hashes = { sha256 = %s } }",
			tomlString(f.Name), tomlString(f.URL), f.Size, tomlString(string(f.SHA256)))
	}
	for _, p := range l.Packages {
		fmt.Fprintf(b, "\n[[packages]]\nname = %s\nversion = %s\n", tomlString(NormalizeName(p.Name)), tomlString(p.Version))
		if p.Marker != "" {
			fmt.Fprintf(b, "marker = %s\n", tomlString(p.Marker))
		}
		if p.RequiresPython != "" {
			fmt.Fprintf(b, "requires-python = %s\n", tomlString(p.RequiresPython))
		}
		if p.Sdist != nil {
			fmt.Fprintf(b, "sdist = %s\n", file(*p.Sdist))
		}
		if len(p.Wheels) > 0 {
			fmt.Fprintf(b, "wheels = [\n")
			for _, f := range p.Wheels {
				fmt.Fprintf(b, "  %s,\n", file(f))
			}
			fmt.Fprintf(b, "]\n")
		}
		for _, id := range p.AttestationIdentities {
			fmt.Fprintf(b, "\n[[packages.attestation-identities]]\nkind = %s\n", tomlString(id.Kind))
			workflowKey := "workflow"
			if strings.EqualFold(id.Kind, "GitLab") {
				workflowKey = "workflow_filepath" // pypi-attestations' GitLabPublisher
			}
			for _, kv := range [][2]string{{"repository", id.Repository}, {workflowKey, id.Workflow}, {"environment", id.Environment}, {"email", id.Email}} {
				if kv[1] != "" {
					fmt.Fprintf(b, "%s = %s\n", kv[0], tomlString(kv[1]))
				}
			}
		}
	}
	return b.Flush()
}

// WriteHashedRequirements writes l as a requirements file that pip
// installs in hash-checking mode: "name==version --hash=sha256:…" with
// every file's digest, so pip installs exactly those files.
func WriteHashedRequirements(w io.Writer, l *Lock) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "# Written by %s: pip install --no-index --find-links DIR -r DIR/requirements.txt\n", l.CreatedBy)
	for _, p := range l.Packages {
		line := p.Name + "==" + p.Version
		if p.Marker != "" {
			line += " ; " + p.Marker
		}
		fmt.Fprint(b, line)
		files := p.Wheels
		if p.Sdist != nil {
			files = append([]LockFile{*p.Sdist}, files...)
		}
		for _, f := range files {
			fmt.Fprintf(b, " \\\n    --hash=sha256:%s", f.SHA256)
		}
		fmt.Fprintln(b)
	}
	return b.Flush()
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
