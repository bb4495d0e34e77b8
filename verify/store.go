package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pyverify/pyverify/pypi"
)

// Store keeps the files an audit checks in a directory, for `pyverify
// download` (issue #11). The engine writes each download into a temporary
// file of the directory as it hashes it (Options.Keep); Commit then renames
// into place exactly the files of the packages that satisfy the policy,
// and Discard removes every temporary file left, so that a failing package
// or an interrupted run leaves nothing behind but what was there.
type Store struct {
	dir   string
	mu    sync.Mutex
	temps map[storeKey][]string // temporary files by the file they hold
}

type storeKey struct{ project, version, filename string }

// Store file names: temporaries start with a dot, so that pip's
// --find-links never sees one.
const storeTempPattern = ".pyverify-*.part"

// NewStore prepares dir (created if missing) and checks that a file can be
// created in it, before anything is fetched.
func NewStore(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("download directory: %w", err)
	}
	f, err := os.CreateTemp(dir, storeTempPattern)
	if err != nil {
		return nil, fmt.Errorf("download directory %s: %w", dir, err)
	}
	f.Close()
	os.Remove(f.Name())
	return &Store{dir: dir, temps: map[storeKey][]string{}}, nil
}

// Keep is an Options.Keep: a new temporary file in the directory.
func (s *Store) Keep(project, version string, f pypi.File) (io.WriteCloser, error) {
	tf, err := os.CreateTemp(s.dir, storeTempPattern)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := storeKey{pypi.NormalizeName(project), version, f.Filename}
	s.temps[k] = append(s.temps[k], tf.Name())
	return tf, nil
}

// Stored is what Commit wrote.
type Stored struct {
	Files    []string // filenames written, in report order
	Packages int      // packages written
	// Skipped names the packages not written and why, e.g. "demo 1.0
	// (failed)".
	Skipped []string
}

// Commit writes into the directory the checked files of every package of
// rep that is OK (the policy is satisfied and it was fully checked), then
// requirements.txt and pylock.toml listing exactly those files. A package
// with any file whose bytes were not hashed this run is not written. It
// must not be called for an interrupted report.
func (s *Store) Commit(rep *Report, createdBy string) (*Stored, error) {
	if rep.Interrupted {
		return nil, errors.New("the run was interrupted: nothing written")
	}
	out := &Stored{}
	lock := &pypi.Lock{CreatedBy: createdBy}
	placed := map[string]string{} // DIR's file names, folded for case-insensitive file systems → sha256
	for _, p := range rep.Packages {
		picks, why := s.unkeepable(p, placed)
		if why != "" {
			out.Skipped = append(out.Skipped, fmt.Sprintf("%s %s (%s)", p.Name, p.Version, why))
			continue
		}
		lp := pypi.LockPackage{Name: p.Name, Version: p.Version, Marker: p.Marker, RequiresPython: requiresPython(p.Files),
			AttestationIdentities: lockIdentities(p.Files)}
		for _, f := range p.Files {
			if tmp, ok := picks[strings.ToLower(f.Filename)]; ok && placed[strings.ToLower(f.Filename)] == "" {
				if err := s.place(tmp, f.Filename); err != nil {
					return out, err
				}
				placed[strings.ToLower(f.Filename)] = string(f.SHA256)
				out.Files = append(out.Files, f.Filename)
			}
			lf := pypi.LockFile{Name: f.Filename, URL: pypi.RedactURL(f.URL), Size: f.Size, SHA256: f.SHA256}
			switch {
			case strings.HasSuffix(f.Filename, ".whl"):
				lp.Wheels = append(lp.Wheels, lf)
			case lp.Sdist == nil:
				lp.Sdist = &lf
			}
			// PEP 751 has one sdist per package: a second one (.zip
			// beside .tar.gz) is kept in the directory but not locked.
		}
		lock.Packages = append(lock.Packages, lp)
		out.Packages++
	}
	var req, pyl bytes.Buffer
	if err := pypi.WriteHashedRequirements(&req, lock); err != nil {
		return out, err
	}
	if err := pypi.WritePylock(&pyl, lock); err != nil {
		return out, err
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"requirements.txt", req.Bytes()}, {"pylock.toml", pyl.Bytes()}} {
		if err := writeAtomic(filepath.Join(s.dir, f.name), f.data); err != nil {
			return out, err
		}
	}
	return out, nil
}

