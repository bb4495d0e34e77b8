package pypi

import "regexp"

// credentials matches the userinfo of a URL: "scheme://userinfo@". A token
// may stand in the user part (https://TOKEN@host) as well as the password.
var credentials = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@`)

// RedactURL hides the credentials of every URL in s (a private index's
// https://user:token@host/simple, a VCS requirement's
// git+https://user:token@host/repo.git), so that text shown in reports,
// SARIF uploads or on stderr never carries them.
func RedactURL(s string) string {
	return credentials.ReplaceAllString(s, "${1}***@")
}
