package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ANSI SGR sequences for the text format; used only when Options.Color.
const (
	ansiReset   = "\x1b[0m"
	ansiBold    = "\x1b[1m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiMagenta = "\x1b[35m"
)

// textWriter carries the options and the first write error, so the
// renderer reads straight through without an error check per line.
type textWriter struct {
	w     *bufio.Writer
	color bool
}

func (t *textWriter) printf(format string, args ...any) {
	fmt.Fprintf(t.w, format, args...)
}

// paint wraps s in an ANSI colour when colour is on.
func (t *textWriter) paint(code, s string) string {
	if !t.color || code == "" || s == "" {
		return s
	}
	return code + s + ansiReset
}

// evidenceColor: green verified, yellow hash-only, red failed, magenta
// error (STYLE §5 via the brief; SPEC §2 decides when colour is on).
func evidenceColor(e string) string {
	e, _, _ = strings.Cut(e, " ") // "hash-only (not downloaded)"
	switch e {
	case "verified":
		return ansiGreen
	case "hash-only":
		return ansiYellow
	case "failed":
		return ansiRed
	}
	return ansiMagenta
}

func policyColor(r string) string {
	switch r {
	case policyOK:
		return ansiGreen
	case policyViolation:
		return ansiRed + ansiBold
	}
	return ansiMagenta
}

// writeText renders SPEC §7's text format: a table with one row per
// package, a one-line summary, then the problems; or, with o.Detail, every
// file, attestation and problem with an explanation of what to do.
func writeText(w io.Writer, d *Document, o Options) error {
	t := &textWriter{w: bufio.NewWriter(w), color: o.Color}
	if tw := targetWords(d.Target); tw != "" {
		t.printf("Target: %s\n\n", oneLine(tw))
	}
	if o.Detail {
		t.detail(d)
	} else {
		t.table(d, o.Width)
		t.markers(d)
		t.installed(d)
		t.problems(d)
	}
	if len(d.Packages) > 0 {
		t.printf("\n")
	}
	t.printf("%s\n", summaryLine(d.Summary))
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("write text report: %w", err)
	}
	return nil
}

// Table columns; publisher is the one shortened to fit Options.Width.
const (
	colPackage = iota
	colVersion
	colEvidence
	colPublisher
	colPolicy
	numCols
)

// minPublisherWidth keeps the publisher column readable on narrow terminals.
const minPublisherWidth = 16

// table prints the aligned package table. Widths are computed on the plain
// text, so colour codes never disturb the alignment.
func (t *textWriter) table(d *Document, width int) {
	if len(d.Packages) == 0 {
		return
	}
	rows := [][numCols]string{{"PACKAGE", "VERSION", "EVIDENCE", "PUBLISHER", "POLICY"}}
	for _, p := range d.Packages {
		rows = append(rows, [numCols]string{
			oneLine(p.Name), oneLine(orDash(p.Version)), oneLine(evidenceCell(p)),
			oneLine(publisherCell(p)), policyResult(p),
		})
	}
	var widths [numCols]int
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	if width > 0 {
		total := (numCols - 1) * 2
		for _, w := range widths {
			total += w
		}
		if over := total - width; over > 0 {
			widths[colPublisher] = max(minPublisherWidth, widths[colPublisher]-over)
		}
	}
	for i, r := range rows {
		r[colPublisher] = truncate(r[colPublisher], widths[colPublisher])
		var line strings.Builder
		for c, cell := range r {
			pad := strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell))
			if c == numCols-1 {
				pad = ""
			} else {
				pad += "  "
			}
			switch {
			case i == 0:
				cell = t.paint(ansiBold, cell)
			case c == colEvidence:
				cell = t.paint(evidenceColor(cell), cell)
			case c == colPolicy:
				cell = t.paint(policyColor(cell), cell)
			}
			line.WriteString(cell + pad)
		}
		t.printf("%s\n", line.String())
	}
}

// truncate shortens s to n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n || n < 1 {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// markers lists the environment markers below the table (SPEC §3: kept
// and shown), where a long one cannot push the table's rows apart.
func (t *textWriter) markers(d *Document) {
	first := true
	for _, p := range d.Packages {
		if p.Marker == "" {
			continue
		}
		if first {
			t.printf("\n%s\n", t.paint(ansiBold, "Markers:"))
			first = false
		}
		note := ""
		if p.Applicable != nil && !*p.Applicable {
			note = " (false for the target: not checked)"
		}
		t.printf("  %s: %s%s\n", oneLine(packageLabel(p)), oneLine(p.Marker), note)
	}
}

