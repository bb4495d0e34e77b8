package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
	"github.com/pyverify/pyverify/verify/verifytest"
)

// world is a synthetic index with every file attested, and the production
// Verifier that trusts the virtual Sigstore that attested them.
type world struct {
	srv      *pypitest.Server
	verifier *verify.Verifier
	reqs     []pypi.Requirement
}

// newSigstore returns a virtual Sigstore and a production Verifier for its
// trusted root.
func newSigstore() (*verifytest.Sigstore, *verify.Verifier, error) {
	sig, err := verifytest.NewSigstore()
	if err != nil {
		return nil, nil, fmt.Errorf("virtual sigstore: %w", err)
	}
	tr, err := verify.LoadTrustedRoot("virtual trusted_root.json", sig.TrustedRootJSON())
	if err != nil {
		return nil, nil, err
	}
	v, err := verify.NewVerifier(tr)
	if err != nil {
		return nil, nil, fmt.Errorf("verifier: %w", err)
	}
	return sig, v, nil
}

// benchFilename names file j of project at version 1.0: a wheel, an sdist,
// then wheels with build tags, so that every name is a valid distribution
// filename for the project.
func benchFilename(project string, j int) string {
	switch j {
	case 0:
		return project + "-1.0-py3-none-any.whl"
	case 1:
		return project + "-1.0.tar.gz"
	}
	return fmt.Sprintf("%s-1.0-%d-py3-none-any.whl", project, j)
}

// newWorld builds cfg.packages projects of cfg.files files of random bytes,
// mints provenance for every file up front (served verbatim, so the fake
// index does no signing while it is being timed) and starts the index with
// cfg.latency.
func newWorld(cfg config) (*world, error) {
	sig, v, err := newSigstore()
	if err != nil {
		return nil, err
	}
	type job struct {
		project string
		j       int
		mf      *pypitest.ModelFile
	}
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{}}
	var jobs []job
	w := &world{verifier: v}
	rng := rand.NewChaCha8([32]byte{'p', 'y', 'v', 'e', 'r', 'i', 'f', 'y'})
	for i := range cfg.packages {
		project := fmt.Sprintf("bench%04d", i+1)
		names := make([]string, cfg.files)
		for j := range names {
			names[j] = benchFilename(project, j)
		}
		if cfg.filenames != nil {
			names = cfg.filenames(project)
		}
		files := make([]pypitest.ModelFile, len(names))
		for j := range files {
			content := make([]byte, cfg.size)
			_, _ = rng.Read(content) // ChaCha8.Read never fails
			files[j] = pypitest.ModelFile{Filename: names[j], Content: content}
		}
		model.Projects[project] = map[string][]pypitest.ModelFile{"1.0": files}
		for j := range files {
			jobs = append(jobs, job{project, j, &files[j]})
		}
		if cfg.history {
			// An earlier attested release, the reference of publisher
			// continuity (issue #9): a wheel and an sdist.
			prev := []pypitest.ModelFile{
				{Filename: project + "-0.9-py3-none-any.whl", Content: []byte("0.9 wheel of " + project)},
				{Filename: project + "-0.9.tar.gz", Content: []byte("0.9 sdist of " + project)},
			}
			model.Projects[project]["0.9"] = prev
			for j := range prev {
				jobs = append(jobs, job{project, j, &prev[j]})
			}
		}
		req, err := pypi.ParseRequirement(project + "==1.0")
		if err != nil {
			return nil, fmt.Errorf("requirement for %s: %w", project, err)
		}
		w.reqs = append(w.reqs, req)
	}

	// Mint on every core: 400 files take seconds one at a time.
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan job)
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for jb := range next {
				sum := sha256.Sum256(jb.mf.Content)
				sidecar := fmt.Appendf(nil, `{"kind":"GitHub","repository":"acme/%s","workflow":"release.yml"}`, jb.project)
				prov, err := sig.MintProvenance(jb.mf.Filename, hex.EncodeToString(sum[:]), sidecar)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = fmt.Errorf("minting provenance for %s: %w", jb.mf.Filename, err)
					}
					mu.Unlock()
					continue
				}
				jb.mf.Provenance = prov
			}
		})
	}
	for _, jb := range jobs {
		next <- jb
	}
	close(next)
	wg.Wait()
	if first != nil {
		return nil, first
	}
	w.srv = pypitest.New(model, nil)
	w.srv.SetLatency(cfg.latency)
	return w, nil
}
