package pypi

import (
	"net/http"
	"testing"
)

// TestOwnTransportUsesProxyEnvironment: corporate networks reach the index
// through HTTP(S)_PROXY/NO_PROXY, as pip users expect (issue #8); our own
// transport must keep honouring them, and a caller's client is used as
// given (with our redirect rules).
func TestOwnTransportUsesProxyEnvironment(t *testing.T) {
	t.Parallel()
	c, err := NewClient(Options{BaseURL: "https://me:s3cret@pypi.example"})
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := c.hc.Transport.(*http.Transport)
	if !ok || tr.Proxy == nil {
		t.Fatalf("transport %T has no proxy function", c.hc.Transport)
	}
	if c.hc.CheckRedirect == nil {
		t.Error("no redirect policy")
	}
}
