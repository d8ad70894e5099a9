package notify

import (
	"bytes"
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
)

// fixedNow is the clock of every test tracker and mailer.
var fixedNow = time.Date(2026, 11, 25, 15, 29, 41, 0, time.UTC)

// capture is a Transport that keeps what it was given.
type capture struct {
	mu    sync.Mutex
	mails []sent
	// fail, when set, decides per attempt whether to refuse.
	fail func(to []string) error
}

type sent struct {
	from string
	to   []string
	data []byte
}

func (c *capture) Send(_ context.Context, from string, to []string, msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		if err := c.fail(to); err != nil {
			return err
		}
	}
	c.mails = append(c.mails, sent{from, append([]string(nil), to...), append([]byte(nil), msg...)})
	return nil
}

func (c *capture) Close() error { return nil }

func (c *capture) to(addr string) []sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []sent
	for _, m := range c.mails {
		for _, t := range m.to {
			if t == addr {
				out = append(out, m)
			}
		}
	}
	return out
}

type testTracker struct {
	svc    *tracker.Service
	store  tracker.Store
	cap    *capture
	mailer *Mailer
	worker *tracker.Consumer
	ctx    context.Context
}

// newTracker makes a python-dev tracker on SQLite with the template's
// detectors, users alice (User), bob (Developer), carol (no address),
// and a mailer capturing mail. nosy holds [nosy] settings.
func newTracker(t *testing.T, nosy map[string]string, mcfg func(*Config)) *testTracker {
	t.Helper()
	store, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return newTrackerOn(t, store, nosy, mcfg)
}

// newTrackerOn is newTracker on a given (empty) store.
func newTrackerOn(t testing.TB, store tracker.Store, nosy map[string]string, mcfg func(*Config)) *testTracker {
	t.Helper()
	ctx := context.Background()
	tfs, _ := templates.FS("python-dev")
	src, _ := fs.ReadFile(tfs, "schema.py")
	schema, err := schemafile.LoadSchema("schema.py", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Sync(ctx, schema); err != nil {
		t.Fatal(err)
	}
	settings := tracker.MapSettings{"tracker.web": "https://tracker.example/", "tracker.name": "Python tracker"}
	for k, v := range nosy {
		settings["nosy."+k] = v
	}
	clock := fixedNow
	svc := tracker.New(schema, store, tracker.Options{PasswordRounds: 1000, Config: settings,
		Now: func() time.Time { clock = clock.Add(time.Second); return clock }}, nil)
	det, _ := fs.ReadFile(tfs, "detectors/config.ini")
	var enabled []string
	for _, line := range strings.Split(string(det), "\n") {
		if v, ok := strings.CutPrefix(line, "enabled = "); ok {
			for _, n := range strings.Split(v, ",") {
				if n = strings.TrimSpace(n); n != "irker" {
					enabled = append(enabled, n)
				}
			}
		}
	}
	if err := detectors.Install(svc, enabled); err != nil {
		t.Fatal(err)
	}
	src, _ = fs.ReadFile(tfs, "initial_data.py")
	creates, err := schemafile.LoadInitialData("initial_data.py", src, map[string]any{"adminpw": "admin", "admin_email": "roundup-admin@tracker.example"})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if err := schemafile.Apply(tx, creates); err != nil {
			return err
		}
		for _, u := range []tracker.Values{
			{"username": "alice", "address": "alice@example.com", "roles": "User"},
			{"username": "bob", "address": "bob@example.com", "roles": "User,Developer"},
			{"username": "carol", "roles": "User"},
		} {
			if _, err := tx.Create("user", u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{TrackerName: "Python tracker", TrackerWeb: "https://tracker.example/", TrackerEmail: "issues@tracker.example",
		AdminEmail: "roundup-admin@tracker.example", Domain: "tracker.example", AddAuthorInfo: true, AddAuthorEmail: true,
		MessagesToAuthor: "no", EmailSending: "multiple", Version: "2.6.0"}
	if v := nosy["messages_to_author"]; v != "" {
		cfg.MessagesToAuthor = v
	}
	if v := nosy["email_sending"]; v != "" {
		cfg.EmailSending = v
	}
	if mcfg != nil {
		mcfg(&cfg)
	}
	cp := &capture{}
	m := NewMailer(svc, cfg, cp, nil)
	m.Now = func() time.Time { return fixedNow }
	w := NewWorker(m, "test")
	w.Backoff = func(int) time.Duration { return -time.Second }
	return &testTracker{svc: svc, store: store, cap: cp, mailer: m, worker: w, ctx: ctx}
}

func (tt *testTracker) user(t testing.TB, name string) string {
	t.Helper()
	var id string
	tt.svc.Read(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Lookup("user", name)
		if err != nil {
			t.Fatal(err)
		}
		return nil
	})
	return id
}

// post adds a message by user to issue (issueID "" creates one with
// vals) and returns the issue id.
func (tt *testTracker) post(t testing.TB, user, issueID, text, messageID string, vals tracker.Values) string {
	t.Helper()
	err := tt.svc.Update(tt.ctx, tt.user(t, user), func(tx *tracker.Tx) error {
		mv := tracker.Values{"content": text, "author": tx.UserID(), "type": "text/plain"}
		if messageID != "" {
			mv["messageid"] = messageID
		}
		m, err := tx.Create("msg", mv)
		if err != nil {
			return err
		}
		if issueID == "" {
			if vals == nil {
				vals = tracker.Values{}
			}
			vals["messages"] = []string{m}
			issueID, err = tx.Create("issue", vals)
			return err
		}
		v, err := tx.ParseValues("issue", issueID, map[string]string{"messages": "+" + m})
		if err != nil {
			return err
		}
		for k, x := range vals {
			v[k] = x
		}
		return tx.Set("issue", issueID, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	return issueID
}

func (tt *testTracker) drain(t testing.TB) {
	t.Helper()
	if _, err := tt.worker.Drain(tt.ctx); err != nil {
		t.Fatal(err)
	}
}

// header returns a header field's unfolded value from a rendered mail.
func header(data []byte, name string) string {
	head, _, _ := bytes.Cut(data, []byte("\n\n"))
	lines := strings.Split(strings.ReplaceAll(string(head), "\n ", " "), "\n")
	for _, l := range lines {
		if k, v, ok := strings.Cut(l, ": "); ok && strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func newTrackerB(b *testing.B) *testTracker {
	store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return newTrackerOn(b, store, nil, nil)
}

func (tt *testTracker) addUser(t testing.TB, name string) string {
	var id string
	err := tt.svc.Update(tt.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Create("user", tracker.Values{"username": name, "address": name + "@example.com", "roles": "User"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
