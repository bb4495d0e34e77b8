package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/pyverify/pyverify/pypi"
)

// Verification says how a file's attestations were checked this run
// (issue #13): a report never claims a check it did not make.
type Verification string

// VerificationCached: the attestations' result (signatures, certificates,
// log entries, statements, publishers) was read from the verification
// cache, where a run verified the very same provenance document for the
// same file against the same trusted root; nothing was verified with
// sigstore-go this run. The zero Verification means verified this run, or
// nothing to verify.
const VerificationCached Verification = "cached"

// vcacheFormat is the version of what a verification cache entry means:
// bump it whenever FileVerification, VerifyFile's checks or the verifier's
// options change, so that no entry written by another version is read.
const vcacheFormat = 1

// maxVCacheEntry bounds a cache entry read back: an entry holds at most
// MaxAttestations attestations and maxFileProblems problems listed.
const maxVCacheEntry = 1 << 20

// vcache is the verification cache of issue #13: what VerifyFile
// established for a file, stored under the digest of everything it
// depends on — the provenance document's bytes, the file's name and sha256
// (the digest its bytes are checked against this run), the trusted root's
// JSON and vcacheFormat — so that a changed document, file or root is a
// miss and is verified afresh. The policy is never cached: it is evaluated
// every run on the facts.
//
// Trust model: the cache directory is the user's own, like the artifact
// cache beside it. Whoever can write it can also plant artifacts and
// metadata there, and could write an entry for any key (keys are digests
// of public data), so it must not be shared with anyone less trusted than
// the user. Within that model an entry is refused, and the file verified
// again, when it cannot be read, does not parse strictly, names another
// key or format (a renamed or copied entry), states an impossible result,
// or is not a regular file private to its owner (vcacheTrusted).
type vcache struct {
	dir  string
	root [32]byte // sha256 of the trusted root's JSON
}

// key is the entry name for the verification of filename, whose sha256
// is sha256hex, by the provenance document whose sha256 is prov.
func (c *vcache) key(filename string, sha256hex pypi.SHA256, prov [32]byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "pyverify verification cache %d\nroot %x\nfile %q\nsha256 %s\nprovenance %x\n", vcacheFormat, c.root, filename, sha256hex, prov)
	return hex.EncodeToString(h.Sum(nil))
}

func (c *vcache) path(key string) string { return filepath.Join(c.dir, key[:2], key+".json") }

// vcacheEntry is a cache file: the key and format it was written for, and
// the result.
type vcacheEntry struct {
	Format int
	Key    string
	Result FileVerification
}

// load returns the entry for key when there is a valid one.
func (c *vcache) load(key string) (FileVerification, bool) {
	f, err := os.Open(c.path(key))
	if err != nil {
		return FileVerification{}, false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !vcacheTrusted(st) {
		return FileVerification{}, false
	}
	data, err := io.ReadAll(io.LimitReader(f, maxVCacheEntry+1))
	if err != nil || len(data) > maxVCacheEntry {
		return FileVerification{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e vcacheEntry
	if err := dec.Decode(&e); err != nil || dec.More() {
		return FileVerification{}, false
	}
	if e.Format != vcacheFormat || e.Key != key || !plausible(e.Result) {
		return FileVerification{}, false
	}
	// Used now: cache prune goes by modification time, as for the HTTP
	// cache's entries. A failure only lets prune remove it sooner.
	now := time.Now()
	_ = os.Chtimes(f.Name(), now, now)
	return e.Result, true
}

// plausible reports whether fv is a result VerifyFile can give: an entry
// that says otherwise was not written by it.
func plausible(fv FileVerification) bool {
	if len(fv.Attestations) > MaxAttestations {
		return false
	}
	known := func(ps []Problem) bool {
		return !slices.ContainsFunc(ps, func(p Problem) bool { return !slices.Contains(ProblemKinds, p.Kind) || p.Message == "" })
	}
	verified := false
	for _, a := range fv.Attestations {
		if a.Verified != (len(a.Problems) == 0) || !known(a.Problems) {
			return false
		}
		verified = verified || a.Verified
	}
	switch fv.Evidence {
	case Verified:
		return verified && known(fv.Problems)
	case HashOnly, Failed:
		return known(fv.Problems)
	}
	return false
}

// store writes the entry for key atomically (a temporary file renamed into
// place), so that a reader sees a whole entry or none. A failure to store
// only costs the next run a verification.
func (c *vcache) store(key string, fv FileVerification) {
	data, err := json.Marshal(vcacheEntry{Format: vcacheFormat, Key: key, Result: fv})
	if err != nil {
		return
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*") // mode 0600
	if err != nil {
		return
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
}

// verify is VerifyFile for provenance fetched from the index: the
// verification cache's result when fetchProvenance found one (reported as
// VerificationCached), else verified now and stored for the next run.
func (e *Engine) verify(filename string, sha256hex pypi.SHA256, prov fetchedProvenance) (FileVerification, Verification) {
	if prov.cached != nil {
		return *prov.cached, VerificationCached
	}
	fv := e.o.Verifier.VerifyFile(filename, sha256hex, prov.doc)
	if c := e.vcache; c != nil && prov.doc != nil {
		c.store(c.key(filename, sha256hex, prov.digest), fv)
	}
	return fv, ""
}

// vcacheTrusted reports whether st is a regular file that only its owner,
// this user, can write.
func vcacheTrusted(st fs.FileInfo) bool {
	return st.Mode().IsRegular() && st.Mode().Perm()&0o022 == 0 && ownedByUs(st)
}
