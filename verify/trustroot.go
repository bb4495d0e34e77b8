package verify

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tuf"
)

// TrustedRoot is the Sigstore trusted material attestations are verified
// against (SPEC §4.4): the Fulcio CAs, Rekor logs, CT logs and timestamp
// authorities of one Sigstore instance.
type TrustedRoot struct {
	tr     *root.TrustedRoot
	digest [32]byte // sha256 of its JSON: a verification cache key part
}

// LoadTrustedRoot parses a Sigstore trusted_root.json named name (the name
// only appears in errors).
func LoadTrustedRoot(name string, data []byte) (*TrustedRoot, error) {
	tr, err := root.NewTrustedRootFromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%s: not a Sigstore trusted root: %w", name, err)
	}
	if len(tr.RekorLogs()) == 0 || len(tr.FulcioCertificateAuthorities()) == 0 {
		// A root without logs or CAs would make every attestation
		// untrusted; say so once, at load time, rather than per file.
		return nil, fmt.Errorf("%s: not a Sigstore trusted root: it names no Rekor log or no Fulcio CA", name)
	}
	return &TrustedRoot{tr: tr, digest: sha256.Sum256(data)}, nil
}

// trustedRootTarget is the TUF target that holds the trusted root.
const trustedRootTarget = "trusted_root.json"

// PublicGoodTrustedRoot returns the Sigstore public-good trusted root through
// sigstore-go's TUF client, anchored in the TUF root embedded in sigstore-go
// and cached in cacheDir.
//
// Online, the TUF metadata is refreshed as the TUF specification requires.
// Offline, nothing is fetched: the cached metadata and target are used while
// the metadata is unexpired, and an empty or expired cache is an error that
// says how to get out of it (there is no trusted root inside the embedded TUF
// root itself). An empty cacheDir (--no-cache) keeps the TUF metadata in
// memory for this run only.
func PublicGoodTrustedRoot(ctx context.Context, cacheDir string, offline bool) (*TrustedRoot, error) {
	opts := tuf.DefaultOptions().WithContext(ctx)
	switch {
	case cacheDir != "":
		opts = opts.WithCachePath(cacheDir)
	case offline:
		return nil, errors.New("sigstore trusted root: offline without a cache has nothing to verify against: pass --trusted-root FILE")
	default:
		opts = opts.WithDisableLocalCache()
	}
	if offline {
		opts = opts.WithForceCache().WithFetcher(offlineFetcher{})
	}
	c, err := tuf.New(opts)
	if err != nil {
		if offline {
			return nil, fmt.Errorf("sigstore trusted root: offline and no usable TUF cache in %s (run once online or pass a trusted_root.json): %w", cacheDir, err)
		}
		return nil, fmt.Errorf("sigstore trusted root: TUF update from %s: %w", opts.RepositoryBaseURL, err)
	}
	data, err := c.GetTarget(trustedRootTarget)
	if err != nil {
		return nil, fmt.Errorf("sigstore trusted root: TUF target %s: %w", trustedRootTarget, err)
	}
	return LoadTrustedRoot("TUF target "+trustedRootTarget, data)
}

// offlineFetcher is a TUF fetcher that refuses every download, so that an
// offline run provably never touches the network.
type offlineFetcher struct{}

// DownloadFile implements go-tuf's fetcher.Fetcher.
func (offlineFetcher) DownloadFile(urlPath string, _ int64, _ time.Duration) ([]byte, error) {
	return nil, fmt.Errorf("offline: not fetching %s", urlPath)
}
