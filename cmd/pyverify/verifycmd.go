package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/verify"
)

func newVerifyCmd(a *app) *cobra.Command {
	var provenance []string
	cmd := &cobra.Command{
		Use:   "verify FILE... [--provenance F]...",
		Short: "Verify local distribution files against their PEP 740 provenance",
		Long: `Verify local distribution files. Each --provenance F is the provenance of the
FILE in the same position (an Integrity API provenance object or a single
attestation); without --provenance, provenance is fetched from the index's
Integrity API for the project and version the filename names.`,
		Example: `  pyverify verify sigstore-3.6.1.tar.gz --provenance sigstore-3.6.1.tar.gz.provenance --trusted-root trusted_root.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError(cmd, fmt.Errorf("nothing to verify: %s", hintVerify)) // its ... is usage syntax
			}
			files, err := localFiles(args, provenance)
			if err != nil {
				return err
			}
			var idx verify.Index
			if len(provenance) == 0 {
				c, err := a.client(nil)
				if err != nil {
					return err
				}
				idx = c
			}
			d, err := a.loadDeps(cmd.Context(), true)
			if err != nil {
				return err
			}
			o := a.engineOptions(d, idx)
			rep := verify.NewEngine(o).Verify(cmd.Context(), files)
			if err := a.render(rep, true); err != nil {
				return err
			}
			return exitFor(rep)
		},
	}
	cmd.Flags().StringArrayVar(&provenance, "provenance", nil, "provenance `FILE` for the FILE in the same position (repeatable)")
	a.bindPinFlags(cmd)
	return cmd
}

// localFiles checks the artifacts and decodes their provenance before
// anything is verified: a missing file, a name that is not a distribution
// filename or an unreadable provenance is a usage error (exit 2).
func localFiles(paths, provenance []string) ([]verify.LocalFile, error) {
	if len(provenance) > 0 && len(provenance) != len(paths) {
		return nil, fmt.Errorf("%d files but %d --provenance: give one --provenance per file, in the same order (%s)", len(paths), len(provenance), hintVerify)
	}
	files := make([]verify.LocalFile, len(paths))
	for i, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			return nil, fmt.Errorf("%s: is a directory, not a distribution file", p)
		}
		if _, err := pypi.ParseDistFilename(filepath.Base(p)); err != nil {
			return nil, fmt.Errorf("%s: not a distribution filename (NAME-VERSION.tar.gz or NAME-VERSION-TAGS.whl): %w", p, err)
		}
		files[i].Path = p
		if len(provenance) == 0 {
			continue
		}
		data, err := readLimited(provenance[i], pypi.MaxProvenanceSize)
		if err != nil {
			return nil, fmt.Errorf("reading provenance: %w", err)
		}
		if files[i].Provenance, err = verify.DecodeProvenance(provenance[i], data); err != nil {
			return nil, err
		}
	}
	return files, nil
}

// readLimited reads a file that should be small, refusing one larger than
// limit instead of holding it in memory.
func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes: not a provenance file", name, limit)
	}
	return data, nil
}
