package verify_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// TestAuditTarget pins issue #11's file choice: with a target, every wheel
// it installs is checked, the sdist only when no wheel fits, a file whose
// Requires-Python excludes the target's Python is skipped, and each skipped
// file is listed with its reason; without a target every file is checked.
func TestAuditTarget(t *testing.T) {
	t.Parallel()
	file := func(name, requires string) pypitest.ModelFile {
		f := engFile(name, engPublisher)
		f.RequiresPython = requires
		return f
	}
	model := pypitest.Model{Projects: map[string]map[string][]pypitest.ModelFile{
		"native": {"1.0": {
			file("native-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", ""),
			file("native-1.0-cp312-cp312-manylinux_2_34_x86_64.whl", ""),
			file("native-1.0-cp312-cp312-win_amd64.whl", ""),
			file("native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", ""),
			file("native-1.0-cp39-abi3-manylinux_2_28_x86_64.whl", ""),
			file("native-1.0.tar.gz", ""),
		}},
		"sdistonly": {"1.0": {
			file("sdistonly-1.0-cp311-cp311-win_amd64.whl", ""),
			file("sdistonly-1.0.tar.gz", ""),
		}},
		"newpython": {"1.0": {
			file("newpython-1.0-py3-none-any.whl", ">=3.13"),
			file("newpython-1.0.tar.gz", ">=3.13"),
		}},
		"pure": {"1.0": {
			file("pure-1.0-py3-none-any.whl", ">=3.8"),
			file("pure-1.0.tar.gz", ">=3.8"),
		}},
	}}
	target := &pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}
	type skip = verify.SkippedFile
	type out struct {
		Evidence verify.Evidence
		Kinds    []verify.ProblemKind
		Checked  []string
		Skipped  []skip
	}
	tests := []struct {
		req    string
		target *pypi.Target
		want   out
	}{
		{"native==1.0", target, out{Evidence: verify.Verified,
			Checked: []string{"native-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "native-1.0-cp39-abi3-manylinux_2_28_x86_64.whl"},
			Skipped: []skip{
				{"native-1.0-cp312-cp312-manylinux_2_34_x86_64.whl", "no tag of this wheel is installed by the target (cp3.12 manylinux_2_28_x86_64)"},
				{"native-1.0-cp312-cp312-win_amd64.whl", "no tag of this wheel is installed by the target (cp3.12 manylinux_2_28_x86_64)"},
				{"native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", "no tag of this wheel is installed by the target (cp3.12 manylinux_2_28_x86_64)"},
				{"native-1.0.tar.gz", "a wheel fits the target, and pip takes an sdist only when none does"},
			}}},
		{"sdistonly==1.0", target, out{Evidence: verify.Verified,
			Checked: []string{"sdistonly-1.0.tar.gz"},
			Skipped: []skip{{"sdistonly-1.0-cp311-cp311-win_amd64.whl", "no tag of this wheel is installed by the target (cp3.12 manylinux_2_28_x86_64)"}}}},
		{"newpython==1.0", target, out{Evidence: verify.Error, Kinds: []verify.ProblemKind{verify.NotFound},
			Skipped: []skip{
				{"newpython-1.0-py3-none-any.whl", `Requires-Python ">=3.13" excludes Python 3.12.0`},
				{"newpython-1.0.tar.gz", `Requires-Python ">=3.13" excludes Python 3.12.0`},
			}}},
		{"pure==1.0", target, out{Evidence: verify.Verified, Checked: []string{"pure-1.0-py3-none-any.whl"},
			Skipped: []skip{{"pure-1.0.tar.gz", "a wheel fits the target, and pip takes an sdist only when none does"}}}},
		// Without a target, every file, as before issue #11.
		{"sdistonly==1.0", nil, out{Evidence: verify.Verified, Checked: []string{"sdistonly-1.0-cp311-cp311-win_amd64.whl", "sdistonly-1.0.tar.gz"}}},
		{"newpython==1.0", nil, out{Evidence: verify.Verified, Checked: []string{"newpython-1.0-py3-none-any.whl", "newpython-1.0.tar.gz"}}},
	}
	for _, tt := range tests {
		name := tt.req + "/no-target"
		if tt.target != nil {
			name = tt.req + "/" + tt.target.String()
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, w := engIndex(t, model)
			eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{Target: tt.target})
			rep := eng.Audit(context.Background(), engRequirements(t, tt.req))
			engOutcome(t, rep) // messages name their package and file
			p := rep.Packages[0]
			got := out{Evidence: p.Evidence, Kinds: engKinds(p.Problems), Skipped: p.SkippedFiles}
			for _, f := range p.Files {
				got.Checked = append(got.Checked, f.Filename)
			}
			// The fake index lists files in its own order; compare sets.
			if diff := cmp.Diff(tt.want, got, sortStrings, sortSkipped); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if tt.target != nil && rep.Target != tt.target {
				t.Errorf("report target = %v, want the engine's", rep.Target)
			}
			var size int64
			for _, f := range p.Files {
				size += f.Size
			}
			if rep.DownloadSize != size {
				t.Errorf("DownloadSize = %d, want %d (the checked files' declared sizes)", rep.DownloadSize, size)
			}
		})
	}
}

