package verify

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/pyverify/pyverify/pypi"
)

// Installed is how an installed distribution's files on disk bind to the
// wheel checked for it (issue #12): the wheel's own RECORD and the
// installed RECORD must agree, path by path, on every file an installer
// copies verbatim, and each of those files must hash to it now.
type Installed struct {
	Path        string // the .dist-info directory, as the user named the environment
	Wheel       string // the wheel whose RECORD the files were compared with; "" when none
	RecordFiles int    // rows of the installed RECORD
	// Bound counts the rows whose path and hash the wheel's RECORD lists
	// too and whose file hashes to it on disk.
	Bound int
	// Modified are the RECORD paths that differ from the wheel or on disk,
	// or are missing; each is also an installed-modified problem.
	Modified []string
	// NotBound are the rows nothing binds to the wheel: files an installer
	// writes or generates (RECORD, INSTALLER, console scripts, .pyc) or
	// relocates (the wheel's .data scripts, headers and data), and paths
	// outside the environment. Listed, not failures.
	NotBound []string
	// Note says why the files could not be bound at all, e.g. that the
	// distribution was built from the sdist here.
	Note string
}

// NoteBuiltHere is Installed.Note for a distribution no published wheel
// matches: it was built locally, so its sdist is what was checked.
const NoteBuiltHere = "built from the sdist here: installed files cannot be bound to it"

// maxModifiedProblems bounds the installed-modified problems of one
// distribution (Installed.Modified lists every path): a reinstalled or
// patched package should not bury the report in one line per file.
const maxModifiedProblems = 10

// installerWritten are the .dist-info files an installer writes itself
// (the wheel specification; PEP 376, PEP 610, PEP 376's REQUESTED): a
// wheel's copy, when it has one, is not what is installed.
var installerWritten = []string{"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}

// newInstalled is the start of p.Installed for an installed distribution.
func newInstalled(d *pypi.InstalledDist) *Installed {
	return &Installed{Path: d.Path(d.DistInfo), RecordFiles: len(d.Record)}
}

// selectInstalled picks the release's file that is checked for an
// installed distribution: the wheel whose filename's tags include every
// Tag of the installed WHEEL (the same set preferred) with the same build
// tag. With none, the distribution was built here, and the sdists are
// checked instead. wheel is the index of the bound wheel in rel.Files, or -1.
func selectInstalled(d *pypi.InstalledDist, rel *pypi.Release) (files []int, wheel int, note string) {
	wheel = -1
	for i, f := range rel.Files {
		df, err := pypi.ParseDistFilename(f.Filename)
		if err != nil || df.Kind != pypi.Wheel || df.Build != d.Build {
			continue
		}
		if !containsAll(df.Tags, d.Tags) {
			continue
		}
		if wheel < 0 || slices.Equal(df.Tags, d.Tags) {
			wheel = i
		}
	}
	if wheel >= 0 {
		return []int{wheel}, wheel, ""
	}
	for i, f := range rel.Files {
		if df, err := pypi.ParseDistFilename(f.Filename); err == nil && df.Kind == pypi.Sdist {
			files = append(files, i)
		}
	}
	return files, -1, NoteBuiltHere
}

func containsAll(have, want []pypi.WheelTag) bool {
	for _, t := range want {
		if !slices.Contains(have, t) {
			return false
		}
	}
	return len(want) > 0
}

// teeFile is a hashingWriter that also keeps the bytes in a temporary file,
// so that the wheel's RECORD can be read after the download without holding
// the wheel in memory. Reset (a damaged cache copy, see pypi.Client.Download)
// empties the file too.
type teeFile struct {
	*hashingWriter
	f *os.File
}

func (t *teeFile) Write(p []byte) (int, error) {
	if _, err := t.f.Write(p); err != nil {
		return 0, err
	}
	return t.hashingWriter.Write(p)
}

func (t *teeFile) Reset() {
	t.hashingWriter.Reset()
	_ = t.f.Truncate(0)
	_, _ = t.f.Seek(0, io.SeekStart)
}

// checkInstalledWheel checks the wheel an installed distribution is bound
// to, as checkFile does, keeping its bytes in a temporary file from which
// the wheel's RECORD is read. The RECORD is nil, with the reason, when the
// bytes could not be checked or read.
func (e *Engine) checkInstalledWheel(ctx context.Context, project, version string, f pypi.File, distInfo string) (File, []pypi.RecordEntry, *Problem) {
	tmp, err := os.CreateTemp("", "pyverify-wheel-*")
	if err != nil {
		out, _ := e.checkFile(ctx, project, version, f, nil)
		return out, nil, &Problem{Kind: IndexError, Message: fmt.Sprintf("%s: cannot keep the wheel to read its RECORD: %v", f.Filename, err)}
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	out, ok := e.checkFile(ctx, project, version, f, tmp)
	if !ok {
		return out, nil, nil // the file's own problems say why
	}
	rec, err := wheelRecord(tmp, f.Filename, distInfo)
	if err != nil {
		return out, nil, &Problem{Kind: IndexError, Message: fmt.Sprintf("%s: the wheel's RECORD cannot be read: %v", f.Filename, err)}
	}
	return out, rec, nil
}

// wheelRecord reads NAME.dist-info/RECORD from the wheel in f (the
// installed dist-info's name; else the wheel's only top-level
// .dist-info/RECORD), bounded by pypi.MaxRecordSize.
func wheelRecord(f *os.File, filename, distInfo string) ([]pypi.RecordEntry, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return nil, err
	}
	var (
		found  *zip.File
		others int // RECORDs of other names
		count  = map[string]int{}
	)
	for _, zf := range zr.File {
		dir, base := path.Split(zf.Name)
		if base != "RECORD" || strings.Count(zf.Name, "/") != 1 || !strings.HasSuffix(dir, ".dist-info/") {
			continue
		}
		count[zf.Name]++
		switch {
		case dir == distInfo+"/":
			found = zf
		case found == nil || path.Dir(found.Name) != distInfo:
			if found != nil && found.Name != zf.Name {
				others++
			}
			found = zf
		}
	}
	switch {
	case found == nil:
		return nil, errors.New("no .dist-info/RECORD in the wheel")
	case count[found.Name] > 1:
		// Python's zipfile, so pip, reads the last entry of a name: which
		// RECORD was installed is ambiguous.
		return nil, fmt.Errorf("the wheel holds %s twice", found.Name)
	case others > 0 && path.Dir(found.Name) != distInfo:
		return nil, fmt.Errorf("more than one .dist-info/RECORD and none is %s/RECORD", distInfo)
	}
	if found.UncompressedSize64 > pypi.MaxRecordSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", found.Name, pypi.MaxRecordSize)
	}
	rc, err := found.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return pypi.ParseRecord(filename+"!"+found.Name, rc) // ParseRecord bounds what it reads
}

