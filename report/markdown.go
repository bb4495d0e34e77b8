package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Markers shown per verdict in the markdown table, so a CI step summary
// reads at a glance (SPEC §7). A package not applicable to the target has
// no marker: it was not checked, and says so in words.
var (
	evidenceMarker = map[string]string{
		"verified":  "✅",
		"hash-only": "⚠️",
		"failed":    "❌",
		"error":     "❗",
	}
	policyMarker = map[string]string{
		policyOK:         "✅",
		policyViolation:  "❌",
		policyIncomplete: "❗",
	}
)

// writeMarkdown renders d for a CI step summary ($GITHUB_STEP_SUMMARY): a
// heading, the summary line, a table with one row per package and a list
// of the problems (SPEC §7). Every value from the input is escaped, so a
// package name or message cannot break the table or inject markup.
func writeMarkdown(w io.Writer, d *Document) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "## pyverify report\n\n")
	if tw := targetWords(d.Target); tw != "" {
		fmt.Fprintf(b, "Target: %s\n\n", mdEscape(tw))
	}
	fmt.Fprintf(b, "**%s**\n", mdEscape(summaryLine(d.Summary)))
	if len(d.Packages) > 0 {
		fmt.Fprintf(b, "\n| Package | Version | Evidence | Publisher | Policy |\n")
		fmt.Fprintf(b, "|---|---|---|---|---|\n")
		for _, p := range d.Packages {
			pol := policyResult(p)
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n",
				mdEscape(nameWithMarker(p)),
				mdEscape(orDash(p.Version)),
				marked(evidenceMarker[p.Evidence], evidenceCell(p)),
				mdEscape(publisherCell(p)),
				marked(policyMarker[pol], pol))
		}
	}
	first := true
	for _, p := range d.Packages {
		probs := packageProblems(p)
		if len(probs) == 0 && len(p.Notes) == 0 {
			continue
		}
		if first {
			fmt.Fprintf(b, "\n### Problems\n")
			first = false
		}
		head := "**" + mdEscape(packageLabel(p)) + "**"
		if src := p.Source.String(); src != "" {
			head += " (" + mdEscape(src) + ")"
		}
		fmt.Fprintf(b, "\n%s\n\n", head)
		for _, pr := range probs {
			// The item starts with our own markup, so no input can turn it
			// into a nested list or heading.
			fmt.Fprintf(b, "- **%s**: %s\n", mdEscape(pr.Kind), mdEscape(pr.where()))
		}
		for _, n := range p.Notes {
			fmt.Fprintf(b, "- note: %s\n", mdEscape(n))
		}
	}
	first = true
	for _, p := range d.Packages {
		if p.Applicable == nil || *p.Applicable {
			continue
		}
		if first {
			fmt.Fprintf(b, "\n### Not applicable to the target\n\n")
			first = false
		}
		fmt.Fprintf(b, "- **%s**: %s\n", mdEscape(packageLabel(p)), mdEscape(orDash(p.NotApplicableReason)))
	}
	first = true
	for _, p := range d.Packages {
		if p.Installed == nil {
			continue
		}
		if first {
			fmt.Fprintf(b, "\n### Installed\n\n")
			first = false
		}
		fmt.Fprintf(b, "- **%s**: %s\n", mdEscape(packageLabel(p)), mdEscape(installedWords(p.Installed)))
	}
	first = true
	for _, p := range d.Packages {
		if len(p.SkippedFiles) == 0 {
			continue
		}
		if first {
			fmt.Fprintf(b, "\n### Files the target does not install\n\n")
			first = false
		}
		for _, sf := range p.SkippedFiles {
			fmt.Fprintf(b, "- %s: %s\n", mdEscape(sf.Filename), mdEscape(sf.Reason))
		}
	}
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write markdown report: %w", err)
	}
	return nil
}

// marked prefixes an escaped value with its marker, if it has one.
func marked(marker, s string) string {
	if marker == "" {
		return mdEscape(s)
	}
	return marker + " " + mdEscape(s)
}

// mdReplacer escapes what GitHub-flavoured markdown would interpret in a
// table cell or list item: the cell separator, emphasis, code, links and
// HTML (oneLine has already removed line breaks).
var mdReplacer = strings.NewReplacer(
	`\`, `\\`,
	"|", `\|`,
	"*", `\*`,
	"_", `\_`,
	"`", "\\`",
	"[", `\[`,
	"]", `\]`,
	"~", `\~`,
	"#", `\#`,
	"<", "&lt;",
	">", "&gt;",
	"&", "&amp;",
)

// mdEscape makes s literal text in a markdown cell or list item.
func mdEscape(s string) string {
	return mdReplacer.Replace(oneLine(s))
}
