package pypi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// IntegrityMediaType is the Accept type of the Integrity API (SPEC §4.3,
// docs.pypi.org/api/integrity).
const IntegrityMediaType = "application/vnd.pypi.integrity.v1+json"

// Provenance fetches GET <base>/integrity/<project>/<version>/<filename>/provenance
// and returns the provenance object's JSON, unparsed (SPEC §4.3; the JSON API
// has no provenance link, so the URL is built from its parts). A 404 is
// ErrNoProvenance; 403 (provenance disabled) and any other unexpected status
// is a *StatusError, an index error, never "no attestation". A body that is
// not strict JSON (CheckStrictJSON: one value, no repeated key) is a
// *DecodeError. Offline, the answer (provenance or 404) comes from the cache
// (Options.Offline).
func (c *Client) Provenance(ctx context.Context, project, version, filename string) ([]byte, error) {
	u, err := c.endpoint("integrity", project, version, filename, "provenance")
	if err != nil {
		return nil, err
	}
	var prov []byte
	err = c.metadata(ctx, u, MaxProvenanceSize, ErrNoProvenance,
		func(cond *docMeta) (docAnswer, error) { return c.getProvenance(ctx, u, cond) },
		func(data []byte, cached bool) error {
			// A cached copy passed the strict check before it was stored
			// (the cache is the user's, as the verification cache is), and
			// the verify package decodes provenance strictly again anyway:
			// a warm run only makes sure the copy is not damaged, with the
			// much cheaper json.Valid, so a damaged one is fetched again.
			if cached {
				if !json.Valid(data) {
					return &DecodeError{URL: u, Err: errors.New("cached provenance is not JSON")}
				}
				prov = data
				return nil
			}
			if err := CheckStrictJSON(data); err != nil {
				return &DecodeError{URL: u, Err: fmt.Errorf("provenance is not strict JSON: %w", err)}
			}
			prov = data
			return nil
		})
	if err != nil {
		return nil, err
	}
	return prov, nil
}

func (c *Client) getProvenance(ctx context.Context, u string, cond *docMeta) (docAnswer, error) {
	ans, err := c.getDoc(ctx, u, IntegrityMediaType, MaxProvenanceSize, cond)
	if isNotFound(err) {
		return ans, fmt.Errorf("%w: %w", ErrNoProvenance, err)
	}
	return ans, err
}
