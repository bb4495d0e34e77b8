package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pyverify/pyverify/policy"
	"github.com/pyverify/pyverify/pypi"
)

// metadataIndex is an index that serves PEP 658 metadata files;
// *pypi.Client is one. It is asked for separately from Index so that
// fakes without it still work: the JSON API's requires_dist is used then.
type metadataIndex interface {
	CoreMetadata(ctx context.Context, f pypi.File) ([]byte, error)
}

// dependencies reads what the release p declares it depends on (issue
// #11): the Requires-Dist of the PEP 658 metadata files of the wheels whose
// bytes were checked, since that is what an installer of one of them
// reads (every one of them: each wheel has its own metadata, and which
// one an installer picks is its choice), else the JSON API's
// info.requires_dist (null: none declared). unknown says why they could
// not be read; it is "" when they were.
func (e *Engine) dependencies(ctx context.Context, p Package, rel *pypi.Release) (deps []pypi.Requirement, unknown string) {
	declared := rel.RequiresDist
	var fromWheels []string
	seen := map[string]bool{}
	read := false
	if mi, ok := e.o.Index.(metadataIndex); ok {
		for _, f := range p.Files {
			i := slices.IndexFunc(rel.Files, func(g pypi.File) bool { return g.Filename == f.Filename })
			if i < 0 || !rel.Files[i].CoreMetadata || !strings.HasSuffix(f.Filename, ".whl") ||
				(f.Evidence != Verified && f.Evidence != HashOnly) {
				continue
			}
			name := f.Filename + ".metadata"
			data, err := mi.CoreMetadata(ctx, rel.Files[i])
			if err != nil {
				return nil, fmt.Sprintf("%s: %v", name, err)
			}
			md, err := pypi.ParseCoreMetadata(name, data)
			if err != nil {
				return nil, err.Error()
			}
			// The metadata of another project would declare another
			// project's dependencies (issue #8: nothing from the index is
			// trusted unchecked).
			if pypi.NormalizeName(md.Name) != pypi.NormalizeName(p.Name) || !sameVersion(p.Version, md.Version, false) {
				return nil, fmt.Sprintf("%s names %s %s, not %s %s", name, md.Name, md.Version, p.Name, p.Version)
			}
			for _, d := range md.RequiresDist {
				if !seen[d] {
					seen[d] = true
					fromWheels = append(fromWheels, d)
				}
			}
			read = true
		}
	}
	if read {
		declared = fromWheels
	}
	if len(declared) > pypi.MaxRequiresDist {
		return nil, fmt.Sprintf("it declares %d dependencies, more than the %d pyverify reads", len(declared), pypi.MaxRequiresDist)
	}
	extras := 0
	for _, s := range declared {
		r, err := pypi.ParseRequirement(s)
		if err != nil {
			return nil, fmt.Sprintf("it declares a dependency that is not PEP 508: %v", err)
		}
		deps = append(deps, r)
		extras += len(r.Extras)
	}
	if extras > pypi.MaxRequiresDist {
		return nil, fmt.Sprintf("its dependencies name %d extras, more than the %d pyverify reads", extras, pypi.MaxRequiresDist)
	}
	return deps, ""
}

