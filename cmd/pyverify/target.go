package main

import (
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

// targetFlags are pip download's target environment flags (issue #11),
// shared by audit, check, policy init and download.
type targetFlags struct {
	pythonVersion  string
	platforms      []string
	implementation string
	abis           []string
}

// addTargetFlags binds --python-version, --platform, --implementation and
// --abi to t, with pip download's names and meanings.
func addTargetFlags(cmd *cobra.Command, t *targetFlags) {
	f := cmd.Flags()
	f.StringVar(&t.pythonVersion, "python-version", "", "check only the files Python `X.Y` installs (also X.Y.Z, or XY as pip reads it), and evaluate markers for it (needs --platform)")
	f.StringArrayVar(&t.platforms, "platform", nil, "the target's wheel platform `TAG`, e.g. manylinux_2_28_x86_64, macosx_14_0_arm64, win_amd64, any (repeatable)")
	f.StringVar(&t.implementation, "implementation", "", "the target's Python implementation `ABBR` (cp, pp, …; default cp)")
	f.StringArrayVar(&t.abis, "abi", nil, "the target's ABI `TAG`, e.g. cp312, abi3, none (repeatable; default: derived from --python-version, as pip does)")
}

// target returns the target the flags name, nil when none of them is
// given, or a usage error (exit 2) saying what is wrong.
func (t *targetFlags) target(cmd *cobra.Command) (*pypi.Target, error) {
	if t.pythonVersion == "" && len(t.platforms) == 0 && t.implementation == "" && len(t.abis) == 0 {
		return nil, nil
	}
	py := t.pythonVersion
	if nodot.MatchString(py) {
		py = py[:1] + "." + py[1:] // pip reads "312" as 3.12
	}
	tg := &pypi.Target{PythonVersion: py, Platforms: t.platforms, Implementation: t.implementation, ABIs: t.abis}
	if err := tg.Validate(); err != nil {
		return nil, usageError(cmd, err)
	}
	return tg, nil
}

// withClosure sets the target on o and, for the commands that audit a
// whole set of requirements (audit, download), the marker environment
// of the dependency closure: with a target, every dependency an audited
// release declares for it must be audited too (unlisted-dependency).
// check looks packages up one by one and policy init pins what it saw, so
// they take the target alone.
func withClosure(o *verify.Options, t *pypi.Target) {
	o.Target = t
	if t != nil {
		env := t.Environment()
		o.ClosureEnv = &env
	}
}

// nodot is pip's other spelling of --python-version: "312", "37".
var nodot = regexp.MustCompile(`^[0-9]{2,4}$`)

// largeDownload is the size beyond which an audit without a target says
// that one would download much less (issue #11).
const largeDownload = 1 << 30

// noteLargeDownload says on stderr, after an audit without a target that
// set out to download more than largeDownload bytes, how to download less.
func (a *app) noteLargeDownload(rep *verify.Report) {
	if msg := largeDownloadNotice(rep); msg != "" && !a.quiet {
		fmt.Fprintln(a.stderr, msg)
	}
}

// largeDownloadNotice is the notice's text, "" when none is due.
func largeDownloadNotice(rep *verify.Report) string {
	if rep == nil || rep.Target != nil || rep.DownloadSize <= largeDownload {
		return ""
	}
	return fmt.Sprintf("pyverify: notice: this audit downloaded every file of every release, %.1f GiB; "+
		"--python-version X.Y --platform TAG checks only the files one environment installs, and --no-download checks attestations against the index's digests without downloading",
		float64(rep.DownloadSize)/(1<<30))
}
