package tracker

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/corral-tracker/corral/tracker/search"
	"sort"
	"sync"
	"time"
)

// Settings gives detectors and consumers read access to configuration
// (config.ini, detectors/config.ini) without this package importing the
// config package: cmd/* adapts config.Config to it.
type Settings interface {
	// Get returns the option's value and whether it is set.
	Get(section, option string) (string, bool)
}

// MapSettings is a Settings backed by a map of "section.option" keys —
// handy in tests and for defaults.
type MapSettings map[string]string

// Get implements Settings.
func (m MapSettings) Get(section, option string) (string, bool) {
	v, ok := m[section+"."+option]
	return v, ok
}

// Options configure a Service.
type Options struct {
	// Name is the tracker's name (used in logs and events).
	Name string
	// PasswordRounds for new PBKDF2S5 hashes; 0 = DefaultPasswordRounds.
	PasswordRounds int
	// SpamCutoff is the spambayes score above which the not_spam check
	// hides content (bpo: 0.85).
	SpamCutoff float64
	// Config is config.ini; Detectors is detectors/config.ini.
	Config, Detectors Settings
	// Now returns the current time (tests inject a fake clock).
	Now func() time.Time
	// Stopwords are extra full-text stop words ([main] indexer_stopwords).
	Stopwords []string
}

// Service is a tracker: schema, store, detectors. Every write passes
// through a Tx from Begin, which checks permissions, runs auditors,
// writes items, journal and outbox rows in one transaction and runs the
// reactors inside it (DESIGN.md §4).
type Service struct {
	Schema *Schema
	store  Store
	opts   Options
	log    *slog.Logger
	hooks  hooks

	mu          sync.Mutex
	anonymousID string
	committed   []func()
	stop        map[string]bool
}

// New builds a Service over an opened store whose tables are synced to
// the schema.
func New(schema *Schema, store Store, opts Options, log *slog.Logger) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SpamCutoff == 0 {
		opts.SpamCutoff = 0.85
	}
	if opts.Config == nil {
		opts.Config = MapSettings{}
	}
	if opts.Detectors == nil {
		opts.Detectors = MapSettings{}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{Schema: schema, store: store, opts: opts, log: log,
		hooks: hooks{auditors: map[hookKey][]hook{}, reactors: map[hookKey][]hook{}}}
	s.stop = stopwordSet(opts.Stopwords)
	return s
}

// Store returns the underlying store (for admin tools such as import and
// outbox workers; web and mail code must use Tx).
func (s *Service) Store() Store { return s.store }

// Logger returns the service's logger.
func (s *Service) Logger() *slog.Logger { return s.log }

// Options returns the service options.
func (s *Service) Options() Options { return s.opts }

// Config returns config.ini settings.
func (s *Service) Config() Settings { return s.opts.Config }

// DetectorConfig returns detectors/config.ini settings.
func (s *Service) DetectorConfig() Settings { return s.opts.Detectors }

// Now returns the service clock's time, UTC with ms precision.
func (s *Service) Now() time.Time { return NormDate(s.opts.Now()) }

// OnCommit registers fn to run after every successful write commit
// (outbox workers use it to wake up).
func (s *Service) OnCommit(fn func()) {
	s.mu.Lock()
	s.committed = append(s.committed, fn)
	s.mu.Unlock()
}

// Begin starts a write transaction acting as userID. Permission checks
// apply to this user's roles; pass AdminID for unrestricted work.
func (s *Service) Begin(ctx context.Context, userID string) (*Tx, error) {
	return s.begin(ctx, userID, true)
}

// View starts a read-only transaction acting as userID.
func (s *Service) View(ctx context.Context, userID string) (*Tx, error) {
	return s.begin(ctx, userID, false)
}

// AdminID is user 1, Roundup's admin, who may do anything.
const AdminID = "1"

func (s *Service) begin(ctx context.Context, userID string, write bool) (*Tx, error) {
	st, err := s.store.Begin(ctx, write)
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	tx := &Tx{s: s, st: st, ctx: ctx, write: write, cache: map[string]*Item{}}
	if err := tx.setUser(userID); err != nil {
		st.Rollback()
		return nil, err
	}
	return tx, nil
}

// Update runs fn in a write transaction as userID and commits it, or
// rolls back when fn returns an error.
func (s *Service) Update(ctx context.Context, userID string, fn func(*Tx) error) error {
	tx, err := s.Begin(ctx, userID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Read runs fn in a read-only transaction as userID.
func (s *Service) Read(ctx context.Context, userID string, fn func(*Tx) error) error {
	tx, err := s.View(ctx, userID)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// AnonymousID returns the id of the user named "anonymous" ("" if none),
// who stands for visitors who are not logged in.
func (s *Service) AnonymousID(ctx context.Context) (string, error) {
	s.mu.Lock()
	id := s.anonymousID
	s.mu.Unlock()
	if id != "" {
		return id, nil
	}
	uc := s.Schema.Class("user")
	if uc == nil {
		return "", nil
	}
	st, err := s.store.Begin(ctx, false)
	if err != nil {
		return "", err
	}
	defer st.Rollback()
	id, err = st.Lookup(ctx, uc, "anonymous")
	if err != nil {
		return "", nil
	}
	s.mu.Lock()
	s.anonymousID = id
	s.mu.Unlock()
	return id, nil
}

// hooks: auditors and reactors per class and action, ordered by priority
// (Roundup's detector registry: default priority 100, lower first).
type hookKey struct{ class, action string }

type hook struct {
	name     string
	priority int
	seq      int
	fn       HookFunc
}

type hooks struct {
	auditors, reactors map[hookKey][]hook
	seq                int
}

// HookFunc is an auditor or reactor. Auditors run before the change and
// may edit ch.New or veto with a *Reject; reactors run after the change
// inside the same transaction (they enqueue outbox events, or make
// further changes through tx) with ch.New holding the applied values.
type HookFunc func(tx *Tx, ch *Change) error

// Change describes the event a hook sees.
type Change struct {
	Class  *Class
	ID     string // "" for create auditors
	Action string // "create", "set", "retire", "restore"
	// New holds the new values (create: all given; set: changed ones).
	New Values
	// Old is the item before the change (nil on create).
	Old *Item
}

// Audit registers an auditor for class ("" = every class) and action.
func (s *Service) Audit(class, action, name string, priority int, fn HookFunc) {
	s.hooks.add(s.hooks.auditors, class, action, name, priority, fn)
}

// React registers a reactor for class ("" = every class) and action.
func (s *Service) React(class, action, name string, priority int, fn HookFunc) {
	s.hooks.add(s.hooks.reactors, class, action, name, priority, fn)
}

func (h *hooks) add(m map[hookKey][]hook, class, action, name string, priority int, fn HookFunc) {
	h.seq++
	k := hookKey{class, action}
	m[k] = append(m[k], hook{name: name, priority: priority, seq: h.seq, fn: fn})
	sort.SliceStable(m[k], func(i, j int) bool {
		if m[k][i].priority != m[k][j].priority {
			return m[k][i].priority < m[k][j].priority
		}
		return m[k][i].seq < m[k][j].seq
	})
}

func (h *hooks) list(m map[hookKey][]hook, class, action string) []hook {
	a, b := m[hookKey{class, action}], m[hookKey{"", action}]
	if len(b) == 0 {
		return a
	}
	out := append(append([]hook(nil), a...), b...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].priority != out[j].priority {
			return out[i].priority < out[j].priority
		}
		return out[i].seq < out[j].seq
	})
	return out
}

func stopwordSet(extra []string) map[string]bool { return search.StopSet(extra) }
