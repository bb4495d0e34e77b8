package pypi

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// Limits on the files of an installed distribution: they are local input,
// but an environment can hold anything, and a wheel's RECORD is read from a
// downloaded archive whose headers may lie.
const (
	// MaxRecordSize bounds a RECORD file. The largest wheels on pypi.org
	// (tens of thousands of files) have RECORDs of a few MiB.
	MaxRecordSize = 32 << 20
	// MaxDistInfoFileSize bounds METADATA, WHEEL, INSTALLER and
	// direct_url.json (METADATA carries the long description).
	MaxDistInfoFileSize = 16 << 20
)

// InstalledDist is one distribution installed in an environment: a
// *.dist-info directory as an installer leaves it (the wheel specification's
// "installing a wheel", PEP 376 RECORD, PEP 610 direct_url.json). Paths are
// slash-separated and relative to FS, the environment's root.
type InstalledDist struct {
	// FS is the environment (a virtualenv root, or a site-packages
	// directory given alone); files named by the RECORD are read from it.
	FS fs.FS
	// Location is the environment as the user named it, for messages.
	Location string
	// SitePackages is the site-packages directory within FS ("." when the
	// environment is a site-packages directory); RECORD paths are relative
	// to it.
	SitePackages string
	// DistInfo is the .dist-info directory within FS.
	DistInfo string
	// Name and Version are METADATA's, as written.
	Name    string
	Version string
	// Tags are the Tag lines of WHEEL, sorted; Build its Build line with
	// the leading number's zeros removed, as DistFilename.Build.
	Tags  []WheelTag
	Build string
	// Installer is INSTALLER's first line ("pip", "uv"), "" when absent.
	Installer string
	// Direct is direct_url.json (PEP 610), nil when absent: the
	// distribution was installed from a URL, a VCS or a local directory,
	// not from an index.
	Direct *DirectURL
	// Record is the installed RECORD, in file order.
	Record []RecordEntry
	// Legacy is set for a distribution installed the legacy way
	// (setup.py install or develop): DistInfo is then its .egg-info
	// directory or file, which has no RECORD, WHEEL or direct_url.json.
	Legacy bool
	// Unowned is set for a file Python runs at startup (a .pth file,
	// sitecustomize.py, usercustomize.py) that no installed distribution's
	// RECORD owns: DistInfo is then that file. A classic way to persist
	// code in an environment, it is reported, never left out unseen.
	Unowned bool
	meta    string // the metadata file read (PKG-INFO), for Legacy
}

// Path returns p (a path within FS) as the user would write it.
func (d *InstalledDist) Path(p string) string {
	if p == "." || p == "" {
		return d.Location
	}
	return strings.TrimSuffix(d.Location, "/") + "/" + p
}

// RecordPath is the installed RECORD as the user would write it.
func (d *InstalledDist) RecordPath() string { return d.Path(path.Join(d.DistInfo, "RECORD")) }

// Requirement returns the exact pin the distribution is checked as: NAME==VERSION,
// located at its RECORD, or an unsupported requirement when direct_url.json
// says it did not come from an index.
func (d *InstalledDist) Requirement() Requirement {
	r := Requirement{Name: d.Name, Text: d.Name + "==" + d.Version, File: d.RecordPath(), Line: 1, Installed: d}
	if d.Unowned {
		r.Text, r.File = d.Name, d.Path(d.DistInfo)
		r.Unsupported = "a file Python runs at every start that no installed distribution's RECORD owns: find out where it came from"
		return r
	}
	if d.Legacy {
		if d.Version == "" {
			r.Text = d.Name
		}
		r.File = d.Path(d.meta)
		r.Unsupported = "installed as a legacy .egg-info (setup.py install or develop): it has no RECORD to bind its files to a wheel"
		return r
	}
	if d.Direct != nil {
		r.URL, r.Unsupported = d.Direct.URL, d.Direct.Reason()
		return r
	}
	spec, err := ParseSpecifierSet("==" + d.Version)
	if _, verr := ParseVersion(d.Version); err != nil || verr != nil {
		r.Unsupported = fmt.Sprintf("installed version %q is not a PEP 440 version", d.Version)
		return r
	}
	r.Spec, r.Specifier = "=="+d.Version, spec
	return r
}

