package tracker

import (
	"context"
	"errors"
	"fmt"
)

// Tx is one unit of work acting as one user: a web request, a mail
// message, an admin command. Writes are checked against the user's
// permissions unless they come from a detector.
type Tx struct {
	s     *Service
	st    StoreTx
	ctx   context.Context
	write bool
	done  bool

	userID string
	roles  []string
	// sys > 0 while auditors/reactors run: their own changes skip
	// permission checks, as Roundup's detectors do.
	sys int
	// cache holds items read in this transaction (by designator).
	cache   map[string]*Item
	changed bool
}

// Service returns the tracker this transaction belongs to.
func (tx *Tx) Service() *Service { return tx.s }

// Context returns the transaction's context.
func (tx *Tx) Context() context.Context { return tx.ctx }

// UserID returns the acting user's id.
func (tx *Tx) UserID() string { return tx.userID }

// Roles returns the acting user's roles (lower case).
func (tx *Tx) Roles() []string { return tx.roles }

// HasRole reports whether the acting user has the role.
func (tx *Tx) HasRole(role string) bool {
	for _, r := range tx.roles {
		if r == lower(role) {
			return true
		}
	}
	return false
}

// InDetector reports whether the code runs inside an auditor or reactor.
func (tx *Tx) InDetector() bool { return tx.sys > 0 }

// System runs fn with permission checks off, as detector code does (for
// changes the tracker makes on the user's behalf: auto-registration,
// recording recipients).
func (tx *Tx) System(fn func() error) error {
	tx.sys++
	defer func() { tx.sys-- }()
	return fn()
}

func (tx *Tx) setUser(userID string) error {
	tx.userID = userID
	tx.roles = nil
	if userID == "" {
		return nil
	}
	uc := tx.s.Schema.Class("user")
	if uc == nil {
		return nil
	}
	u, err := tx.getRaw(uc, userID)
	if err != nil {
		if errors.Is(err, ErrNotFound) && userID == AdminID {
			// Bootstrap: initialise and import act as user 1 before
			// that user exists, as Roundup's initialise does.
			tx.roles = []string{"admin"}
			return nil
		}
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("user %s does not exist: %w", userID, ErrNotFound)
		}
		return err
	}
	if u.Retired {
		return fmt.Errorf("user %s is retired: %w", userID, ErrNotFound)
	}
	tx.roles = ParseRoles(u.Str("roles"))
	return nil
}

// Class returns the named class or an error wrapping ErrNotFound.
func (tx *Tx) Class(name string) (*Class, error) { return tx.s.Schema.MustClass(name) }

// Get returns an item (retired included) without permission checks;
// callers showing values to users check View with Can. The returned item
// is shared within the transaction: do not modify it.
func (tx *Tx) Get(class, id string) (*Item, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	return tx.getRaw(c, id)
}

func (tx *Tx) getRaw(c *Class, id string) (*Item, error) {
	key := c.Name + id
	if it := tx.cache[key]; it != nil {
		return it, nil
	}
	if !ValidID(id) {
		return nil, fmt.Errorf("%s%s: %w", c.Name, id, ErrNotFound)
	}
	it, err := tx.st.Get(tx.ctx, c, id)
	if err != nil {
		return nil, err
	}
	tx.cache[key] = it
	return it, nil
}

// GetForUpdate reads an item afresh and, on PostgreSQL, locks it until
// the transaction ends: use it before computing a new value from the old
// one (Set itself re-reads under the lock).
func (tx *Tx) GetForUpdate(class, id string) (*Item, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	return tx.getLocked(c, id)
}

// getLocked reads an item afresh with its row locked for the rest of
// the transaction (the read half of a read-modify-write).
func (tx *Tx) getLocked(c *Class, id string) (*Item, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("%s%s: %w", c.Name, id, ErrNotFound)
	}
	it, err := tx.st.GetLocked(tx.ctx, c, id)
	if err != nil {
		return nil, err
	}
	tx.cache[c.Name+id] = it
	return it, nil
}

