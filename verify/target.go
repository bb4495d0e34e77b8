package verify

import (
	"fmt"

	"github.com/pyverify/pyverify/pypi"
)

// This file narrows an audit to what one environment installs (issue #11):
// with Options.Target, a requirement whose marker is false there is not
// applicable, and a release's files are those pip would choose from.

// SkippedFile is a file of the release that was not checked because the
// target would not install it, and why.
type SkippedFile struct {
	Filename string
	Reason   string
}

// notApplicable returns why r does not apply to the target: its PEP 508
// marker is false there (evaluated as pip evaluates a requirement's marker,
// with no extra). "" means it applies. Without a target every requirement
// applies and markers are not evaluated (SPEC §3).
func (e *Engine) notApplicable(r pypi.Requirement) string {
	if e.o.Target == nil || r.ParsedMarker.IsEmpty() || r.ParsedMarker.Evaluate(e.env) {
		return ""
	}
	return fmt.Sprintf("%s: marker %q is false for the target (%s); not checked", r.Text, r.ParsedMarker.String(), e.o.Target)
}

// targetFiles keeps, of the candidate files (indexes into rel.Files), those
// the target could install, in pip's way: every wheel with a tag the target
// installs, and the sdists only when no wheel fits; a file whose
// Requires-Python excludes the target's Python is skipped first. Foreign
// files are kept, since they are evidence against the index. A file whose
// name cannot be read is kept, so it is checked rather than hidden.
func (e *Engine) targetFiles(rel *pypi.Release, cands []int, foreign map[int]string) (keep []int, skipped []SkippedFile) {
	if e.o.Target == nil {
		return cands, nil
	}
	t := e.o.Target
	var sdists []int
	wheel := false
	for _, i := range cands {
		f := rel.Files[i]
		if _, bad := foreign[i]; bad {
			keep = append(keep, i)
			continue
		}
		d, err := pypi.ParseDistFilename(f.Filename)
		if err != nil {
			keep = append(keep, i)
			continue
		}
		if allowed, _ := t.AllowsPython(f.RequiresPython); !allowed {
			skipped = append(skipped, SkippedFile{f.Filename, fmt.Sprintf("Requires-Python %q excludes Python %s", f.RequiresPython, t.FullPythonVersion())})
			continue
		}
		switch {
		case d.Kind == pypi.Sdist:
			sdists = append(sdists, i)
		case e.installs(d):
			keep = append(keep, i)
			wheel = true
		default:
			skipped = append(skipped, SkippedFile{f.Filename, "no tag of this wheel is installed by the target (" + t.String() + ")"})
		}
	}
	for _, i := range sdists {
		if wheel {
			skipped = append(skipped, SkippedFile{rel.Files[i].Filename, "a wheel fits the target, and pip takes an sdist only when none does"})
			continue
		}
		keep = append(keep, i)
	}
	return keep, skipped
}

// installs is Target.Supported with the target's tags computed once.
func (e *Engine) installs(d pypi.DistFilename) bool {
	for _, tag := range d.Tags {
		if e.tags[tag] {
			return true
		}
	}
	return false
}

// noFileFits says that the target installs none of the release's files.
func noFileFits(name, version string, t *pypi.Target, skipped []SkippedFile) Problem {
	return Problem{Kind: NotFound, Message: fmt.Sprintf("%s %s: no file of this release installs on the target (%s): %s skipped, so pip would find no distribution",
		name, version, t, plural(len(skipped), "file"))}
}