// DirectURL is what PEP 610's direct_url.json says about where a
// distribution was installed from.
type DirectURL struct {
	URL      string
	VCS      string // vcs_info.vcs, "" when not a VCS install
	Editable bool   // dir_info.editable
	Dir      bool   // dir_info: a local directory
}

// Reason says why a distribution installed from d cannot be checked
// against the index (the Unsupported* vocabulary, naming direct_url.json).
func (d DirectURL) Reason() string {
	switch {
	case d.Editable:
		return "installed in editable mode (direct_url.json: " + RedactURL(d.URL) + ")"
	case d.VCS != "":
		return "installed from a VCS (" + d.VCS + ", direct_url.json: " + RedactURL(d.URL) + ")"
	case d.Dir:
		return "installed from a local directory (direct_url.json: " + RedactURL(d.URL) + ")"
	}
	return "installed from a direct URL (direct_url.json: " + RedactURL(d.URL) + ")"
}

// RecordEntry is one row of a RECORD file: a path relative to
// site-packages, its hash and size, either of which may be absent (an
// installer leaves them empty for RECORD itself and for files it
// generates, such as .pyc).
type RecordEntry struct {
	Path string
	// Algorithm is "sha256", "sha384" or "sha512" and Digest the raw
	// digest; both empty when the row gives no hash.
	Algorithm string
	Digest    []byte
	Size      int64 // -1 when the row gives none
	Line      int   // 1-based line in the RECORD
}

// Hash returns the row's hash as RECORD writes it ("sha256=…", urlsafe
// base64 without padding), "" when it gives none.
func (e RecordEntry) Hash() string {
	if e.Algorithm == "" {
		return ""
	}
	return e.Algorithm + "=" + base64.RawURLEncoding.EncodeToString(e.Digest)
}

// NewHash returns a hash.Hash for the row's algorithm, nil when it has none.
func (e RecordEntry) NewHash() hash.Hash {
	switch e.Algorithm {
	case "sha256":
		return sha256.New()
	case "sha384":
		return sha512.New384()
	case "sha512":
		return sha512.New()
	}
	return nil
}

// recordDigestSizes are the hash algorithms a RECORD may use (the wheel
// specification: sha256 or stronger; hashlib's names) and their sizes.
var recordDigestSizes = map[string]int{"sha256": 32, "sha384": 48, "sha512": 64}

