package pypi

import (
	"context"
	"errors"

	"golang.org/x/sync/semaphore"
)

// Large metadata documents (issue #8: memory bounded by concurrency,
// whatever the index sends). A JSON API document or a PEP 691 simple page
// may be MaxJSONDocumentSize, and decoding one costs many times its size,
// while the engine works on several packages per request slot: twenty
// hostile 16 MiB simple pages held 4.7 GB at once. Real documents are
// mostly far smaller, so only one larger than largeDocThreshold needs a
// ticket, of which there are maxLargeDocs: it is read, decoded and used
// while holding one.
const (
	largeDocThreshold = 1 << 20
	maxLargeDocs      = 1
)

// errNeedTicket: the response being read is large and no ticket was free.
// The response is abandoned (its request slot given back) before waiting
// for a ticket, so that a ticket holder never waits for a request slot held
// by someone waiting for a ticket.
var errNeedTicket = errors.New("large document: waiting for a ticket")

type ticketKey struct{}

// ticket is one metadata call's claim on the large-document semaphore.
// A call runs on one goroutine, so it needs no lock.
type ticket struct {
	sem  *semaphore.Weighted
	held bool
}

// largeDoc returns ctx carrying a ticket for one metadata call, and the
// function that gives it back once the call has decoded and used its
// document.
func (c *Client) largeDoc(ctx context.Context) (context.Context, func()) {
	t := &ticket{sem: c.large}
	return context.WithValue(ctx, ticketKey{}, t), func() {
		if t.held {
			t.held = false
			t.sem.Release(1)
		}
	}
}

func ticketFrom(ctx context.Context) *ticket {
	t, _ := ctx.Value(ticketKey{}).(*ticket)
	return t
}

// tryHold takes a ticket if one is free; true when held. Without a ticket
// in ctx (a call that is not bounded) it is always true.
func (t *ticket) tryHold() bool {
	if t == nil || t.held {
		return true
	}
	t.held = t.sem.TryAcquire(1)
	return t.held
}

// hold waits for a ticket.
func (t *ticket) hold(ctx context.Context) error {
	if t == nil || t.held {
		return nil
	}
	if err := t.sem.Acquire(ctx, 1); err != nil {
		return err
	}
	t.held = true
	return nil
}
