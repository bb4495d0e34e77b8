package verify

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
)

// Rekor v2 entries in PEP 740 attestations.
//
// A Rekor v2 (rekor-tiles) entry has an inclusion proof and a signed
// checkpoint but no integrated time and no signed entry timestamp, so its
// attestation needs an RFC 3161 timestamp (timestamps.go). sigstore-go v1.3
// verifies hashedrekord 0.0.2 entries only; the Rekor v2 spec dropped dsse
// 0.0.2 (May 2026) and logs a DSSE envelope as hashedrekord 0.0.2 over its
// PAE, as sigstore-python ≥ 4 does. The verifier options stay those of
// NewVerifier: at least one verified log entry and at least one verified
// time (a Rekor v1 integrated time through its SET, or an RFC 3161
// timestamp from a timestamp authority of the trusted root), which
// sigstore-go's WithTransparencyLog(1) and WithObserverTimestamps(1)
// express. Two things sigstore-go leaves to us are here: a v2 log's validity
// window, and telling a changed envelope from a broken proof.

// rekorV2Version is the API version of every Rekor v2 entry type.
const rekorV2Version = "0.0.2"

var (
	// errUnsupportedLogEntry: a transparency entry is of a Rekor type
	// sigstore-go v1.3 cannot verify (dsse 0.0.2). It is not evidence of
	// tampering, but nothing pyverify can check shows the signature was
	// logged: no-transparency-proof, with a message that says why.
	errUnsupportedLogEntry = errors.New("unsupported transparency-log entry type")
	// errLogOutsideValidity: an entry comes from a log the trusted root
	// trusts only for a window that does not hold the signing time.
	// sigstore-go v1.3 checks this for v1 entries' SETs (and then skips the
	// entry silently), not for v2 entries. That is untrusted-certificate,
	// as for a TSA outside its window: the log's key did not speak for the
	// root then.
	errLogOutsideValidity = errors.New("transparency log not valid at signing time")
)

// checkEntryKinds refuses entries sigstore-go would reject as unparseable
// although they are well-formed entries of a known, unsupported type, so
// that the problem says so instead of "malformed".
func checkEntryKinds(entries []*protorekor.TransparencyLogEntry) error {
	for k, e := range entries {
		kv := e.GetKindVersion()
		if kv.GetVersion() == rekorV2Version && kv.GetKind() != "hashedrekord" {
			return fmt.Errorf("%w: entry %d is a Rekor v2 %s %s entry; the Rekor v2 spec dropped that type, and sigstore-go verifies only hashedrekord %s", errUnsupportedLogEntry, k, kv.GetKind(), kv.GetVersion(), rekorV2Version)
		}
	}
	return nil
}

// isRekorV2 reports whether e is a Rekor v2 entry.
func isRekorV2(e *protorekor.TransparencyLogEntry) bool {
	return e.GetKindVersion().GetVersion() == rekorV2Version && e.GetKindVersion().GetKind() == "hashedrekord"
}

// checkRekorV2Windows requires every Rekor v2 entry from a log of the
// trusted root to come from a log valid at each time sigstore-go verified
// (the RFC 3161 times; a v2 entry has no other). The window is inclusive at
// both ends, as the trusted root's TimeRange is.
func checkRekorV2Windows(entries []*protorekor.TransparencyLogEntry, res *sgverify.VerificationResult, logs map[string]*root.TransparencyLog) error {
	for _, e := range entries {
		if !isRekorV2(e) {
			continue
		}
		id := hex.EncodeToString(e.GetLogId().GetKeyId())
		tl, ok := logs[id]
		if !ok {
			continue // sigstore-go skipped it; another entry verified
		}
		for _, ts := range res.VerifiedTimestamps {
			if err := checkWindow(tl, id, ts.Timestamp, "the signature was timestamped"); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkWindow is errLogOutsideValidity when t, which what says, is outside
// the window in which the root trusts the log tl (id its hex log id).
func checkWindow(tl *root.TransparencyLog, id string, t time.Time, what string) error {
	if !outside(t, tl.ValidityPeriodStart, tl.ValidityPeriodEnd) {
		return nil
	}
	return fmt.Errorf("%w: log %s (%s) is trusted from %s to %s, and %s %s",
		errLogOutsideValidity, tl.BaseURL, id, tl.ValidityPeriodStart.UTC().Format(time.RFC3339), orOpen(tl.ValidityPeriodEnd), what, t.UTC().Format(time.RFC3339))
}

// outside reports whether t is outside [start, end]; a zero end is open.
func outside(t, start, end time.Time) bool {
	return t.Before(start) || !end.IsZero() && t.After(end)
}

func orOpen(t time.Time) string {
	if t.IsZero() {
		return "(no end)"
	}
	return t.UTC().Format(time.RFC3339)
}

// v2MismatchError is sigstore-go's failure to verify a Rekor v2 entry's
// inclusion. sigstore-go recomputes a v2 entry from the bundle (signature,
// certificate, digest of the envelope) and checks that recomputed leaf
// against the proof, so a changed signature, certificate or statement and a
// broken inclusion proof fail alike. dsseErr is the DSSE signature check
// run on its own: when it fails, the envelope is what changed.
type v2MismatchError struct {
	err     error
	dsseErr error
}

func (e *v2MismatchError) Error() string { return e.err.Error() }
func (e *v2MismatchError) Unwrap() error { return e.err }

// explainLogFailure gives sigstore-go's log-inclusion error err for bundle
// b the cause its text cannot: a Rekor v2 entry's failed inclusion becomes a
// *v2MismatchError, after checking the DSSE signature alone with
// sigstore-go; a Rekor v1 entry sigstore-go skipped because its integrated
// time is outside its log's validity window (tlog.VerifySET says so only in
// an error it drops) becomes errLogOutsideValidity. Other errors pass
// through.
func explainLogFailure(err error, b *bundle.Bundle, entries []*protorekor.TransparencyLogEntry, tm root.TrustedMaterial) error {
	msg := err.Error()
	if strings.Contains(msg, "not enough verified log entries") {
		logs := tm.RekorLogs()
		for _, e := range entries {
			id := hex.EncodeToString(e.GetLogId().GetKeyId())
			tl, ok := logs[id]
			if !ok || isRekorV2(e) || e.GetIntegratedTime() == 0 {
				continue
			}
			if werr := checkWindow(tl, id, time.Unix(e.GetIntegratedTime(), 0), "the entry says it was integrated"); werr != nil {
				return fmt.Errorf("%w (%w)", werr, err)
			}
		}
		return err
	}
	if b == nil || !strings.Contains(msg, "verifying log entry: verifying inclusion") {
		return err
	}
	v2 := false
	for _, e := range entries {
		v2 = v2 || isRekorV2(e)
	}
	if !v2 {
		return err
	}
	me := &v2MismatchError{err: err}
	sc, scErr := b.SignatureContent()
	vc, vcErr := b.VerificationContent()
	if scErr != nil || vcErr != nil {
		return err
	}
	me.dsseErr = sgverify.VerifySignature(sc, vc, tm)
	return me
}
