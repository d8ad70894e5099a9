// Package testtracker builds real trackers for tests: a template's
// schema.py and initial_data.py read by schemafile, its detectors
// installed, on SQLite in a temporary directory (or PostgreSQL in a fresh
// schema), with a fixed clock and a few users. Packages that cannot use
// cmd/internal/trackerhome (Go's internal rule) share it.
package testtracker

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/postgres"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
)

// Start is the fixed clock's first reading.
var Start = time.Date(2026, 11, 25, 15, 29, 41, 0, time.UTC)

// Options choose the tracker.
type Options struct {
	Template string // default "python-dev"
	// Postgres opens the store in a fresh schema of CORRAL_TEST_POSTGRES
	// (the test skips without it).
	Postgres bool
	// Config holds config.ini settings as "section.option" keys.
	Config map[string]string
	// Detectors holds detectors/config.ini settings likewise.
	Detectors map[string]string
	// NoDetectors leaves the template's detectors out.
	NoDetectors bool
	// SkipDetectors lists detectors not to install (e.g. "irker").
	SkipDetectors []string
}

// T is a test tracker.
type T struct {
	Svc   *tracker.Service
	Store tracker.Store
	Ctx   context.Context
	Clock *Clock
	Users map[string]string // username -> id
}

// Clock is a fake clock advancing one second per reading.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Set moves the clock to t (the next reading is t plus a second).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Now returns the next second.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

var seq atomic.Int64

// New makes a tracker with users alice (User), bob (User, Developer),
// carol (User, Coordinator) and dave (User, no address), password "secret".
func New(t testing.TB, o Options) *T {
	t.Helper()
	if o.Template == "" {
		o.Template = "python-dev"
	}
	ctx := context.Background()
	var store tracker.Store
	if o.Postgres {
		dsn := os.Getenv("CORRAL_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("CORRAL_TEST_POSTGRES not set")
		}
		schema := fmt.Sprintf("corral_tt_%d_%d", time.Now().UnixNano()%1e9, seq.Add(1))
		s, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema, MaxConns: 8})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Close()
			if c, err := pgx.Connect(ctx, dsn); err == nil {
				c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
				c.Close(ctx)
			}
		})
		store = s
	} else {
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		store = s
	}
	tfs, err := templates.FS(o.Template)
	if err != nil {
		t.Fatal(err)
	}
	src, _ := fs.ReadFile(tfs, "schema.py")
	schema, err := schemafile.LoadSchema("schema.py", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Sync(ctx, schema); err != nil {
		t.Fatal(err)
	}
	settings := tracker.MapSettings{"tracker.web": "http://localhost:8080/tracker/", "tracker.name": "Test tracker"}
	iniSettings(tfs, "config.ini", settings)
	for k, v := range o.Config {
		settings[k] = v
	}
	clock := &Clock{t: Start}
	det := tracker.MapSettings{}
	iniSettings(tfs, "detectors/config.ini", det)
	for k, v := range o.Detectors {
		det[k] = v
	}
	svc := tracker.New(schema, store, tracker.Options{PasswordRounds: 1000, Config: settings, Detectors: det, Now: clock.Now}, nil)
	if !o.NoDetectors {
		if err := detectors.Install(svc, enabled(tfs, o.SkipDetectors)); err != nil {
			t.Fatal(err)
		}
	}
	src, _ = fs.ReadFile(tfs, "initial_data.py")
	creates, err := schemafile.LoadInitialData("initial_data.py", src, map[string]any{"adminpw": "admin", "admin_email": "admin@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	tt := &T{Svc: svc, Store: store, Ctx: ctx, Clock: clock, Users: map[string]string{}}
	err = svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		if err := schemafile.Apply(tx, creates); err != nil {
			return err
		}
		pw, err := tracker.HashPassword("secret", 1000)
		if err != nil {
			return err
		}
		for _, u := range []struct{ name, roles, addr string }{
			{"alice", "User", "alice@example.com"}, {"bob", "User,Developer", "bob@example.com"},
			{"carol", "User,Coordinator", "carol@example.com"}, {"dave", "User", ""},
		} {
			vals := tracker.Values{"username": u.name, "roles": u.roles, "password": pw}
			if u.addr != "" {
				vals["address"] = u.addr
			}
			if _, err := tx.Create("user", vals); err != nil {
				return err
			}
		}
		ids, _, err := tx.Filter("user", &tracker.Filter{})
		if err != nil {
			return err
		}
		for _, id := range ids {
			u, _ := tx.Get("user", id)
			tt.Users[u.Str("username")] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

// iniSettings reads a template's ini file ("key = value" lines under
// "[section]" headers) into settings as "section.key".
func iniSettings(tfs fs.FS, name string, settings tracker.MapSettings) {
	b, err := fs.ReadFile(tfs, name)
	if err != nil {
		return
	}
	section := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = line[1 : len(line)-1]
		default:
			if k, v, ok := strings.Cut(line, "="); ok {
				settings[section+"."+strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
}

func enabled(tfs fs.FS, skip []string) []string {
	b, _ := fs.ReadFile(tfs, "detectors/config.ini")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		v, ok := strings.CutPrefix(strings.TrimSpace(line), "enabled =")
		if !ok {
			continue
		}
		for _, n := range strings.Split(v, ",") {
			n = strings.TrimSpace(n)
			if n != "" && !contains(skip, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// Update runs fn as user (a name from Users or an id), failing the test
// on error.
func (tt *T) Update(t testing.TB, user string, fn func(tx *tracker.Tx) error) {
	t.Helper()
	if id, ok := tt.Users[user]; ok {
		user = id
	}
	if err := tt.Svc.Update(tt.Ctx, user, fn); err != nil {
		t.Fatal(err)
	}
}

// Issue creates an issue by user with a first message and returns its id.
func (tt *T) Issue(t testing.TB, user, title, text string, vals tracker.Values) string {
	t.Helper()
	var id string
	tt.Update(t, user, func(tx *tracker.Tx) error {
		m, err := tx.Create("msg", tracker.Values{"content": text, "author": tx.UserID()})
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

// Get reads an item as admin.
func (tt *T) Get(t testing.TB, class, id string) *tracker.Item {
	t.Helper()
	var it *tracker.Item
	if err := tt.Svc.Read(tt.Ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		it, err = tx.Get(class, id)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return it
}
