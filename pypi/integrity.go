package pypi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// IntegrityMediaType is the Accept type of the Integrity API (SPEC §4.3,
// docs.pypi.org/api/integrity).
const IntegrityMediaType = "application/vnd.pypi.integrity.v1+json"

// Provenance fetches GET <base>/integrity/<project>/<version>/<filename>/provenance
// and returns the provenance object's JSON, unparsed (SPEC §4.3; the JSON API
// has no provenance link, so the URL is built from its parts). A 404 is
// ErrNoProvenance; 403 (provenance disabled) and any other unexpected status
// is a *StatusError, an index error, never "no attestation". A body that is
// not JSON is a *DecodeError. Offline, the answer (provenance or 404) comes
// from the cache (Options.Offline).
func (c *Client) Provenance(ctx context.Context, project, version, filename string) ([]byte, error) {
	u := c.endpoint("integrity", project, version, filename, "provenance")
	var prov []byte
	err := c.metadata(ctx, u, MaxProvenanceSize, ErrNoProvenance,
		func() ([]byte, error) { return c.getProvenance(ctx, u) },
		func(data []byte) error {
			if !json.Valid(data) {
				return &DecodeError{URL: u, Err: errors.New("provenance is not valid JSON")}
			}
			prov = data
			return nil
		})
	if err != nil {
		return nil, err
	}
	return prov, nil
}

func (c *Client) getProvenance(ctx context.Context, u string) ([]byte, error) {
	resp, err := c.get(ctx, u, IntegrityMediaType, false)
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, fmt.Errorf("%w: %w", ErrNoProvenance, statusError(resp, u))
	default:
		return nil, statusError(resp, u)
	}
	return readAll(resp, u, MaxProvenanceSize)
}
