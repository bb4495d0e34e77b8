package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// version is pyverify's version, shown by `pyverify version`, in reports
// and in the User-Agent.
const version = "0.1.0"

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "pyverify",
		Short: "Verify that Python packages are what their publishers built",
		Long: `pyverify checks Python distributions against the index's sha256 digests and
their PEP 740 attestations (Sigstore-signed, bound to a Trusted Publisher), and
evaluates the evidence against a policy.

Exit codes: 0 every package satisfies the policy; 1 at least one violates it;
2 usage or configuration error; 3 something could not be checked completely;
130 or 143 interrupted (Ctrl-C, SIGTERM). The manual is docs/manual.md.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return a.setup(cmd)
		},
	}
	root.SetVersionTemplate(versionLine()) // --version says what `pyverify version` says
	root.Flags().Bool("version", false, "print pyverify's version")
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		var bad *pflag.InvalidValueError
		if errors.As(err, &bad) { // pflag's "invalid argument … for … flag: cause"
			err = fmt.Errorf("--%s: %w", bad.GetFlag().Name, bad.Unwrap())
		}
		return usageError(cmd, err)
	})
	a.bindGlobalFlags(root)
	root.AddCommand(
		newAuditCmd(a),
		newDownloadCmd(a),
		newCheckCmd(a),
		newVerifyCmd(a),
		newPolicyCmd(a),
		newCacheCmd(a),
		newVersionCmd(a),
	)
	return root
}

// refuseFlags makes cmd refuse global flags that it would otherwise ignore
// silently (nothing in the input is ignored without a word), and leaves
// them out of its help, which would offer them otherwise.
func refuseFlags(cmd *cobra.Command, names ...string) {
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		for _, n := range names {
			if f := cmd.Flag(n); f != nil && f.Changed {
				return usageError(cmd, fmt.Errorf("--%s does not apply to %q", n, cmd.CommandPath()))
			}
		}
		return nil
	}
	cmd.SetHelpFunc(func(c *cobra.Command, args []string) {
		var hidden []*pflag.Flag
		for _, n := range names {
			if f := c.Flag(n); f != nil && !f.Hidden {
				f.Hidden = true
				hidden = append(hidden, f)
			}
		}
		c.Root().HelpFunc()(c, args)
		for _, f := range hidden {
			f.Hidden = false
		}
	})
}

// usageError adds the command's usage line to a flag or argument error.
func usageError(cmd *cobra.Command, err error) error {
	return &usageErr{err: err, usage: cmd.UseLine()}
}

type usageErr struct {
	err   error
	usage string
}

func (e *usageErr) Error() string { return e.err.Error() + "\nusage: " + e.usage }
func (e *usageErr) Unwrap() error { return e.err }