// installed lists, below the table, where each installed distribution
// (audit --path) is and how much of it is bound to the wheel checked.
func (t *textWriter) installed(d *Document) {
	first := true
	for _, p := range d.Packages {
		if p.Installed == nil {
			continue
		}
		if first {
			t.printf("\n%s\n", t.paint(ansiBold, "Installed:"))
			first = false
		}
		t.printf("  %s: %s\n", oneLine(packageLabel(p)), oneLine(installedWords(p.Installed)))
	}
}

// installedWords says where an installed distribution is and how its files
// bind to the wheel: "venv/…/demo-1.0.dist-info: 4 of 9 RECORD files bound
// to demo-1.0-py3-none-any.whl, 1 modified, 5 not bound (written by the
// installer)".
func installedWords(in *Installed) string {
	if in == nil {
		return ""
	}
	s := in.Path + ": "
	switch {
	case in.Wheel != "":
		s += fmt.Sprintf("%d of %s bound to %s", in.Bound, plural(in.RecordFiles, "RECORD file", "RECORD files"), in.Wheel)
		if len(in.Modified) > 0 {
			s += fmt.Sprintf(", %d modified (%s)", len(in.Modified), strings.Join(in.Modified[:min(3, len(in.Modified))], ", "))
			if len(in.Modified) > 3 {
				s += ", …"
			}
		}
		if len(in.NotBound) > 0 {
			s += fmt.Sprintf(", %d not bound (written or generated by the installer)", len(in.NotBound))
		}
	case in.Note != "":
		s += fmt.Sprintf("%s, not bound: %s", plural(in.RecordFiles, "RECORD file", "RECORD files"), in.Note)
	default:
		s += fmt.Sprintf("%s, not bound", plural(in.RecordFiles, "RECORD file", "RECORD files"))
	}
	return s
}

// problems lists every problem below the table, grouped by package: kind
// and message (which names the file) on one line each.
func (t *textWriter) problems(d *Document) {
	first := true
	for _, p := range d.Packages {
		probs := packageProblems(p)
		if len(probs) == 0 && len(p.Notes) == 0 {
			continue
		}
		if first {
			t.printf("\n%s\n", t.paint(ansiBold, "Problems:"))
			first = false
		}
		head := packageLabel(p)
		if src := p.Source.String(); src != "" {
			head += " (" + src + ")"
		}
		t.printf("  %s\n", oneLine(head))
		for _, pr := range probs {
			t.printf("    %s: %s\n", t.paint(problemColor(p), oneLine(pr.Kind)), oneLine(pr.where()))
		}
		for _, n := range p.Notes {
			t.printf("    note: %s\n", oneLine(n))
		}
	}
}

// problemColor colours a problem kind by what it did to its package.
func problemColor(p Package) string {
	switch {
	case p.Violation:
		return ansiRed
	case !p.OK:
		return ansiMagenta
	}
	return ansiYellow
}

// detail prints everything known about each package (Options.Detail).
func (t *textWriter) detail(d *Document) {
	for i, p := range d.Packages {
		if i > 0 {
			t.printf("\n")
		}
		pol := policyResult(p)
		t.printf("%s: %s, policy %s\n", t.paint(ansiBold, oneLine(packageLabel(p))),
			t.paint(evidenceColor(p.Evidence), oneLine(evidenceCell(p))), t.paint(policyColor(pol), pol))
		req := p.Requirement
		if src := p.Source.String(); src != "" {
			req += " (" + src + ")"
		}
		t.field(2, "requirement", req)
		t.field(2, "marker", p.Marker)
		t.field(2, "not checked", p.NotApplicableReason)
		t.field(2, "policy entry", p.PolicyEntry)
		t.field(2, "policy reason", p.PolicyReason)
		t.field(2, "continuity", continuityWords(p.Continuity))
		for _, n := range p.Notes {
			t.field(2, "note", n)
		}
		t.field(2, "installed", installedWords(p.Installed))
		t.explained(2, p, sortedProblems(p.Problems))
		for _, f := range p.Files {
			ev := f.Evidence
			switch f.Bytes {
			case "cache":
				ev += " (from cache)"
			case "not-downloaded", "":
				ev += " (not downloaded)"
			}
			t.printf("  file %s: %s\n", oneLine(f.Filename), t.paint(evidenceColor(f.Evidence), oneLine(ev)))
			t.field(4, "sha256", f.SHA256)
			t.field(4, "size", plural(int(f.Size), "byte", "bytes"))
			t.field(4, "bytes", bytesWords(f.Bytes))
			t.field(4, "signatures", verificationWords(f.Verification))
			t.field(4, "url", f.URL)
			for j, a := range f.Attestations {
				t.attestation(j+1, a)
			}
			if len(f.Attestations) == 0 {
				t.field(4, "attestations", noAttestations(f))
			}
			t.explained(4, p, fileProblems(f))
		}
		for _, sf := range p.SkippedFiles {
			t.printf("  skipped %s: %s\n", oneLine(sf.Filename), oneLine(sf.Reason))
		}
	}
}

