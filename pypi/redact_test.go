package pypi_test

import (
	"testing"

	"github.com/pyverify/pyverify/pypi"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://me:s3cret@pypi.example/simple/":                "https://***@pypi.example/simple/",
		"https://TOKEN@pypi.example/simple/":                    "https://***@pypi.example/simple/",
		"mylib @ git+https://alice:s3cret@git.example/x.git@v1": "mylib @ git+https://***@git.example/x.git@v1",
		"https://pypi.org/simple":                               "https://pypi.org/simple",
		"./wheels/x-1.0.whl":                                    "./wheels/x-1.0.whl",
		"git+ssh://git@github.com/acme/x.git":                   "git+ssh://***@github.com/acme/x.git",
	} {
		if got := pypi.RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRequirementTextRedacted: what reports show of a URL requirement
// carries no credentials; the URL itself is kept for whoever needs it.
func TestRequirementTextRedacted(t *testing.T) {
	t.Parallel()
	r, err := pypi.ParseRequirement("mylib @ git+https://alice:s3cret@git.example/x.git")
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "mylib @ git+https://***@git.example/x.git" {
		t.Errorf("Text = %q", r.Text)
	}
}