// bindInstalled compares the installed RECORD of d with the RECORD of the
// wheel it was installed from, and the files on disk with both: issue #12's
// binding. It fills in and returns the Modified, NotBound and Bound of in,
// with an installed-modified problem per path (up to maxModifiedProblems)
// and the RECORD line of the first one.
func bindInstalled(d *pypi.InstalledDist, in *Installed, wheel []pypi.RecordEntry) ([]Problem, int) {
	base := path.Base(d.DistInfo)
	written := func(p string) bool {
		dir, name := path.Split(p)
		return dir == base+"/" && slices.Contains(installerWritten, name)
	}
	// The wheel's rows by the path they are installed at: .data/purelib
	// and .data/platlib land in site-packages; other .data directories are
	// relocated (and scripts rewritten), so they bind to nothing.
	fromWheel := map[string]pypi.RecordEntry{}
	for _, w := range wheel {
		p := w.Path
		if top, rest, ok := strings.Cut(p, "/"); ok && strings.HasSuffix(top, ".data") {
			kind, sub, _ := strings.Cut(rest, "/")
			if kind != "purelib" && kind != "platlib" {
				continue
			}
			p = sub
		}
		if w.Algorithm == "" || written(p) {
			continue
		}
		fromWheel[p] = w
	}
	var (
		probs     []Problem
		unread    []Problem
		firstLine int
	)
	modified := func(e pypi.RecordEntry, why string) {
		in.Modified = append(in.Modified, e.Path)
		if firstLine == 0 {
			firstLine = e.Line
		}
		if len(probs) < maxModifiedProblems {
			probs = append(probs, Problem{Kind: InstalledModified,
				Message: fmt.Sprintf("%s %s: installed file %s %s (%s:%d)", d.Name, d.Version, e.Path, why, d.RecordPath(), e.Line)})
		}
	}
	listed := map[string]bool{}
	for _, e := range d.Record {
		listed[e.Path] = true
		w, inWheel := fromWheel[e.Path]
		switch {
		case written(e.Path):
			in.NotBound = append(in.NotBound, e.Path)
			continue
		case inWheel && e.Algorithm == "":
			modified(e, fmt.Sprintf("has no hash in the installed RECORD, but the wheel %s lists %s", in.Wheel, w.Hash()))
			continue
		case inWheel && (w.Algorithm != e.Algorithm || !bytes.Equal(w.Digest, e.Digest)):
			modified(e, fmt.Sprintf("is listed with %s in the installed RECORD, but with %s in the RECORD of the wheel %s: the RECORD was edited", e.Hash(), w.Hash(), in.Wheel))
			continue
		case e.Algorithm == "":
			in.NotBound = append(in.NotBound, e.Path) // generated by the installer (.pyc)
			continue
		}
		p, ok := d.SafeRecordPath(e.Path)
		if !ok {
			in.NotBound = append(in.NotBound, e.Path) // outside the environment: never read
			continue
		}
		why, err := diskDiffers(d.FS, p, e)
		switch {
		case err != nil:
			// Not evidence of a change: the check could not run (error).
			unread = append(unread, Problem{Kind: IndexError,
				Message: fmt.Sprintf("%s %s: installed file %s cannot be read, so it is not bound: %v (%s:%d)", d.Name, d.Version, e.Path, err, d.RecordPath(), e.Line)})
			continue
		case why != "":
			modified(e, why)
			continue
		}
		if inWheel {
			in.Bound++
		} else {
			in.NotBound = append(in.NotBound, e.Path) // a console script: hashes as installed, not from the wheel
		}
	}
	for _, w := range wheel {
		if _, ok := fromWheel[w.Path]; ok && !listed[w.Path] {
			modified(pypi.RecordEntry{Path: w.Path, Line: 1},
				fmt.Sprintf("is in the RECORD of the wheel %s but not in the installed RECORD", in.Wheel))
		}
	}
	if n := len(in.Modified); n > maxModifiedProblems {
		probs = append(probs, Problem{Kind: InstalledModified,
			Message: fmt.Sprintf("%s %s: %d more installed files differ from the wheel %s (listed in the report's installed.modified)", d.Name, d.Version, n-maxModifiedProblems, in.Wheel)})
	}
	return append(probs, unread[:min(len(unread), maxModifiedProblems)]...), firstLine
}