// attestation prints one attestation's outcome and identity.
func (t *textWriter) attestation(n int, a Attestation) {
	state := t.paint(ansiGreen, "verified")
	if !a.Verified {
		state = t.paint(ansiRed, "not verified")
	}
	t.printf("    attestation %d: %s\n", n, state)
	if a.IdentityUnverified {
		t.field(6, "identity", "as its certificate claims: the signature did not verify, so none of it is authenticated")
	}
	t.field(6, "predicate", a.PredicateType)
	pub := a.Publisher
	var parts []string
	for _, kv := range [][2]string{
		{"", strings.TrimSpace(pub.Kind + " " + pub.Repository)},
		{"workflow ", pub.Workflow},
		{"environment ", deref(pub.Environment)},
		{"email ", pub.Email},
	} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+kv[1])
		}
	}
	t.field(6, "publisher", strings.Join(parts, ", "))
	id := a.Identity
	t.field(6, "ref", id.SourceRef)
	t.field(6, "commit", id.SourceDigest)
	t.field(6, "run", id.RunInvocation)
	t.field(6, "runner", id.RunnerEnvironment)
	t.field(6, "SAN", id.SAN)
	t.field(6, "issuer", id.Issuer)
	if a.IntegratedTime != nil || a.LogIndex != 0 {
		log := "index " + strconv.FormatInt(a.LogIndex, 10)
		if a.IntegratedTime != nil {
			log += ", integrated " + a.IntegratedTime.UTC().Format(time.RFC3339)
		}
		t.field(6, "log entry", log)
	}
	if a.TimeSource != nil && *a.TimeSource == "rfc3161" {
		t.field(6, "signing time", "from an RFC 3161 timestamp")
	}
}

// noAttestations says why a file shows no attestation: "none published"
// only when the index said so, never when the provenance was not fetched
// (offline and not cached, unreachable, an error answer, interrupted).
func noAttestations(f File) string {
	for _, pr := range f.Problems {
		switch pr.Kind {
		case "network", "index-error", "not-found":
			if strings.Contains(pr.Message, "provenance") {
				return "not fetched: the provenance could not be retrieved (see the problems)"
			}
		}
	}
	return "none published"
}

// explained prints problems with what each means and what to do next.
func (t *textWriter) explained(indent int, p Package, probs []Problem) {
	if len(probs) == 0 {
		return
	}
	pad := strings.Repeat(" ", indent)
	t.printf("%sproblems:\n", pad)
	for _, pr := range probs {
		t.printf("%s  %s: %s\n", pad, t.paint(problemColor(p), oneLine(pr.Kind)), oneLine(pr.Message))
		if e := Explain(pr.Kind); e != "" {
			t.printf("%s    means: %s\n", pad, e)
		}
	}
}

// detailKeyWidth aligns the values of the detail view.
const detailKeyWidth = 13

// field prints "key  value" at the given indent, or nothing for an empty
// value.
func (t *textWriter) field(indent int, key, value string) {
	if value == "" {
		return
	}
	t.printf("%s%-*s %s\n", strings.Repeat(" ", indent), detailKeyWidth, key, oneLine(value))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// oneLine keeps a message on its line and strips control characters, so
// input (an index's error text, a file name) cannot forge report lines or
// terminal escapes.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return -1
		}
		return r
	}, s)
}