// ParseRecord reads a RECORD file (CSV: path, hash, size). Errors are
// *ParseError at the offending line: a row without three fields, an empty
// or absolute path, a hash that is not ALGO=urlsafe-base64 of sha256 or a
// stronger algorithm, a size that is not a number, a path listed twice.
func ParseRecord(name string, r io.Reader) ([]RecordEntry, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRecordSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxRecordSize {
		return nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("larger than %d bytes", MaxRecordSize)}
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var (
		out  []RecordEntry
		seen = map[string]int{}
	)
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			line := 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = max(1, pe.Line)
			}
			return nil, &ParseError{File: name, Line: line, Msg: "invalid CSV: " + csvCause(err)}
		}
		line, _ := cr.FieldPos(0)
		fail := func(format string, args ...any) ([]RecordEntry, error) {
			return nil, &ParseError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
		}
		if len(row) != 3 {
			return fail("want 3 fields (path,hash,size), found %d", len(row))
		}
		e := RecordEntry{Path: row[0], Size: -1, Line: line}
		switch {
		case e.Path == "":
			return fail("empty path")
		case strings.HasPrefix(e.Path, "/") || strings.HasPrefix(e.Path, `\`) || len(e.Path) > 1 && e.Path[1] == ':':
			return fail("absolute path %q: RECORD paths are relative to site-packages", e.Path)
		case strings.ContainsRune(e.Path, 0):
			return fail("path %q holds a NUL byte", e.Path)
		}
		if prev, dup := seen[e.Path]; dup {
			return fail("%q is listed twice (first at line %d)", e.Path, prev)
		}
		seen[e.Path] = line
		if h := row[1]; h != "" {
			algo, b64, ok := strings.Cut(h, "=")
			want, known := recordDigestSizes[algo]
			if !ok || !known {
				return fail("hash %q of %s: want sha256=, sha384= or sha512= with urlsafe base64", h, e.Path)
			}
			d, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
			if err != nil || len(d) != want {
				return fail("hash %q of %s: not the urlsafe base64 of a %s digest", h, e.Path, algo)
			}
			e.Algorithm, e.Digest = algo, d
		}
		if s := row[2]; s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return fail("size %q of %s is not a number of bytes", s, e.Path)
			}
			e.Size = n
		}
		out = append(out, e)
	}
}

// csvCause is a csv error without its own "record on line N" prefix, which
// the ParseError's position replaces.
func csvCause(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// header is one "Key: value" field of an email-header file (METADATA, WHEEL).
type header struct {
	key, value string
	line       int
}

// parseHeaders reads the header section of METADATA or WHEEL (the core
// metadata's RFC 822 form): "Key: value" lines, continued by lines that
// start with whitespace, up to the first empty line (METADATA's body is the
// description).
func parseHeaders(fsys fs.FS, name string) ([]header, error) {
	data, err := readDistInfoFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var hs []header
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, MaxDistInfoFileSize)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		switch {
		case text == "":
			return hs, nil
		case text[0] == ' ' || text[0] == '\t':
			if len(hs) == 0 {
				return nil, &ParseError{File: name, Line: line, Msg: "continuation line before any header"}
			}
			hs[len(hs)-1].value += "\n" + strings.TrimSpace(text)
			continue
		}
		k, v, ok := strings.Cut(text, ":")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, &ParseError{File: name, Line: line, Msg: fmt.Sprintf("not a \"Key: value\" header: %q", text)}
		}
		hs = append(hs, header{key: k, value: strings.TrimSpace(v), line: line})
	}
	return hs, sc.Err()
}

// errNotRegular is a dist-info file that is a FIFO, device or directory:
// opening a FIFO would block until a writer appears.
var errNotRegular = errors.New("not a regular file")

// openRegular opens name in fsys if it is a regular file (after links),
// without opening anything else.
func openRegular(fsys fs.FS, name string) (fs.File, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	return fsys.Open(name)
}

// readDistInfoFile reads a small file of a .dist-info directory.
func readDistInfoFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := openRegular(fsys, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDistInfoFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxDistInfoFileSize {
		return nil, &ParseError{File: name, Line: 1, Msg: fmt.Sprintf("larger than %d bytes", MaxDistInfoFileSize)}
	}
	return data, nil
}

// ParseInstalledMetadata reads Name and Version from a METADATA file.
func ParseInstalledMetadata(fsys fs.FS, name string) (project, version string, err error) {
	hs, err := parseHeaders(fsys, name)
	if err != nil {
		return "", "", err
	}
	get := func(key string) (header, error) {
		i := slices.IndexFunc(hs, func(h header) bool { return strings.EqualFold(h.key, key) })
		if i < 0 {
			return header{}, &ParseError{File: name, Line: 1, Msg: "no " + key + " header"}
		}
		return hs[i], nil
	}
	n, err := get("Name")
	if err != nil {
		return "", "", err
	}
	if !ValidName(n.value) {
		return "", "", &ParseError{File: name, Line: n.line, Msg: fmt.Sprintf("invalid project name %q", n.value)}
	}
	v, err := get("Version")
	if err != nil {
		return "", "", err
	}
	if v.value == "" || strings.ContainsAny(v.value, " \t\n") {
		return "", "", &ParseError{File: name, Line: v.line, Msg: fmt.Sprintf("invalid version %q", v.value)}
	}
	return n.value, v.value, nil
}

// ParseWheelInfo reads the Tag lines and the Build line of a WHEEL file.
func ParseWheelInfo(fsys fs.FS, name string) (tags []WheelTag, build string, err error) {
	hs, err := parseHeaders(fsys, name)
	if err != nil {
		return nil, "", err
	}
	for _, h := range hs {
		switch {
		case strings.EqualFold(h.key, "Tag"):
			parts := strings.Split(strings.ToLower(h.value), "-")
			if len(parts) != 3 || slices.Contains(parts, "") || strings.Contains(h.value, ".") {
				return nil, "", &ParseError{File: name, Line: h.line, Msg: fmt.Sprintf("invalid Tag %q: want PYTHON-ABI-PLATFORM", h.value)}
			}
			tags = append(tags, WheelTag{Python: parts[0], ABI: parts[1], Platform: parts[2]})
		case strings.EqualFold(h.key, "Build"):
			i := 0
			for i < len(h.value) && isASCIIDigit(h.value[i]) {
				i++
			}
			if i == 0 || strings.ContainsAny(h.value, "- \t") {
				return nil, "", &ParseError{File: name, Line: h.line, Msg: fmt.Sprintf("invalid Build %q: want a number, optionally followed by letters", h.value)}
			}
			build = trimZeros(h.value[:i]) + h.value[i:]
		}
	}
	if len(tags) == 0 {
		return nil, "", &ParseError{File: name, Line: 1, Msg: "no Tag line"}
	}
	slices.SortFunc(tags, func(a, b WheelTag) int { return strings.Compare(a.String(), b.String()) })
	return slices.Compact(tags), build, nil
}

// parseDirectURL reads PEP 610's direct_url.json.
func parseDirectURL(fsys fs.FS, name string) (*DirectURL, error) {
	data, err := readDistInfoFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var doc struct {
		URL     string `json:"url"`
		VCSInfo *struct {
			VCS string `json:"vcs"`
		} `json:"vcs_info"`
		DirInfo *struct {
			Editable bool `json:"editable"`
		} `json:"dir_info"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.URL == "" {
		return nil, &ParseError{File: name, Line: 1, Msg: "not a PEP 610 document with a url"}
	}
	d := &DirectURL{URL: doc.URL}
	if doc.VCSInfo != nil {
		d.VCS = doc.VCSInfo.VCS
		if d.VCS == "" {
			d.VCS = "vcs"
		}
	}
	if doc.DirInfo != nil {
		d.Dir, d.Editable = true, doc.DirInfo.Editable
	}
	return d, nil
}

// FindSitePackages returns the site-packages directories of the
// environment FS: with a pyvenv.cfg (a virtualenv root),
// lib/python*/site-packages and Lib/site-packages (Windows layouts);
// otherwise FS is taken to be a site-packages directory itself (".") when it
// holds a *.dist-info directory.
func FindSitePackages(fsys fs.FS) ([]string, error) {
	if _, err := fs.Stat(fsys, "pyvenv.cfg"); err != nil {
		ents, rerr := fs.ReadDir(fsys, ".")
		if rerr != nil {
			return nil, rerr
		}
		if slices.ContainsFunc(ents, func(e fs.DirEntry) bool { return e.IsDir() && strings.HasSuffix(e.Name(), ".dist-info") }) {
			return []string{"."}, nil
		}
		return nil, errors.New("neither a virtualenv (no pyvenv.cfg) nor a site-packages directory (no *.dist-info)")
	}
	var dirs []string
	for _, pat := range []string{"lib/python*/site-packages", "Lib/site-packages"} {
		m, err := fs.Glob(fsys, pat)
		if err != nil {
			return nil, err
		}
		for _, d := range m {
			if fi, err := fs.Stat(fsys, d); err == nil && fi.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) == 0 {
		return nil, errors.New("a virtualenv (pyvenv.cfg) without lib/python*/site-packages or Lib/site-packages")
	}
	return dirs, nil
}

// ReadEnvironment reads every *.dist-info directory of the environment
// fsys, named location for messages (see FindSitePackages), in name order.
// Every malformed file is reported, each error naming it (as location/…);
// a dist-info without METADATA, WHEEL or RECORD is an error too, since
// without them it cannot be checked or bound.
func ReadEnvironment(fsys fs.FS, location string) ([]*InstalledDist, error) {
	sps, err := FindSitePackages(fsys)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", location, err)
	}
	var (
		dists []*InstalledDist
		errs  []error
	)
	for _, sp := range sps {
		ents, err := fs.ReadDir(fsys, sp)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", location, err))
			continue
		}
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".egg-info") && (e.IsDir() || e.Type().IsRegular()) {
				// Code the audit cannot bind is still reported, never
				// left out unseen.
				dists = append(dists, readEggInfo(fsys, location, sp, e))
				continue
			}
			if !e.IsDir() || !strings.HasSuffix(e.Name(), ".dist-info") {
				continue
			}
			d := &InstalledDist{FS: fsys, Location: location, SitePackages: sp, DistInfo: path.Join(sp, e.Name())}
			if err := d.read(); err != nil {
				errs = append(errs, relocate(err, d))
				continue
			}
			dists = append(dists, d)
		}
		dists = append(dists, unownedStartupFiles(fsys, location, sp, ents, dists)...)
	}
	return dists, errors.Join(errs...)
}

