package jobs

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/internal/testtracker"
	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
	"github.com/corral-tracker/corral/tracker/notify"
)

// clock is a fake clock that can be set: each reading advances it one
// second (as testtracker's does), so journal entries stay ordered.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// Set moves the clock to t.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is a python-dev tracker whose Service runs on a settable clock.
type env struct {
	*testtracker.T
	svc   *tracker.Service
	clock *clock
}

// backends runs f on SQLite, and on PostgreSQL when CORRAL_TEST_POSTGRES
// is set.
func backends(t *testing.T, f func(t *testing.T, pg bool)) {
	t.Run("sqlite", func(t *testing.T) { f(t, false) })
	if os.Getenv("CORRAL_TEST_POSTGRES") != "" {
		t.Run("postgres", func(t *testing.T) { f(t, true) })
	}
}

// newEnv makes a python-dev tracker (testtracker: users alice, bob,
// carol, dave) and a Service over its store on a clock set to start.
// testtracker's own clock only ticks, so the Service is rebuilt with the
// same schema, store, settings and detectors.
func newEnv(t *testing.T, pg bool, start time.Time) *env {
	t.Helper()
	tt := testtracker.New(t, testtracker.Options{Postgres: pg})
	e := &env{T: tt, clock: &clock{t: start}}
	e.svc = e.service(t)
	return e
}

// service returns another Service on the env's store and clock: a
// second process sharing the database.
func (e *env) service(t *testing.T) *tracker.Service {
	t.Helper()
	opts := e.T.Svc.Options()
	opts.Now = e.clock.Now
	svc := tracker.New(e.T.Svc.Schema, e.Store, opts, nil)
	if err := detectors.Install(svc, templateDetectors(t)); err != nil {
		t.Fatal(err)
	}
	return svc
}

// templateDetectors lists the detectors python-dev enables.
func templateDetectors(t *testing.T) []string {
	tfs, err := templates.FS("python-dev")
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(tfs, "detectors/config.ini")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "enabled ="); ok {
			return splitList(v)
		}
	}
	t.Fatal("python-dev enables no detectors")
	return nil
}

// at sets the clock to t and runs fn as user (a name or an id).
func (e *env) at(t *testing.T, when time.Time, user string, fn func(tx *tracker.Tx) error) {
	t.Helper()
	e.clock.Set(when)
	if id, ok := e.Users[user]; ok {
		user = id
	}
	if err := e.svc.Update(e.Ctx, user, fn); err != nil {
		t.Fatalf("at %s as %s: %v", when.Format(time.RFC3339), user, err)
	}
}

// issue creates an issue at when, by user, with a first message.
func (e *env) issue(t *testing.T, when time.Time, user, title string, vals tracker.Values) string {
	t.Helper()
	var id string
	e.at(t, when, user, func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": title + ": first message", "author": tx.UserID()})
		if err != nil {
			return err
		}
		v := tracker.Values{"title": title, "messages": []string{m}}
		for k, x := range vals {
			v[k] = x
		}
		id, err = tx.Create("issue", v)
		return err
	})
	return id
}

// set changes an issue at when as user; a non-empty message is added.
func (e *env) set(t *testing.T, when time.Time, user, id, message string, vals tracker.Values) {
	t.Helper()
	e.at(t, when, user, func(tx *tracker.Tx) error {
		v := tracker.Values{}
		for k, x := range vals {
			v[k] = x
		}
		if message != "" {
			m, err := tx.Create("msg", tracker.Values{"content": message, "author": tx.UserID()})
			if err != nil {
				return err
			}
			it, err := tx.GetForUpdate("issue", id)
			if err != nil {
				return err
			}
			v["messages"] = append(append([]string(nil), it.IDs("messages")...), m)
		}
		return tx.Set("issue", id, v)
	})
}

// lookup returns the id of a keyed item, failing the test when missing.
func (e *env) lookup(t *testing.T, class, key string) string {
	t.Helper()
	var id string
	if err := e.svc.Read(e.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Lookup(class, key)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *env) get(t *testing.T, class, id string) *tracker.Item {
	t.Helper()
	var it *tracker.Item
	if err := e.svc.Read(e.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		it, err = tx.Get(class, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return it
}

func (e *env) journal(t *testing.T, class, id string) []tracker.JournalEntry {
	t.Helper()
	var j []tracker.JournalEntry
	if err := e.svc.Read(e.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		j, err = tx.Journal(class, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return j
}

func (e *env) content(t *testing.T, msg string) string {
	t.Helper()
	var b []byte
	if err := e.svc.Read(e.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		b, err = tx.Content("msg", msg)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mailer returns a Mailer for svc with bpo-like settings.
func (e *env) mailer(svc *tracker.Service) *notify.Mailer {
	m := notify.NewMailer(svc, notify.Config{
		TrackerName: "Python tracker", TrackerWeb: "http://bugs.example.org/",
		TrackerEmail: "report@example.org", AdminEmail: "roundup-admin@example.org", Domain: "example.org",
	}, nil, nil)
	m.Now = e.clock.Now
	return m
}

// runner returns a Runner on svc (nil: the env's) with cfg.
func (e *env) runner(t *testing.T, svc *tracker.Service, cfg Config, holder string) *Runner {
	t.Helper()
	if svc == nil {
		svc = e.svc
	}
	r, err := New(svc, cfg, Options{Mailer: e.mailer(svc), Holder: holder}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// events returns the pending outbox events of kind (and key, if not
// empty), oldest first.
func (e *env) events(t *testing.T, kind, key string) []*tracker.OutboxEvent {
	t.Helper()
	evs, err := e.Store.Outbox().List(e.Ctx, "pending", 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*tracker.OutboxEvent
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Kind == kind && (key == "" || evs[i].Key == key) {
			out = append(out, evs[i])
		}
	}
	return out
}

// summaryMails returns the queued summary mails.
func (e *env) summaryMails(t *testing.T) []notify.RawMail {
	t.Helper()
	var out []notify.RawMail
	for _, ev := range e.events(t, tracker.EventMail, summaryKey) {
		var rm notify.RawMail
		if err := json.Unmarshal(ev.Payload, &rm); err != nil {
			t.Fatal(err)
		}
		out = append(out, rm)
	}
	return out
}

// split returns a mail's header block and body.
func split(data []byte) (string, string) {
	h, b, _ := bytes.Cut(data, []byte("\n\n"))
	return string(h), string(b)
}

// date is a time of day in UTC.
func date(y int, m time.Month, d, hour, min int) time.Time {
	return time.Date(y, m, d, hour, min, 0, 0, time.UTC)
}