// closures checks every pending package's dependencies against the
// audited set (issue #11): each dependency whose marker holds in the
// target environment, with the extras asked for, must be audited at a
// version that satisfies it. Extras asked for by one audited package of
// another (requests[socks] → pysocks) apply to that one as well, as an
// installer would install them. The result is indexed like pkgs; nil
// where nothing was examined.
func (e *Engine) closures(reqs []pypi.Requirement, pkgs []Package, pend []*pending) []*policy.Closure {
	env := *e.o.ClosureEnv
	// Every package requested for the target counts as listed, also one
	// that failed or could not be checked: its own problems say so.
	audited := map[string][]int{} // PEP 503 name → indexes into pkgs
	extras := map[string][]string{}
	for i, p := range pkgs {
		if !reqs[i].ParsedMarker.EvaluateExtras(env, nil) {
			continue
		}
		n := pypi.NormalizeName(p.Name)
		audited[n] = append(audited[n], i)
		extras[n] = addExtras(extras[n], reqs[i].Extras)
	}
	// Which dependencies apply grows with the extras asked of their
	// declaring project, and those grow with the dependencies that apply
	// (requests[socks] → pysocks). Each package is examined once with no
	// extra and once per extra asked of it, so that extras a release
	// chains through one another cost no more than its dependencies
	// times its extras (both bounded by pypi.MaxRequiresDist).
	applied := make([][]bool, len(pend))
	type work struct {
		i     int
		extra string
	}
	var queue []work
	for i, pd := range pend {
		if pd == nil {
			continue
		}
		applied[i] = make([]bool, len(pd.deps))
		queue = append(queue, work{i, ""})
		for _, x := range extras[pypi.NormalizeName(pkgs[i].Name)] {
			queue = append(queue, work{i, x})
		}
	}
	for len(queue) > 0 {
		w := queue[0]
		queue = queue[1:]
		wenv := env
		wenv.Extra = w.extra
		for k, d := range pend[w.i].deps {
			if applied[w.i][k] || !d.ParsedMarker.Evaluate(wenv) {
				continue
			}
			applied[w.i][k] = true
			n := pypi.NormalizeName(d.Name)
			if _, ok := audited[n]; !ok {
				continue
			}
			for _, x := range d.Extras {
				x = pypi.NormalizeName(x)
				if slices.Contains(extras[n], x) {
					continue
				}
				extras[n] = append(extras[n], x)
				for _, j := range audited[n] {
					if pend[j] != nil {
						queue = append(queue, work{j, x})
					}
				}
			}
		}
	}
	inputs := inputsOf(reqs)
	out := make([]*policy.Closure, len(pkgs))
	for i, pd := range pend {
		if pd == nil || !pd.marker.EvaluateExtras(env, nil) {
			continue
		}
		c := &policy.Closure{Release: pkgs[i].Name + " " + pkgs[i].Version, Inputs: inputs, Unknown: pd.depsUnknown}
		for k, d := range pd.deps {
			if !applied[i][k] {
				continue
			}
			var seen []string
			ok := false
			for _, j := range audited[pypi.NormalizeName(d.Name)] {
				// No version: the listing could not be resolved (or is a
				// URL); its own error stands for it. A dependency by URL is
				// fetched from there, never the audited release.
				if d.URL == "" && (pkgs[j].Version == "" || d.Specifier.ContainsString(pkgs[j].Version, true)) {
					ok = true
					break
				}
				if pkgs[j].Version != "" {
					seen = append(seen, pkgs[j].Version)
				}
			}
			if !ok {
				c.Unlisted = append(c.Unlisted, policy.Dependency{Name: d.Name, Requirement: dependencyText(d), Audited: strings.Join(seen, ", ")})
			}
		}
		out[i] = c
	}
	return out
}

// dependencyText is a dependency as declared, without its marker:
// "urllib3<3,>=1.21.1", "pysocks[x]!=1.5.7,>=1.5.6".
func dependencyText(d pypi.Requirement) string {
	s := d.Name
	if len(d.Extras) > 0 {
		s += "[" + strings.Join(d.Extras, ",") + "]"
	}
	if d.URL != "" {
		return s + " @ " + pypi.RedactURL(d.URL)
	}
	return s + d.Spec
}

// addExtras returns have plus the extras of add it lacks (PEP 685
// normalised).
func addExtras(have, add []string) []string {
	for _, x := range add {
		x = pypi.NormalizeName(x)
		if !slices.Contains(have, x) {
			have = append(have, x)
		}
	}
	return have
}

// inputsOf names what was audited, for "not in requirements.txt".
func inputsOf(reqs []pypi.Requirement) string {
	var names []string
	for _, r := range reqs {
		n := r.File
		switch {
		case r.Installed != nil:
			n = r.Installed.Location // --path DIR, not each RECORD in it
		case n == "":
			n = "the command line"
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "the requirements"
	}
	return strings.Join(names, " or ")
}