// unkeepable says why package p is not written, "" when it is; else, by
// filename (folded, as placed), the kept copies to write. A copy is written only if its bytes
// hash to the digest the package was checked against: a file kept twice
// (two requirements of one release) may have a first copy whose download
// failed. A filename already written (placed) with another digest is a
// conflict: the lock would pin bytes that are not in the directory.
func (s *Store) unkeepable(p Package, placed map[string]string) (map[string]string, string) {
	switch {
	case p.Evidence == NotApplicable:
		// Left out on purpose (issue #11), not a check that fell short.
		return nil, "not applicable to the target"
	case !p.OK && p.Violation:
		return nil, "violates the policy"
	case !p.OK:
		return nil, "not fully checked"
	case len(p.Files) == 0:
		return nil, "no files checked"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	picks := map[string]string{}
	for _, f := range p.Files {
		sum := string(f.SHA256)
		switch {
		case f.Bytes != BytesDownloaded && f.Bytes != BytesCache:
			return nil, f.Filename + " was not downloaded"
		case !filepath.IsLocal(f.Filename) || filepath.Base(f.Filename) != f.Filename:
			return nil, fmt.Sprintf("%s is not a plain file name", f.Filename)
		}
		if have, ok := placed[strings.ToLower(f.Filename)]; ok {
			if have != sum {
				return nil, f.Filename + " is already written with other bytes"
			}
			continue
		}
		if _, ok := picks[strings.ToLower(f.Filename)]; ok {
			return nil, f.Filename + " is listed twice"
		}
		k := storeKey{pypi.NormalizeName(p.Name), p.Version, f.Filename}
		i := slices.IndexFunc(s.temps[k], func(tmp string) bool { return hashesTo(tmp, f.Size, sum) })
		if i < 0 {
			return nil, f.Filename + " was not kept"
		}
		picks[strings.ToLower(f.Filename)] = s.temps[k][i]
	}
	return picks, ""
}

// hashesTo reports whether the file name holds size bytes hashing to sum.
func hashesTo(name string, size int64, sum string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	return err == nil && n == size && hex.EncodeToString(h.Sum(nil)) == sum
}

// place renames the kept copy tmp to filename in the directory.
func (s *Store) place(tmp, filename string) error {
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", filename, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, filename)); err != nil {
		return fmt.Errorf("writing %s: %w", filename, err)
	}
	return nil
}

// Discard removes every temporary file not committed.
func (s *Store) Discard() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, names := range s.temps {
		for _, n := range names {
			os.Remove(n)
		}
		delete(s.temps, k)
	}
}

// requiresPython is the files' requires_python when they all say the
// same, else "" (unknown, as PEP 751 allows).
func requiresPython(files []File) string {
	if len(files) == 0 {
		return ""
	}
	rp := files[0].RequiresPython
	for _, f := range files[1:] {
		if f.RequiresPython != rp {
			return ""
		}
	}
	return rp
}

// lockIdentities are the publishers of the files' verified attestations,
// recorded only when every file has one: a lock that names publishers
// holds every file to them (PEP 751), so a hash-only file would fail the
// re-audit.
func lockIdentities(files []File) []pypi.Publisher {
	var ids []pypi.Publisher
	for _, f := range files {
		attested := false
		for _, a := range f.Attestations {
			if !a.Verified || a.Problems != nil {
				continue
			}
			attested = true
			id := pypi.Publisher{Kind: a.Publisher.Kind, Repository: a.Publisher.Repository,
				Workflow: a.Publisher.Workflow, Environment: a.Publisher.Environment, Email: a.Publisher.Email}
			if id.Kind != "" && (id.Repository != "" || id.Email != "") && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if !attested {
			return nil
		}
	}
	return ids
}

// writeAtomic writes data to name through a temporary file in its
// directory, so that name is never seen half written.
func writeAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), storeTempPattern)
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