// virtualenvStartup are the startup files virtualenv itself writes into
// every environment it creates, which no RECORD owns.
var virtualenvStartup = map[string]bool{"_virtualenv.pth": true}

// unownedStartupFiles reports the files of site-packages sp that Python
// runs at startup (*.pth, sitecustomize.py, usercustomize.py) and that no
// RECORD of dists lists, except virtualenv's own.
func unownedStartupFiles(fsys fs.FS, location, sp string, ents []fs.DirEntry, dists []*InstalledDist) []*InstalledDist {
	owned := map[string]bool{}
	for _, d := range dists {
		if d.SitePackages != sp {
			continue
		}
		for _, e := range d.Record {
			if !strings.Contains(e.Path, "/") {
				owned[e.Path] = true
			}
		}
	}
	var out []*InstalledDist
	for _, e := range ents {
		n := e.Name()
		startup := strings.HasSuffix(n, ".pth") || n == "sitecustomize.py" || n == "usercustomize.py"
		if !startup || owned[n] || virtualenvStartup[n] || e.IsDir() {
			continue
		}
		out = append(out, &InstalledDist{FS: fsys, Location: location, SitePackages: sp, DistInfo: path.Join(sp, n), Name: n, Unowned: true})
	}
	return out
}

// readEggInfo reads a legacy .egg-info directory (its PKG-INFO) or file.
// Its name and version come from the metadata, else the name from the
// file name: it is reported as unsupported either way.
func readEggInfo(fsys fs.FS, location, sp string, e fs.DirEntry) *InstalledDist {
	d := &InstalledDist{FS: fsys, Location: location, SitePackages: sp, DistInfo: path.Join(sp, e.Name()), Legacy: true}
	d.meta = d.DistInfo
	if e.IsDir() {
		d.meta = path.Join(d.DistInfo, "PKG-INFO")
	}
	var err error
	if d.Name, d.Version, err = ParseInstalledMetadata(fsys, d.meta); err != nil {
		d.Name, _, _ = strings.Cut(strings.TrimSuffix(e.Name(), ".egg-info"), "-")
		d.Version = ""
	}
	if d.Name == "" {
		d.Name = e.Name()
	}
	return d
}

