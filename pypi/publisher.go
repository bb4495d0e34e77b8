package pypi

// Publisher is a Trusted Publisher in PEP 740's vocabulary, as PyPI
// serialises it in provenance objects and PEP 751 lock files record it
// as attestation identities (pypi-attestations' Publisher): its kind, and
// as the kind has them the repository, the workflow (GitHub: the workflow
// file name; GitLab: the CI file path), the deployment environment and the
// service account e-mail (Google). Empty strings mean "not named". It is
// the one publisher type of pyverify: verify reads it from provenance and
// certificates, PEP 751 locks record it, and the policy's patterns and
// identities wrap it.
type Publisher struct {
	Kind        string // "GitHub", "GitLab", "Google", …
	Repository  string // GitHub "owner/repo", GitLab "group/project"
	Workflow    string // GitHub workflow file name, GitLab CI file path
	Environment string // "" when none is named
	Email       string // Google service account
}
