package main

import (
	"fmt"

	"github.com/pyverify/pyverify/verify"
)

// Exit codes (SPEC §8). They depend only on the report, never on --format.
const (
	exitOK         = 0 // every package satisfies the policy
	exitViolation  = 1 // at least one package violates the policy
	exitUsage      = 2 // usage or configuration error; nothing was verified
	exitIncomplete = 3 // no violation, but something could not be checked

	exitInterrupted = 130 // Ctrl-C (SIGINT); SIGTERM gives 143 (interruptCode)
)

// exitError carries an exit status out of a command whose report has
// already been written.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitFor derives the exit status from the report, whatever --format was
// used: a CI gate must not pass because the report was JSON or SARIF.
func exitFor(r *verify.Report) error {
	switch {
	case r.Interrupted:
		return &interruptError{total: r.Summary.Packages, unfinished: r.Unfinished}
	case r.Summary.Violations > 0:
		return &exitError{exitViolation}
	// A requirement not applicable to the target (issue #11) was not
	// checked on purpose: it neither passes nor makes the run incomplete.
	case r.Summary.Errors > 0 || r.Summary.OK+r.Summary.NotApplicable < r.Summary.Packages:
		return &exitError{exitIncomplete}
	}
	return nil
}

// interruptError ends a run cancelled by a signal; runApp says how far it
// got and exits 130 or 143.
type interruptError struct{ total, unfinished int }

func (e *interruptError) Error() string {
	return fmt.Sprintf("interrupted: %d of %d packages not checked", e.unfinished, e.total)
}

// Guidance shown with usage errors.
const (
	hintAudit = "run: pyverify audit -r requirements.txt"
	// msgPathNoDownload: binding installed files needs the wheel's RECORD,
	// so the wheel is downloaded whatever --no-download says.
	msgPathNoDownload = "--no-download cannot be used with --path: installed files are bound to the RECORD inside each wheel, which must be downloaded"
	hintCheck         = "run: pyverify check NAME[==VERSION], e.g. pyverify check sigstore==3.6.1 requests"
	hintVerify        = "run: pyverify verify FILE... [--provenance FILE]..."
	hintTrustedRoot   = "pass --trusted-root FILE (a Sigstore trusted_root.json) to verify without the network"
)
