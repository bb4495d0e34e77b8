package verify

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
)

// RFC 3161 timestamps in PEP 740 attestations.
//
// A Rekor v2 entry carries no integrated time, so the signing time must come
// from a timestamp authority. The index-hosted attestation format grows an
// optional verification_material.timestamps for it (packaging.python.org PR
// #1936, "Index hosted attestations: Add optional timestamps"; pypi-attestations
// PR #143; tracking issue pypi-attestations #147): a list of base64-encoded,
// complete RFC 3161 timestamp responses, which go into the Sigstore bundle's
// timestampVerificationData.rfc3161Timestamps as they are.

// TimeSource says which verified time anchored an attestation's certificate
// check (the report's "time_source").
type TimeSource string

// The time sources sigstore-go verifies.
const (
	// TimeRekorIntegrated: a Rekor v1 entry's integrated time, which counts
	// only through its verified signed entry timestamp.
	TimeRekorIntegrated TimeSource = "rekor-integrated"
	// TimeRFC3161: an RFC 3161 timestamp signed by a timestamp authority of
	// the trusted root, inside the authority's validity window.
	TimeRFC3161 TimeSource = "rfc3161"
)

// maxTimestamps bounds verification_material.timestamps: sigstore-go refuses
// bundles with more than 32 (internal/limits.MaxAllowedTimestamps), and a
// signer gets one per timestamp authority it asks.
const maxTimestamps = 32

// decodeTimestamps decodes verification_material.timestamps of the
// verification material vm: absent or null is none; otherwise an array of
// non-empty standard-base64 strings. Whether a response means anything is
// sigstore-go's check, so that a bad one is a problem of its attestation.
// Errors start with a path suffix.
func decodeTimestamps(vm map[string]json.RawMessage) ([][]byte, error) {
	const path = ".verification_material.timestamps"
	raw, ok := vm["timestamps"]
	if !ok || isNull(raw) {
		return nil, nil
	}
	items, err := decodeArray(raw)
	if err != nil {
		return nil, at(path, err)
	}
	if len(items) > maxTimestamps {
		return nil, at(path, fmt.Errorf("%d timestamps, more than the %d allowed", len(items), maxTimestamps))
	}
	var out [][]byte
	for k, item := range items {
		var s string
		if isNull(item) || json.Unmarshal(item, &s) != nil {
			return nil, at(fmt.Sprintf("%s[%d]", path, k), errors.New("not a string"))
		}
		ts, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, at(fmt.Sprintf("%s[%d]", path, k), fmt.Errorf("bad base64: %w", err))
		}
		if len(ts) == 0 {
			return nil, at(fmt.Sprintf("%s[%d]", path, k), errors.New("empty"))
		}
		out = append(out, ts)
	}
	return out, nil
}

// timestampData is the bundle's timestamp verification data for ra's
// timestamps, or nil when it has none.
func timestampData(ra RawAttestation) *protobundle.TimestampVerificationData {
	if len(ra.Timestamps) == 0 {
		return nil
	}
	d := &protobundle.TimestampVerificationData{}
	for _, ts := range ra.Timestamps {
		d.Rfc3161Timestamps = append(d.Rfc3161Timestamps, &protocommon.RFC3161SignedTimestamp{SignedTimestamp: ts})
	}
	return d
}

// timeSourceOf says which verified time sigstore-go used, preferring a Rekor
// integrated time (what every attestation had before Rekor v2). sigstore-go
// checks the certificate at each verified time, so any of them would do;
// the report names one.
func timeSourceOf(res *sgverify.VerificationResult) TimeSource {
	var src TimeSource
	for _, ts := range res.VerifiedTimestamps {
		switch ts.Type {
		case "Tlog":
			return TimeRekorIntegrated
		case "TimestampAuthority":
			src = TimeRFC3161
		}
	}
	return src
}
