package verify_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/pyverify/pyverify/pypi"
	"github.com/pyverify/pyverify/pypi/pypitest"
	"github.com/pyverify/pyverify/verify"
)

// engGate is an http.RoundTripper that holds the request for path until
// open is closed, and records, as each release document is requested, how
// many packages the sink had been handed by then.
type engGate struct {
	next    http.RoundTripper
	path    string
	open    chan struct{}
	emitted *atomic.Int64
	mu      sync.Mutex
	seen    map[string]int64 // release path → packages emitted when it was sent
	others  chan struct{}    // closed when want other release paths have been sent
	want    int
	n       int // other release paths sent
}

func (g *engGate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/json") {
		g.mu.Lock()
		if _, ok := g.seen[r.URL.Path]; !ok {
			g.seen[r.URL.Path] = g.emitted.Load()
			// Counted apart from path, which the scheduler may send
			// after the others.
			if r.URL.Path != g.path {
				if g.n++; g.n == g.want {
					close(g.others)
				}
			}
		}
		g.mu.Unlock()
	}
	if r.URL.Path == g.path {
		select {
		case <-g.open:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return g.next.RoundTrip(r)
}

// TestAuditStreamWindow: AuditStream hands packages on in input order,
// each once, and starts package i only once package i-Window has been
// handed on (issue #13's bounded reorder window), so that a slow first
// package cannot make the run hold every later one. The first package's
// metadata is held until the window's other packages have asked for
// theirs: an event, not a clock.
func TestAuditStreamWindow(t *testing.T) {
	t.Parallel()
	const n, window = 12, 3
	model, reqs := engManyModel(n)
	srv, w := engIndex(t, model)
	var emitted atomic.Int64
	gate := &engGate{next: srv.Client().Transport, path: engReleasePath("pkg-00", "1.0"), open: make(chan struct{}),
		emitted: &emitted, seen: map[string]int64{}, others: make(chan struct{}), want: window - 1}
	go func() {
		<-gate.others
		close(gate.open)
	}()
	hc := *srv.Client()
	hc.Transport = gate
	eng := engEngine(t, srv, w, pypi.Options{HTTPClient: &hc}, verify.Options{Window: window})

	var got []string
	rep := eng.AuditStream(context.Background(), engRequirements(t, reqs...), func(i int, p verify.Package) {
		got = append(got, fmt.Sprintf("%d %s %s", i, p.Name, p.Evidence))
		emitted.Add(1)
	})

	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("%d pkg-%02d hash-only", i, i))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packages handed on (-want +got):\n%s", diff)
	}
	for i := range n {
		sent := gate.seen[engReleasePath(fmt.Sprintf("pkg-%02d", i), "1.0")]
		if min := int64(i - window + 1); sent < min {
			t.Errorf("pkg-%02d started when %d packages had been handed on, want at least %d (window %d)", i, sent, min, window)
		}
	}
	if rep.Packages != nil {
		t.Errorf("streamed report kept %d packages, want none", len(rep.Packages))
	}
	if diff := cmp.Diff(verify.Summary{Packages: n, HashOnly: n, OK: n}, rep.Summary); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
}

// TestAuditStreamCancel: a run cancelled mid-stream still hands on every
// package exactly once, in order, the unfinished ones as error, and the
// summary (what the interrupted report ends with) counts them all. The
// context is cancelled from the sink once two packages have been handed
// on, while pkg-02's metadata never comes.
func TestAuditStreamCancel(t *testing.T) {
	t.Parallel()
	const n = 8
	model, reqs := engManyModel(n)
	srv, w := engIndex(t, model)
	srv.Fault(engReleasePath("pkg-02", "1.0"), pypitest.Fault{Latency: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	eng := engEngine(t, srv, w, pypi.Options{}, verify.Options{Window: 4})

	seen := map[int]int{}
	var order []int
	var cut int
	rep := eng.AuditStream(ctx, engRequirements(t, reqs...), func(i int, p verify.Package) {
		seen[i]++
		order = append(order, i)
		if p.Evidence == verify.Error {
			cut++
		}
		if i == 1 {
			cancel()
		}
	})

	for i := range n {
		if seen[i] != 1 {
			t.Errorf("package %d handed on %d times, want once", i, seen[i])
		}
	}
	for k, i := range order {
		if i != k {
			t.Fatalf("handed on in order %v, want input order", order)
		}
	}
	if !rep.Interrupted || rep.Unfinished != cut || cut == 0 {
		t.Errorf("Interrupted = %v, Unfinished = %d, want true and %d (> 0)", rep.Interrupted, rep.Unfinished, cut)
	}
	if rep.Summary.Packages != n || rep.Summary.Errors != cut {
		t.Errorf("summary %+v, want %d packages, %d errors", rep.Summary, n, cut)
	}
}
