package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/verify"
)

func newCheckCmd(a *app) *cobra.Command {
	var (
		noDownload bool
		tf         targetFlags
	)
	cmd := &cobra.Command{
		Use:     "check NAME[==VERSION]...",
		Short:   "Look packages up: who published them, and can they be trusted (no version = the latest release)",
		Example: `  pyverify check sigstore==3.6.1 requests`,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := tf.target(cmd)
			if err != nil {
				return err
			}
			if len(args) == 0 {
				return usageError(cmd, errors.New("nothing to check: "+hintCheck))
			}
			reqs, _, err := a.readRequirements(nil, args)
			if err != nil {
				return err
			}
			c, err := a.client(nil)
			if err != nil {
				return err
			}
			d, err := a.loadDeps(cmd.Context(), true)
			if err != nil {
				return err
			}
			o := a.engineOptions(d, c)
			o.NoDownload = noDownload
			o.Target = target
			// A lookup explains each package in full.
			rep, err := a.audit(cmd.Context(), verify.NewEngine(o), reqs, true)
			a.noteLargeDownload(rep)
			if err != nil {
				return err
			}
			return exitFor(rep)
		},
	}
	addTargetFlags(cmd, &tf)
	cmd.Flags().BoolVar(&noDownload, "no-download", false, "verify attestations against the index's digest without downloading artifacts")
	a.bindPinFlags(cmd)
	return cmd
}
