package policy

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// PinOptions are the one-off publisher pin of `check` and `verify`
// (--repo, --owner, --workflow), like gh attestation verify's.
type PinOptions struct {
	Repo     string // OWNER/NAME of the GitHub repository
	Owner    string // GitHub owner (a glob), for any of its repositories
	Workflow string // workflow file name (a glob), with Repo or Owner
}

// IsZero reports whether no pin was asked for.
func (o PinOptions) IsZero() bool { return o == PinOptions{} }

// Pin returns a copy of p in which every package needs a verified
// attestation from the GitHub publisher o names: the entry that
// `[packages."*"] require = "attestation", publishers = [{ kind = "GitHub",
// repository = … }]` would be, replacing p's package entries for the run.
// p's top-level keys (deny-yanked, require-pinned) still apply. Decisions
// name the flags, e.g. "--repo acme/demo".
func (p *Policy) Pin(o PinOptions) (*Policy, error) {
	var (
		pub   = Publisher{Kind: GitHub, Workflow: o.Workflow}
		flags []string
	)
	switch {
	case o.Repo != "" && o.Owner != "":
		return nil, errors.New("--repo and --owner cannot be used together")
	case o.Repo != "":
		owner, name, ok := strings.Cut(o.Repo, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			return nil, fmt.Errorf("--repo %q: give OWNER/NAME", o.Repo)
		}
		pub.Repository = o.Repo
		flags = append(flags, "--repo "+o.Repo)
	case o.Owner != "":
		if strings.Contains(o.Owner, "/") {
			return nil, fmt.Errorf("--owner %q: give the owner alone (for one repository use --repo OWNER/NAME)", o.Owner)
		}
		pub.Repository = o.Owner + "/*"
		flags = append(flags, "--owner "+o.Owner)
	case o.Workflow != "":
		return nil, errors.New("--workflow needs --repo or --owner")
	}
	for _, f := range []struct{ flag, glob string }{{flags[0], pub.Repository}, {"--workflow " + o.Workflow, o.Workflow}} {
		if _, err := path.Match(f.glob, ""); err != nil {
			flag, value, _ := strings.Cut(f.flag, " ")
			return nil, fmt.Errorf("%s %q: %w", flag, value, err)
		}
	}
	if o.Workflow != "" {
		flags = append(flags, "--workflow "+o.Workflow)
	}
	src := strings.Join(flags, " ")
	out := &Policy{
		Source:        p.Source + ", pinned by " + src,
		Require:       p.Require,
		DenyYanked:    p.DenyYanked,
		RequirePinned: p.RequirePinned,
		// The pin replaces who may publish; what must be audited stays.
		RequireComplete: p.RequireComplete,
		completeLine:    p.completeLine,
		Entries:         []Entry{{Pattern: "*", Require: Attestation, Publishers: []Publisher{pub}, key: src}},
	}
	return out, nil
}
