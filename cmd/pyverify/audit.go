package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/verify"
)

func newAuditCmd(a *app) *cobra.Command {
	var (
		files      []string
		paths      []string
		noDownload bool
		tf         targetFlags
	)
	cmd := &cobra.Command{
		Use:   "audit [-r FILE]... [--path DIR]... [REQ]...",
		Short: "Check requirements files (and inline specs) against the index and the policy",
		Example: `  pyverify audit -r requirements.txt
  pyverify audit -r requirements.txt --format sarif -o pyverify.sarif
  pyverify audit --path .venv`,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := tf.target(cmd)
			if err != nil {
				return err
			}
			switch {
			case len(files) == 0 && len(args) == 0 && len(paths) == 0:
				return usageError(cmd, errors.New("nothing to audit: "+hintAudit))
			case noDownload && len(paths) > 0:
				return usageError(cmd, errors.New(msgPathNoDownload))
			}
			reqs, o, err := a.auditInputs(cmd.Context(), "audit", files, args, paths)
			if err != nil {
				return err
			}
			o.NoDownload, o.FlagUnpinned = noDownload, true
			withClosure(&o, target)
			rep, err := a.audit(cmd.Context(), verify.NewEngine(o), reqs, false)
			a.noteLargeDownload(rep)
			if err != nil {
				return err
			}
			return exitFor(rep)
		},
	}
	cmd.Flags().StringArrayVarP(&files, "requirement", "r", nil, "audit requirements `FILE` (repeatable)")
	addTargetFlags(cmd, &tf)
	cmd.Flags().StringArrayVar(&paths, "path", nil, "audit the distributions installed in `DIR`, a virtualenv or site-packages, and bind their files to the wheels checked (repeatable)")
	cmd.Flags().BoolVar(&noDownload, "no-download", false, "verify attestations against the index's digest without downloading artifacts")
	return cmd
}
