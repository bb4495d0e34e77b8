package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/verify"
)

// hintDownload is the usage of download.
const hintDownload = "run: pyverify download -r requirements.txt -d DIR"

func newDownloadCmd(a *app) *cobra.Command {
	var (
		files []string
		dir   string
		tf    targetFlags
	)
	cmd := &cobra.Command{
		Use:   "download [-r FILE]... [REQ]... -d DIR",
		Short: "Audit, then keep in DIR exactly the verified files, with a requirements.txt and pylock.toml",
		Long: `Download runs the audit and writes into DIR the files it checked of every package
that satisfies the policy: the very bytes that were hashed and verified, each
written atomically, never a file of a failing package. It also writes
DIR/requirements.txt (name==version with every file's --hash) and
DIR/pylock.toml (PEP 751, with the attestation identities that verified), so
that

  pip install --no-index --find-links DIR -r DIR/requirements.txt

installs exactly what was verified, and pyverify audit -r DIR/pylock.toml
checks it again. Exit codes are the audit's.`,
		Example: `  pyverify download -r requirements.txt -d wheelhouse
  pip install --no-index --find-links wheelhouse -r wheelhouse/requirements.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := tf.target(cmd)
			if err != nil {
				return err
			}
			switch {
			case dir == "":
				return usageError(cmd, errors.New("no download directory: "+hintDownload))
			case len(files) == 0 && len(args) == 0:
				return usageError(cmd, errors.New("nothing to download: "+hintDownload))
			}
			if err := checkNotInput(dir, files); err != nil {
				return err
			}
			reqs, o, err := a.auditInputs(cmd.Context(), "download", files, args, nil)
			if err != nil {
				return err
			}
			store, err := verify.NewStore(dir) // before any package is checked: an unwritable DIR is exit 2
			if err != nil {
				return err
			}
			defer store.Discard()
			o.FlagUnpinned, o.Keep = true, store.Keep
			withClosure(&o, target)
			rep := verify.NewEngine(o).Audit(cmd.Context(), reqs)
			a.noteLargeDownload(rep)
			if err := a.render(rep, false); err != nil {
				return err
			}
			if !rep.Interrupted {
				st, err := store.Commit(rep, "pyverify "+version)
				if err != nil {
					return fmt.Errorf("download directory %s: %w", dir, err)
				}
				a.noteStored(dir, st)
			}
			return exitFor(rep)
		},
	}
	cmd.Flags().StringArrayVarP(&files, "requirement", "r", nil, "download requirements `FILE` (repeatable)")
	cmd.Flags().StringVarP(&dir, "dest", "d", "", "write the verified files, requirements.txt and pylock.toml into `DIR` (created if missing)")
	addTargetFlags(cmd, &tf)
	return cmd
}

// checkNotInput refuses a download directory whose requirements.txt or
// pylock.toml is a file read as input (-d . beside requirements.txt):
// writing it would replace the input with the lock of what passed,
// silently dropping every failing package from the next run.
func checkNotInput(dir string, files []string) error {
	for _, name := range []string{"requirements.txt", "pylock.toml"} {
		out, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		for _, f := range files {
			if in, err := os.Stat(f); err == nil && os.SameFile(in, out) {
				return fmt.Errorf("download directory %s: it would overwrite %s, which is read as input; choose another -d", dir, f)
			}
		}
	}
	return nil
}

// noteStored says on stderr what download wrote and what it did not.
func (a *app) noteStored(dir string, st *verify.Stored) {
	if a.quiet && len(st.Skipped) == 0 {
		return
	}
	fmt.Fprintf(a.stderr, "pyverify: wrote %d files of %d packages to %s, with requirements.txt and pylock.toml\n", len(st.Files), st.Packages, dir)
	if len(st.Skipped) > 0 {
		fmt.Fprintf(a.stderr, "pyverify: not written: %s\n", strings.Join(st.Skipped, ", "))
	}
}