// diskDiffers hashes the file p of fsys with e's algorithm, and says how it
// differs from e, or "" when it matches; err when it cannot be read.
func diskDiffers(fsys fs.FS, p string, e pypi.RecordEntry) (string, error) {
	// Stat before opening: opening a FIFO blocks until a writer appears.
	fi, err := fs.Stat(fsys, p)
	if errors.Is(err, fs.ErrNotExist) {
		return "is missing", nil
	}
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "is not a regular file", nil
	}
	f, err := fsys.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return "is missing", nil
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && !fi.Mode().IsRegular() {
		return "is not a regular file", nil
	}
	h := e.NewHash()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if got := h.Sum(nil); !bytes.Equal(got, e.Digest) {
		return fmt.Sprintf("differs: it hashes to %s=%s on disk, the RECORD says %s", e.Algorithm, rawB64(got), e.Hash()), nil
	}
	return "", nil
}

func rawB64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// bind records, on p, the binding of d's files to the wheel's RECORD (or
// why there is none) once the release's files were checked: a modified
// file fails the package, an unreadable one leaves it in error. A failure
// is located at the installed RECORD's line for SARIF.
func (e *Engine) bind(p *Package, d *pypi.InstalledDist, wheel []pypi.RecordEntry, recordProb *Problem) {
	in := p.Installed
	switch {
	case recordProb != nil:
		p.Evidence = Worst(p.Evidence, Error)
		p.Problems = append(p.Problems, *recordProb)
		return
	case in.Wheel == "" && len(p.Files) == 0:
		var tags []string
		for _, t := range d.Tags {
			tags = append(tags, t.String())
		}
		p.Evidence = Error
		p.Problems = append(p.Problems, Problem{Kind: NotFound, Message: fmt.Sprintf(
			"%s %s: no wheel of this release matches the installed tags %s (%s), and it has no sdist: the installed files cannot be checked",
			d.Name, d.Version, strings.Join(tags, ", "), d.Path(path.Join(d.DistInfo, "WHEEL")))})
		in.Note = ""
		return
	case in.Wheel == "" && in.Note == NoteBuiltHere:
		// Nothing binds to a wheel, but the installed files must still
		// hash to the installed RECORD: otherwise editing WHEEL's tags
		// would turn any change into "built here".
	case in.Wheel == "" || wheel == nil:
		if in.Note == "" {
			in.Note = "not bound: the wheel's bytes could not be checked"
		}
		return
	}
	probs, line := bindInstalled(d, in, wheel)
	p.Problems = append(p.Problems, probs...)
	for _, pr := range probs {
		if pr.Kind == InstalledModified {
			p.Evidence = Failed
		} else {
			p.Evidence = Worst(p.Evidence, Error)
		}
	}
	if line > 0 {
		p.Source = pypi.Position{File: d.RecordPath(), Line: line}
	}
}