// TestAuditMarkerNotApplicable: with a target, a requirement whose marker
// is false there is reported, not checked, and counts neither as an error
// nor as a violation; without a target the marker is not evaluated.
func TestAuditMarkerNotApplicable(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, engModel())
	target := &pypi.Target{PythonVersion: "3.12", Platforms: []string{"manylinux_2_28_x86_64"}}
	reqs := engRequirements(t,
		`demo==1.0 ; sys_platform == "win32"`,
		`plain==1.0 ; python_version >= "3.8"`,
		`tampered==1.0 ; platform_system == "Darwin"`,
	)
	rep := engEngine(t, srv, w, pypi.Options{}, verify.Options{Target: target}).Audit(context.Background(), reqs)
	type out struct {
		Name          string
		Evidence      verify.Evidence
		NotApplicable string
		Files         int
	}
	var got []out
	for _, p := range rep.Packages {
		got = append(got, out{p.Name, p.Evidence, p.NotApplicable, len(p.Files)})
	}
	want := []out{
		{"demo", verify.NotApplicable, `demo==1.0 ; sys_platform == "win32": marker "sys_platform == \"win32\"" is false for the target (cp3.12 manylinux_2_28_x86_64); not checked`, 0},
		{"plain", verify.HashOnly, "", 1},
		{"tampered", verify.NotApplicable, `tampered==1.0 ; platform_system == "Darwin": marker "platform_system == \"Darwin\"" is false for the target (cp3.12 manylinux_2_28_x86_64); not checked`, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	wantSum := verify.Summary{Packages: 3, HashOnly: 1, OK: 1, NotApplicable: 2}
	if diff := cmp.Diff(wantSum, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	// Without a target the tampered wheel is checked and fails.
	rep = engEngine(t, srv, w, pypi.Options{}, verify.Options{}).Audit(context.Background(), reqs)
	if p := rep.Packages[2]; p.Evidence != verify.Failed || p.NotApplicable != "" {
		t.Errorf("without a target: tampered evidence %s, not applicable %q; want failed, checked", p.Evidence, p.NotApplicable)
	}
}

var (
	sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })
	sortSkipped = cmpopts.SortSlices(func(a, b verify.SkippedFile) bool { return a.Filename < b.Filename })
)

// TestAuditNotApplicableInterrupted: a requirement not applicable to the
// target stays not applicable when the run is cancelled before it started
// (nothing was to be checked), while the others are reported unfinished.
func TestAuditNotApplicableInterrupted(t *testing.T) {
	t.Parallel()
	srv, w := engIndex(t, engModel())
	target := &pypi.Target{PythonVersion: "3.12", Platforms: []string{"win_amd64"}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep := engEngine(t, srv, w, pypi.Options{}, verify.Options{Target: target}).Audit(ctx,
		engRequirements(t, `demo==1.0 ; sys_platform == "linux"`, `plain==1.0`))
	got := []verify.Evidence{rep.Packages[0].Evidence, rep.Packages[1].Evidence}
	if diff := cmp.Diff([]verify.Evidence{verify.NotApplicable, verify.Error}, got); diff != "" {
		t.Errorf("evidence (-want +got):\n%s", diff)
	}
}
