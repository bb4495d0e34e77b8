package pypi

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// maxRequirementsFileSize bounds how much of one requirements file is read.
// Real lock files are well under a megabyte; a larger file is refused rather
// than truncated (no silent failure).
const maxRequirementsFileSize = 16 << 20

// maxIncludeDepth bounds chains of -r/-c includes. Cycles are caught by
// name, but names that differ can still loop through symbolic links.
const maxIncludeDepth = 64

// ParseRequirements parses the pip requirements file name in fsys and the
// files it includes, following pip's syntax (SPEC §3) as pip 26 reads it:
// lines as Python's str.splitlines splits them (so a lone "\r", "\f" and
// "\v" end lines too); "#" comments at the start of a line or after white
// space; blank lines; "\" continuations (a logical line is located at its
// first physical line); requirements "name[extra,…] specifier ; marker"
// with a PEP 508 marker (parsed; invalid is an error) and --hash options
// (sha256, sha384 or sha512, "--hash=ALGO:HEX" or "--hash ALGO:HEX",
// repeatable), separated from the requirement by spaces; -r/--requirement
// and -c/--constraint includes, relative to the including file, where a
// cycle is an error naming the chain and -e in a constraints file is an
// error; pip's option lines, which are returned; and URL, VCS, editable
// and local-path requirements, which are returned as unsupported, as is a
// requirement written after options (pip ignores it). Unknown options are
// an error. Environment variables (${VAR}) are not expanded. Files are
// UTF-8, UTF-16/UTF-32 with a byte-order mark, or in the encoding a PEP 263
// line declares, as pip decodes them; other bytes are an error at their
// line.
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

// parseFile parses one file's contents; chain holds the files that include
// it, for cycle detection.
func (p *reqParser) parseFile(file string, data []byte, constraint bool, chain []string) {
	p.done[includeKey{file, constraint}] = true
	chain = append(chain, file)
	data, derr := decodeRequirementsText(data)
	if derr != nil {
		p.errorf(file, derr.line, nil, "%s", derr.msg)
		return
	}
	for _, ll := range logicalLines(data) {
		p.parseLine(file, ll, constraint, chain)
	}
}

func (p *reqParser) parseLine(file string, ll logicalLine, constraint bool, chain []string) {
	args, optText := splitArgsOptions(ll.text)
	tokens, err := shellSplit(optText)
	if err != nil {
		p.errorf(file, ll.line, nil, "%v", err)
		return
	}
	opts, extra, err := parseOptions(tokens)
	if err != nil {
		p.errorf(file, ll.line, nil, "%v", err)
		return
	}
	var (
		hashes []SHA256
		other  []string
	)
	for _, o := range opts {
		if o.spec.kind != optHash {
			continue
		}
		algo, h, err := parseHash(o.value)
		if err != nil {
			p.errorf(file, ll.line, nil, "%v", err)
			return
		}
		if algo == "sha256" {
			hashes = appendUnique(hashes, SHA256(h)) // parseHash checked it: 64 lower-case hex digits
		} else {
			other = appendUnique(other, algo+":"+h)
		}
	}

	if args != "" {
		// A requirement line: only per-requirement options may follow.
		for _, o := range opts {
			if o.spec.kind != optHash && o.spec.kind != optPerRequirement {
				p.errorf(file, ll.line, nil, "option %s must be on its own line, not after requirement %q", o.spec.long, args)
				return
			}
		}
		// pip splits a requirement from its options at spaces only.
		if strings.Contains(args, "\t-") {
			p.errorf(file, ll.line, nil, "invalid requirement %q: options must be separated from the requirement by a space (pip reads a tab-separated option as part of the requirement)", args)
			return
		}
		r, err := parseRequirementText(args)
		if err != nil {
			p.errorf(file, ll.line, nil, "%v", err)
			return
		}
		r.File, r.Line = file, ll.line
		r.setHashes(hashes, other)
		p.add(r, constraint)
		for _, o := range opts {
			if o.spec.kind == optPerRequirement {
				p.out.Options = append(p.out.Options, Option{Name: o.spec.long, Value: o.value, File: file, Line: ll.line})
			}
		}
		for _, a := range extra {
			p.add(ignoredRequirement(a, file, ll.line), constraint)
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
			if !editable {
				p.errorf(file, ll.line, nil, "option %s must follow a requirement on the same line", o.spec.long)
				return
			}
		case optEditable:
			if constraint {
				p.errorf(file, ll.line, nil, "editable requirements are not allowed as constraints (pip refuses -e in a -c file)")
				return
			}
		}
	}
	for _, o := range opts {
		switch o.spec.kind {
		case optEditable:
			r := Requirement{URL: o.value, Unsupported: UnsupportedEditable, Text: "-e " + RedactURL(o.value), File: file, Line: ll.line}
			r.Name = nameFromURL(o.value)
			r.setHashes(hashes, other)
			p.add(r, constraint)
		case optRequirement, optConstraint:
			p.include(file, ll.line, o.value, constraint || o.spec.kind == optConstraint, chain)
		case optGlobal, optPerRequirement:
			p.out.Options = append(p.out.Options, Option{Name: o.spec.long, Value: o.value, File: file, Line: ll.line})
		}
	}
	// pip ignores what follows the options of a line; a requirement there
	// is kept and reported, never dropped.
	for _, a := range extra {
		p.add(ignoredRequirement(a, file, ll.line), constraint)
	}
}

// ignoredRequirement is a token written after options, which pip ignores:
// an unsupported Requirement named, where it can be, like the requirement
// or URL it looks like.
func ignoredRequirement(tok, file string, line int) Requirement {
	r, err := parseRequirementText(tok)
	if err != nil || r.URL != "" {
		r = Requirement{Text: RedactURL(tok), Name: nameFromURL(tok)}
		if isURL(tok) || looksLikePath(tok) {
			r.URL = tok
		}
	}
	r.Unsupported, r.File, r.Line = UnsupportedAfterOption, file, line
	return r
}

// setHashes records the --hash pins of r: sha256 ones in Hashes, others
// in OtherHashes, which are not compared (see UnsupportedHashAlgorithm).
func (r *Requirement) setHashes(sha256 []SHA256, other []string) {
	r.Hashes, r.OtherHashes = sha256, other
	switch {
	case len(other) == 0:
	case len(sha256) == 0 && r.Unsupported == "":
		r.Unsupported = UnsupportedHashAlgorithm
	case len(sha256) > 0:
		r.Notices = append(r.Notices, "only sha256 pins are compared: the sha384/sha512 pins of this requirement are not checked")
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
