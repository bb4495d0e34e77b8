package report

// SARIF 2.1.0 output, with our own minimal structs (STYLE §5.4, after
// golang/vuln internal/sarif). The mapping:
//
//   - one run; tool.driver is pyverify with its version, and one rule per
//     problem kind of SPEC §5 (rule id = the kind slug), described from the
//     same table as Explain, with a default level: error for contrary
//     evidence and policy refusals, warning otherwise;
//   - one result per problem, package-level and file-level alike (a file's
//     attestation problems included), in package input order and
//     (kind, message) order within a file;
//   - a result's level is error when its package violates the policy or the
//     problem is contrary evidence, warning otherwise (incomplete checks and
//     notes on packages that pass);
//   - a result is located at the requirement's FILE:LINE (Package.Source):
//     artifactLocation.uri is FILE relative to %SRCROOT%, region.startLine
//     is LINE. Every result also has a logical location naming the package,
//     which is its only location when the requirement came from the command
//     line.
//   - properties carry the package, version, file, evidence and policy
//     result for consumers that want more than the message.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
)

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	// informationURI is where users learn about the tool (SARIF
	// toolComponent.informationUri).
	informationURI = "https://github.com/pyverify/pyverify"
	srcRoot        = "%SRCROOT%"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	Name                 string       `json:"name"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	FullDescription      sarifMessage `json:"fullDescription"`
	Help                 sarifMessage `json:"help"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID     string          `json:"ruleId"`
	RuleIndex  int             `json:"ruleIndex"`
	Level      string          `json:"level"`
	Message    sarifMessage    `json:"message"`
	Locations  []sarifLocation `json:"locations"`
	Properties sarifProperties `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
	Kind               string `json:"kind"`
}

type sarifProperties struct {
	Package  string `json:"package"`
	Version  string `json:"version,omitempty"`
	File     string `json:"file,omitempty"`
	Evidence string `json:"evidence"`
	// Bytes is where the file's bytes came from this run (the package's
	// bytes note for a package-level problem), so that a result never
	// reads as a check of bytes that were not fetched (issue #8).
	Bytes  string `json:"bytes,omitempty"`
	Policy string `json:"policy"`
}

// writeSARIF renders d as a SARIF 2.1.0 log (SPEC §7), mapped as the
// comment at the top of this file describes.
func writeSARIF(w io.Writer, d *Document) error {
	rules, index := sarifRules(d)
	results := []sarifResult{}
	for _, p := range d.Packages {
		loc := sarifLocationOf(p)
		for _, pr := range packageProblems(p) {
			results = append(results, sarifResult{
				RuleID:    pr.Kind,
				RuleIndex: index[pr.Kind],
				Level:     sarifLevel(p, pr.Kind),
				Message:   sarifMessage{Text: sarifText(p, pr)},
				Locations: []sarifLocation{loc},
				Properties: sarifProperties{
					Package:  p.Name,
					Version:  p.Version,
					File:     pr.File,
					Evidence: p.Evidence,
					Bytes:    sarifBytes(p, pr.File),
					Policy:   policyResult(p),
				},
			})
		}
	}
	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           ToolName,
				Version:        d.Tool.Version,
				InformationURI: informationURI,
				Rules:          rules,
			}},
			Results: results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif report: %w", err)
	}
	return nil
}

// sarifRules returns one rule per SPEC §5 problem kind, then one per kind
// found in d that SPEC does not list (so that every result's ruleIndex
// points at a rule), with each rule's index.
func sarifRules(d *Document) ([]sarifRule, map[string]int) {
	kinds := slices.Clone(problemKinds)
	var extra []string
	for _, p := range d.Packages {
		for _, pr := range packageProblems(p) {
			if !slices.Contains(kinds, pr.Kind) && !slices.Contains(extra, pr.Kind) {
				extra = append(extra, pr.Kind)
			}
		}
	}
	slices.Sort(extra)
	kinds = append(kinds, extra...)
	rules := make([]sarifRule, len(kinds))
	index := make(map[string]int, len(kinds))
	for i, k := range kinds {
		index[k] = i
		level := "warning"
		if errorLevel(k) {
			level = "error"
		}
		title, help := title(k), Explain(k)
		if title == "" {
			title = "Problem " + k
		}
		if help == "" {
			help = "a problem kind this version of pyverify does not describe"
		}
		rules[i] = sarifRule{
			ID:                   k,
			Name:                 ruleName(k),
			ShortDescription:     sarifMessage{Text: title},
			FullDescription:      sarifMessage{Text: help},
			Help:                 sarifMessage{Text: help},
			DefaultConfiguration: sarifConfig{Level: level},
		}
	}
	return rules, index
}

// ruleName turns a kind slug into SARIF's PascalCase rule name:
// digest-mismatch → DigestMismatch.
func ruleName(kind string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(kind, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// sarifLevel is error for a violating package or contrary evidence, and
// warning for incomplete checks and notes on packages that pass.
func sarifLevel(p Package, kind string) string {
	if p.Violation || contrary(kind) {
		return "error"
	}
	return "warning"
}

// sarifText names the package, the file and the cause.
func sarifText(p Package, pr located) string {
	var b strings.Builder
	b.WriteString(packageLabel(p))
	if p.Marker != "" {
		b.WriteString(" (when " + p.Marker + ")")
	}
	b.WriteString(": " + pr.Kind)
	if m := pr.where(); m != "" {
		b.WriteString(": " + m)
	}
	return b.String()
}

// sarifLocationOf locates a package's results at its requirement's
// FILE:LINE when it has one, and always names the package logically.
func sarifLocationOf(p Package) sarifLocation {
	fq := p.Name
	if p.Version != "" {
		fq += "==" + p.Version
	}
	loc := sarifLocation{LogicalLocations: []sarifLogicalLocation{{
		Name: p.Name, FullyQualifiedName: fq, Kind: "module",
	}}}
	if p.Source.File == "" || p.Source.Line < 1 {
		return loc
	}
	art := sarifArtifactLocation{URI: fileURI(p.Source.File)}
	if !strings.HasPrefix(art.URI, "file:") {
		art.URIBaseID = srcRoot
	}
	loc.PhysicalLocation = &sarifPhysicalLocation{ArtifactLocation: art, Region: &sarifRegion{StartLine: p.Source.Line}}
	return loc
}

// fileURI turns a requirements-file path into a URI reference: relative
// paths stay relative (resolved against %SRCROOT%), absolute ones become
// file: URIs; characters that URIs reserve are escaped.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	if filepath.IsAbs(path) || strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // Windows drive letter
		}
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	p = strings.TrimPrefix(p, "./")
	return (&url.URL{Path: p}).String()
}

// sarifBytes is where the bytes of file (of p) came from, or p's bytes
// note for a package-level result.
func sarifBytes(p Package, file string) string {
	if file == "" {
		switch bytesNote(p) {
		case "not downloaded":
			return "not-downloaded"
		case "from cache":
			return "cache"
		}
		return ""
	}
	for _, f := range p.Files {
		if f.Filename == file {
			return bytesOrNotDownloaded(f.Bytes)
		}
	}
	return ""
}

func bytesOrNotDownloaded(b string) string {
	if b == "" {
		return "not-downloaded"
	}
	return b
}
