package pypitest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// File identifies a file for which provenance is to be minted: the Mint
// function gets it for every file that has a publisher.
type File struct {
	Project   string // project name as the index spells it
	Version   string // release version
	Filename  string // distribution filename
	SHA256    string // lowercase hex sha256 of the original (declared) bytes
	Publisher []byte // the publisher spec (the "<file>.publisher" sidecar)
}

// Mint returns Integrity API provenance JSON for f. Tests plug in
// verifytest's minting; pypitest knows nothing of Sigstore.
type Mint func(f File) ([]byte, error)

// ModelFile is one artifact of a release in a Model.
type ModelFile struct {
	Filename   string    // distribution filename
	Content    []byte    // the original bytes: size and sha256 are declared from these
	Served     []byte    // if non-nil, bytes served instead of Content (tampering)
	Publisher  []byte    // if non-nil, provenance is minted from it with the Mint function
	Provenance []byte    // if non-nil, provenance served verbatim (wins over Publisher)
	Status     int       // if non-zero, the HTTP status answered for the download
	UploadTime time.Time // upload_time_iso_8601; zero means DefaultUploadTime
	// RequiresPython is the file's requires_python (the
	// "<file>.requires-python" sidecar); "" serves null.
	RequiresPython string
	// Metadata is the file's METADATA, served at its URL + ".metadata"
	// (PEP 658) and announced with its sha256. nil: a wheel's own
	// *.dist-info/METADATA when Content is a zip holding one, else none.
	Metadata []byte
	// MetadataServed, if non-nil, is served instead of Metadata while the
	// announced digest stays Metadata's (tampering).
	MetadataServed []byte
}

// metadata is what f serves as its PEP 658 metadata file, nil for none.
func (f ModelFile) metadata() []byte {
	if f.Metadata != nil || !strings.HasSuffix(f.Filename, ".whl") {
		return f.Metadata
	}
	zr, err := zip.NewReader(bytes.NewReader(f.Content), int64(len(f.Content)))
	if err != nil {
		return nil
	}
	for _, zf := range zr.File {
		dir, base := path.Split(zf.Name)
		if base != "METADATA" || strings.Count(dir, "/") != 1 || !strings.HasSuffix(dir, ".dist-info/") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil
		}
		data, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		if err != nil {
			return nil
		}
		return data
	}
	return nil
}

// requiresDist is what Warehouse puts in info.requires_dist: the
// Requires-Dist headers of the metadata (continuation lines are not
// needed for the tests' metadata).
func requiresDist(md []byte) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(string(md), "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			break
		}
		if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(k, "Requires-Dist") {
			out = append(out, strings.TrimSpace(v))
		}
	}
	return out
}

// Model is an index as Go values, for unit tests.
type Model struct {
	// Projects maps project name (as spelled in JSON documents) to version
	// to files.
	Projects map[string]map[string][]ModelFile
	// Yanked maps project to version to yank reason: a listed release is
	// yanked (PEP 592), even with an empty reason.
	Yanked map[string]map[string]string
	// TLS serves over https (httptest.NewTLSServer), e.g. to test that a
	// redirect from https to http is refused.
	TLS bool
}

// DefaultUploadTime is the upload time of files that name none.
var DefaultUploadTime = time.Date(2024, 11, 6, 22, 37, 9, 0, time.UTC)

// sidecar suffixes of the directory layout (STYLE §6).
var sidecars = []string{".served", ".publisher", ".provenance", ".status", ".requires-python", ".metadata"}

// loadProjectDir reads dir/<project>/<version>/<file> for one project
// directory into the Model shape: versions → files, and yanked reasons.
func loadProjectDir(dir string) (map[string][]ModelFile, map[string]string, error) {
	vents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	versions := map[string][]ModelFile{}
	yanked := map[string]string{}
	for _, ve := range vents {
		if !ve.IsDir() || strings.HasPrefix(ve.Name(), ".") {
			continue
		}
		v := ve.Name()
		vdir := filepath.Join(dir, v)
		fents, err := os.ReadDir(vdir)
		if err != nil {
			return nil, nil, err
		}
		files := []ModelFile{}
		for _, fe := range fents {
			name := fe.Name()
			if fe.IsDir() || strings.HasPrefix(name, ".") || isSidecar(name) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(vdir, name))
			if err != nil {
				return nil, nil, err
			}
			if name == "yanked" {
				yanked[v] = strings.TrimSpace(string(data))
				continue
			}
			mf := ModelFile{Filename: name, Content: data}
			if mf.Served, err = readOptional(filepath.Join(vdir, name+".served")); err != nil {
				return nil, nil, err
			}
			if mf.Publisher, err = readOptional(filepath.Join(vdir, name+".publisher")); err != nil {
				return nil, nil, err
			}
			if mf.Provenance, err = readOptional(filepath.Join(vdir, name+".provenance")); err != nil {
				return nil, nil, err
			}
			rp, err := readOptional(filepath.Join(vdir, name+".requires-python"))
			if err != nil {
				return nil, nil, err
			}
			mf.RequiresPython = strings.TrimSpace(string(rp))
			if mf.Metadata, err = readOptional(filepath.Join(vdir, name+".metadata")); err != nil {
				return nil, nil, err
			}
			if mf.MetadataServed, err = readOptional(filepath.Join(vdir, name+".metadata.served")); err != nil {
				return nil, nil, err
			}
			st, err := readOptional(filepath.Join(vdir, name+".status"))
			if err != nil {
				return nil, nil, err
			}
			if st != nil {
				code, err := strconv.Atoi(strings.TrimSpace(string(st)))
				if err != nil || code < 100 || code > 999 {
					return nil, nil, fmt.Errorf("%s.status: not an HTTP status: %q", filepath.Join(vdir, name), st)
				}
				mf.Status = code
			}
			files = append(files, mf)
		}
		versions[v] = files
	}
	return versions, yanked, nil
}

func isSidecar(name string) bool {
	for _, s := range sidecars {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

func readOptional(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	return data, err
}

var nonAlnum = regexp.MustCompile(`[-_.]+`)

// normalize is PEP 503 name normalisation (kept local: pypitest imports only
// the standard library).
func normalize(name string) string {
	return strings.ToLower(nonAlnum.ReplaceAllString(name, "-"))
}

// packageType guesses the JSON API packagetype from a filename.
func packageType(filename string) string {
	switch {
	case strings.HasSuffix(filename, ".whl"):
		return "bdist_wheel"
	case strings.HasSuffix(filename, ".egg"):
		return "bdist_egg"
	default:
		return "sdist"
	}
}

// versionLess orders versions by their dot-separated numeric parts, then as
// strings: good enough to pick info.version of a test project.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		if ea == nil && eb == nil {
			if na != nb {
				return na < nb
			}
			continue
		}
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return len(pa) < len(pb)
}
