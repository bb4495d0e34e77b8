package main

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

func newPolicyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Write and validate policy files",
	}
	cmd.AddCommand(newPolicyInitCmd(a), newPolicyCheckCmd(a))
	return cmd
}

func newPolicyInitCmd(a *app) *cobra.Command {
	var (
		files, paths []string
		tf           targetFlags
	)
	cmd := &cobra.Command{
		Use:   "init [-r FILE]... [--path DIR]... [REQ]...",
		Short: "Print a policy pinning the publishers observed now (trust on first use)",
		Long: `Print a policy that pins, for each package with verified attestations, the
publishers observed now, with require = "attestation" (trust on first use).

A package that fails its checks or cannot be checked is not pinned: it is
named in a "# not pinned" comment and on stderr. The policy is still written,
but the exit status is then 1 (a package failed) or 3 (something could not be
checked), as for audit, so "policy init > pyverify.toml && ..." stops there:
review the comments, then use the file. An interrupted run writes nothing.`,
		Example: `  pyverify policy init -r requirements.txt > pyverify.toml
  pyverify audit -r requirements.txt --policy pyverify.toml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := tf.target(cmd)
			if err != nil {
				return err
			}
			reqs, opts, err := a.readInputs(files, args, paths)
			if err != nil {
				return err
			}
			if len(reqs) == 0 {
				return usageError(cmd, fmt.Errorf("nothing to pin: %s", "run: pyverify policy init -r requirements.txt"))
			}
			c, err := a.client(opts)
			if err != nil {
				return err
			}
			// Observe with the built-in default policy: an existing policy
			// must not decide what the new one pins.
			d, err := a.loadDeps(cmd.Context(), false)
			if err != nil {
				return err
			}
			o := a.engineOptions(d, c)
			o.Target = target
			rep := verify.NewEngine(o).Audit(cmd.Context(), reqs)
			a.noteLargeDownload(rep)
			if ctx := cmd.Context(); ctx.Err() != nil {
				// Half an observation would pin half the packages: write nothing.
				fmt.Fprintf(a.stderr, "pyverify: interrupted%s: no policy written\n", signalSuffix(ctx))
				return &exitError{interruptCode(ctx)}
			}
			pins, skipped := verify.PolicyPins(rep)
			var buf bytes.Buffer
			for _, s := range skipped {
				fmt.Fprintf(&buf, "# not pinned: %s\n", s)
				fmt.Fprintf(a.stderr, "pyverify: not pinned: %s\n", s)
			}
			if len(skipped) > 0 {
				buf.WriteString("\n")
			}
			buf.Write(policy.Render(pins))
			w := a.stdout
			if a.out != nil {
				w = a.out
			}
			if _, err := w.Write(buf.Bytes()); err != nil {
				return fmt.Errorf("writing the policy: %w", err)
			}
			if err := a.commitOutput(); err != nil {
				return err
			}
			err = exitFor(rep)
			var ee *exitError
			if errors.As(err, &ee) {
				// The status gates a `policy init > pyverify.toml && …`
				// chain; say that the file was written all the same.
				why := "not every package could be checked"
				if ee.code == exitViolation {
					why = "a package failed its checks"
				}
				fmt.Fprintf(a.stderr, "pyverify: policy written with %d of %d packages not pinned (see its \"# not pinned\" comments); exit status %d because %s\n",
					len(skipped), len(rep.Packages), ee.code, why)
			}
			return err
		},
	}
	addTargetFlags(cmd, &tf)
	cmd.Flags().StringArrayVarP(&files, "requirement", "r", nil, "requirements `FILE` to observe (repeatable)")
	cmd.Flags().StringArrayVar(&paths, "path", nil, "observe the distributions installed in `DIR`, a virtualenv or site-packages (repeatable)")
	// The output is a policy, not a report, and it is observed with the
	// built-in default: an existing policy must not decide what it pins.
	refuseFlags(cmd, "format", "policy")
	return cmd
}

func newPolicyCheckCmd(a *app) *cobra.Command {
	var files []string
	cmd := &cobra.Command{
		Use:   "check [FILE] [-r FILE]...",
		Short: "Validate a policy file; with -r, show which entry applies to each package",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				a.policyFile = args[0]
			}
			pol, err := a.loadPolicy()
			if err != nil {
				return err
			}
			reqs, _, err := a.readRequirements(files, nil)
			if err != nil {
				return err
			}
			if a.policyFile == "" && pol.Source == policy.DefaultSource {
				fmt.Fprintf(a.stdout, "no policy file found (neither ./%s nor [tool.pyverify] in ./%s): the built-in default applies, require = %q, no package entries\n",
					policy.FileName, policy.PyprojectName, pol.Require)
			} else {
				fmt.Fprintf(a.stdout, "%s: valid policy, require = %q, %d package entries\n", pol.Source, pol.Require, len(pol.Entries))
			}
			now := time.Now()
			for _, e := range pol.Entries {
				if !e.Expires.IsZero() && !now.Before(e.Expires) {
					fmt.Fprintf(a.stdout, "%s:%d: warning: %s expired after %s: it no longer applies (renew or remove it)\n",
						pol.Source, e.Line, e.EntryKey(), e.Expires.Add(-time.Nanosecond).Format(time.DateOnly))
				}
			}
			for _, r := range reqs {
				e, expired := pol.Lookup(r.Name, now)
				where := "top level"
				if e != nil {
					where = fmt.Sprintf("[packages.%q] (line %d), require = %q", e.Pattern, e.Line, e.Require)
				}
				name := r.Name
				if name == "" { // a URL or path requirement that does not say its name
					name = pypi.RedactURL(r.Text)
				}
				fmt.Fprintf(a.stdout, "%s: %s -> %s\n", r.Source(), name, where)
				for _, x := range expired {
					fmt.Fprintf(a.stdout, "%s: %s: entry [packages.%q] (line %d) expired on %s\n", r.Source(), name, x.Pattern, x.Line, x.Expires.Add(-time.Nanosecond).Format(time.DateOnly))
				}
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&files, "requirement", "r", nil, "show the entry that applies to each package of `FILE` (repeatable)")
	// Nothing is fetched or verified, and the answer is a few lines of text.
	refuseFlags(cmd, "format", "output", "index-url", "trusted-root", "concurrency", "max-artifact-size", "cache-dir", "no-cache", "offline")
	return cmd
}
