package verify

import (
	"fmt"
	"strings"

	"github.com/pyverify/pyverify/pypi"
)

// Binding files to the request (issue #8). The index decides which files
// a release lists, so an index that lies could list another project's
// attested files, or another release's, under the name that was asked for:
// their attestations verify, their subjects name them, and without this
// check the package would read "verified". Every document and every file
// is therefore checked against what was asked before any of it counts.

// sameVersion reports whether the index's spelling got names the release
// want: PEP 440-equal when both parse, else (=== pins of legacy versions)
// the same string up to case, as packaging compares arbitrary equality.
// arbitrary asks for the string comparison even when both parse.
func sameVersion(want, got string, arbitrary bool) bool {
	if arbitrary {
		return strings.EqualFold(strings.TrimSpace(want), strings.TrimSpace(got))
	}
	w, werr := pypi.ParseVersion(want)
	g, gerr := pypi.ParseVersion(got)
	if werr != nil || gerr != nil {
		return strings.EqualFold(strings.TrimSpace(want), strings.TrimSpace(got))
	}
	return w.Equal(g)
}

// checkReleaseDocument checks that the JSON API document of a release
// names the project and version that were requested (info.name and
// info.version). It returns nil when it does.
func checkReleaseDocument(project, version string, arbitrary bool, rel *pypi.Release) *Problem {
	nameOK := pypi.NormalizeName(rel.Name) == pypi.NormalizeName(project)
	versionOK := sameVersion(version, rel.Version, arbitrary)
	if nameOK && versionOK {
		return nil
	}
	return &Problem{Kind: IndexMismatch, Message: fmt.Sprintf(
		"%s %s: asked for this release, but the index's document describes %s %s (info.name, info.version): it serves something other than what was asked",
		project, version, rel.Name, rel.Version)}
}

// checkFileBinding checks that filename is a distribution of project at
// version. It returns "" when it is, else why not. Wheels and current
// sdists are parsed with packaging's rules (pypi.ParseDistFilename); files
// in legacy formats that old releases still list (eggs, .tar.bz2, Windows
// installers) have no strict grammar, so their name must start with the
// project, a dash and the version.
func checkFileBinding(project, version string, arbitrary bool, filename string) string {
	// Under === too: a name that parses has one version, which must be
	// the release's, not merely start with it (demo-1.0.1-….whl is not
	// demo===1.0's).
	if d, err := pypi.ParseDistFilename(filename); err == nil {
		if d.Name != pypi.NormalizeName(project) {
			return fmt.Sprintf("it is a distribution of the project %s, not %s", d.Name, pypi.NormalizeName(project))
		}
		if !sameVersion(version, d.Version.String(), false) {
			return fmt.Sprintf("it is a distribution of %s %s, not of %s", d.Name, d.Version, version)
		}
		return ""
	}
	if legacyBinds(project, version, arbitrary, filename) {
		return ""
	}
	return fmt.Sprintf("its name is not a distribution filename of %s %s", project, version)
}

// legacyExtensions are the distribution formats PyPI once accepted and
// old releases still list, longest first so ".tar.bz2" wins over ".bz2".
var legacyExtensions = []string{
	".tar.gz", ".tar.bz2", ".tar.xz", ".tar.Z", ".tar", ".tgz", ".tbz", ".txz",
	".zip", ".whl", ".egg", ".exe", ".msi", ".rpm", ".dmg", ".deb",
}

// legacyBinds reports whether filename is NAME-VERSION[-…|.…]EXT with NAME
// normalising to project and VERSION naming version. The version is the
// text after the name's dash up to the next dash, or a shorter prefix of
// it ending before a dot ("1.0.win32" in a bdist_wininst name). The longest
// prefix that is a PEP 440 version is the version: 1.0.1 and 1.0.post1
// are not 1.0 with a suffix.
func legacyBinds(project, version string, arbitrary bool, filename string) bool {
	stem := ""
	for _, ext := range legacyExtensions {
		if strings.HasSuffix(strings.ToLower(filename), strings.ToLower(ext)) {
			stem = filename[:len(filename)-len(ext)]
			break
		}
	}
	if stem == "" {
		return false
	}
	want := pypi.NormalizeName(project)
	for i := 0; i < len(stem); i++ {
		if stem[i] != '-' || pypi.NormalizeName(stem[:i]) != want {
			continue
		}
		rest := stem[i+1:]
		if j := strings.IndexByte(rest, '-'); j >= 0 {
			rest = rest[:j]
		}
		for cand := rest; cand != ""; {
			if sameVersion(version, cand, arbitrary) {
				return true
			}
			if _, err := pypi.ParseVersion(cand); err == nil {
				break
			}
			j := strings.LastIndexByte(cand, '.')
			if j < 0 {
				break
			}
			cand = cand[:j]
		}
	}
	return false
}

// bindFiles checks every file rel lists against the request: it returns,
// by index into rel.Files, why a file does not belong to project at
// version, and a problem for every filename listed more than once (two
// entries of one name cannot both be the file a pip install fetches, and
// the index chose which one we would check).
func bindFiles(project, version string, arbitrary bool, rel *pypi.Release) (foreign map[int]string, dups []Problem) {
	seen := map[string]int{}
	for i, f := range rel.Files {
		if why := checkFileBinding(project, version, arbitrary, f.Filename); why != "" {
			if foreign == nil {
				foreign = map[int]string{}
			}
			foreign[i] = why
		}
		seen[f.Filename]++
		if seen[f.Filename] == 2 {
			dups = append(dups, Problem{Kind: IndexMismatch, Message: fmt.Sprintf(
				"%s %s: the index lists %s more than once; one release holds one file of a name", project, version, f.Filename)})
		}
	}
	return foreign, dups
}

// foreignFile is the result for a listed file that is not a distribution
// of the requested release: it is neither downloaded nor verified, and it
// fails the package.
func foreignFile(project, version string, f pypi.File, why string) File {
	return File{Filename: f.Filename, URL: f.URL, Size: f.Size, SHA256: f.SHA256,
		Bytes: BytesNotDownloaded, Evidence: Failed, Problems: []Problem{{Kind: IndexMismatch, Message: fmt.Sprintf(
			"%s: the index lists this file for %s %s, but %s", f.Filename, project, version, why)}}}
}