// GetMany loads several items of one class in one round trip; props
// limits the Multilinks loaded (nil = all). Unknown ids are skipped.
func (tx *Tx) GetMany(class string, ids []string, props []string) ([]*Item, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	return tx.st.GetMany(tx.ctx, c, ids, props)
}

// Prefetch reads the items of a class that this transaction has not
// read yet in one round trip, so the Get and Label calls that follow
// (an index page's 50 creators and assignees) hit the transaction's
// cache instead of querying one item at a time. Unknown ids are skipped.
func (tx *Tx) Prefetch(class string, ids []string) error {
	c, err := tx.Class(class)
	if err != nil {
		return err
	}
	var need []string
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] && tx.cache[c.Name+id] == nil && ValidID(id) {
			seen[id] = true
			need = append(need, id)
		}
	}
	if len(need) == 0 {
		return nil
	}
	items, err := tx.st.GetMany(tx.ctx, c, need, nil)
	if err != nil {
		return err
	}
	for _, it := range items {
		tx.cache[c.Name+it.ID] = it
	}
	return nil
}

// Content returns a FileClass item's content.
func (tx *Tx) Content(class, id string) ([]byte, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	if !c.HasContent() {
		return nil, fmt.Errorf("class %s has no content: %w", class, ErrNotFound)
	}
	return tx.st.Content(tx.ctx, c, id)
}

// Lookup returns the id of the active item whose key is key (Roundup's
// Class.lookup).
func (tx *Tx) Lookup(class, key string) (string, error) {
	c, err := tx.Class(class)
	if err != nil {
		return "", err
	}
	if c.KeyProp == "" {
		return "", fmt.Errorf("class %s has no key property", class)
	}
	return tx.st.Lookup(tx.ctx, c, key)
}

// Journal returns an item's history, oldest first.
func (tx *Tx) Journal(class, id string) ([]JournalEntry, error) {
	c, err := tx.Class(class)
	if err != nil {
		return nil, err
	}
	return tx.st.Journal(tx.ctx, c, id)
}

// Label returns what a link to the item shows (its label property), or
// the id when the item is missing.
func (tx *Tx) Label(class, id string) string {
	c := tx.s.Schema.Class(class)
	if c == nil {
		return id
	}
	lp := c.Label()
	if lp == "id" {
		return id
	}
	it, err := tx.getRaw(c, id)
	if err != nil {
		return id
	}
	if s := it.Str(lp); s != "" {
		return s
	}
	return id
}

// Enqueue adds an outbox event to be delivered after commit.
func (tx *Tx) Enqueue(kind, key string, payload []byte) error {
	if !tx.write {
		return errors.New("enqueue in a read-only transaction")
	}
	ev := &OutboxEvent{Kind: kind, Key: key, Payload: payload, Created: tx.s.Now(), Trace: TraceFrom(tx.ctx)}
	tx.changed = true // wake the consumers at commit
	return tx.st.Enqueue(tx.ctx, ev)
}

// Store returns the underlying store transaction (import/reindex only).
func (tx *Tx) Store() StoreTx { return tx.st }

// Commit ends the transaction, making its changes and queued events
// durable, then wakes the outbox consumers.
func (tx *Tx) Commit() error {
	if tx.done {
		return errors.New("transaction already finished")
	}
	tx.done = true
	if err := tx.st.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	if tx.write && tx.changed {
		tx.s.mu.Lock()
		fns := append([]func(){}, tx.s.committed...)
		tx.s.mu.Unlock()
		for _, fn := range fns {
			fn()
		}
	}
	return nil
}

// Rollback discards the transaction; safe to call after Commit.
func (tx *Tx) Rollback() {
	if tx.done {
		return
	}
	tx.done = true
	_ = tx.st.Rollback()
}
