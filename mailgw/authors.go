package mailgw

import (
	"errors"
	"sync"
	"time"

	"github.com/corral-tracker/corral/tracker"
)

// authorTTL is how long a sender's user is remembered. Bursts (an mbox,
// an IMAP backlog, a busy listener) then skip the lookup transaction;
// each use is re-checked against the user item inside the message's own
// transaction, so a stale entry is never acted on.
const authorTTL = 30 * time.Second

// authorCache maps a sender address (lower case) to the user found for
// it when that user had Email Access.
type authorCache struct {
	mu sync.Mutex
	m  map[string]authorEntry
}

type authorEntry struct {
	id       string
	register bool // anonymous may register users by mail
	at       time.Time
}

func (c *authorCache) get(addr string) (authorEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[addr]
	if ok && time.Since(e.at) > authorTTL {
		delete(c.m, addr)
		ok = false
	}
	return e, ok
}

func (c *authorCache) put(addr string, e authorEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > 10000 {
		c.m = map[string]authorEntry{}
	}
	e.at = time.Now()
	c.m[addr] = e
}

func (c *authorCache) drop(addr string) {
	c.mu.Lock()
	delete(c.m, addr)
	c.mu.Unlock()
}

// errStaleAuthor sends a message back to the full lookup.
var errStaleAuthor = errors.New("the remembered author no longer fits")

// checkAuthor re-checks a remembered author inside the message's
// transaction (acting as that user): still the owner of the address,
// still allowed to use mail.
func checkAuthor(tx *tracker.Tx, addr string) error {
	u, err := tx.Get("user", tx.UserID())
	if err != nil || u.Retired {
		return errStaleAuthor
	}
	if !u.OwnsAddress(addr) || !tx.Can("Email Access", "", "", "") {
		return errStaleAuthor
	}
	return nil
}