// read fills d from its dist-info directory.
func (d *InstalledDist) read() error {
	var err error
	if d.Name, d.Version, err = ParseInstalledMetadata(d.FS, path.Join(d.DistInfo, "METADATA")); err != nil {
		return err
	}
	if d.Tags, d.Build, err = ParseWheelInfo(d.FS, path.Join(d.DistInfo, "WHEEL")); err != nil {
		return err
	}
	rec := path.Join(d.DistInfo, "RECORD")
	f, err := openRegular(d.FS, rec)
	if err != nil {
		return err
	}
	d.Record, err = ParseRecord(rec, f)
	f.Close()
	if err != nil {
		return err
	}
	if data, err := readDistInfoFile(d.FS, path.Join(d.DistInfo, "INSTALLER")); err == nil {
		d.Installer, _, _ = strings.Cut(strings.TrimSpace(string(data)), "\n")
	}
	du := path.Join(d.DistInfo, "direct_url.json")
	if _, err := fs.Stat(d.FS, du); err == nil {
		if d.Direct, err = parseDirectURL(d.FS, du); err != nil {
			return err
		}
	}
	return nil
}

// relocate makes an error name its file as the user knows it (location/…)
// instead of by its path within the environment.
func relocate(err error, d *InstalledDist) error {
	var pe *ParseError
	if errors.As(err, &pe) {
		c := *pe
		c.File = d.Path(pe.File)
		return &c
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: missing (a .dist-info needs METADATA, WHEEL and RECORD)", d.Path(pathErr.Path))
		}
		return fmt.Errorf("%s: %w", d.Path(pathErr.Path), pathErr.Err)
	}
	return fmt.Errorf("%s: %w", d.Path(d.DistInfo), err)
}

// SafeRecordPath resolves a RECORD path (relative to site-packages, and
// possibly climbing out of it with "..", as scripts in bin/ do) to a path
// within the environment FS. It refuses absolute paths and paths that
// leave the environment.
func (d *InstalledDist) SafeRecordPath(p string) (string, bool) {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) || len(p) > 1 && p[1] == ':' {
		return "", false
	}
	j := path.Join(d.SitePackages, p)
	if !fs.ValidPath(j) || j == "." {
		return "", false
	}
	return j, true
}
