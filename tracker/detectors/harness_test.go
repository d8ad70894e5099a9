package detectors

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
)

// env is a tracker from a template on a fresh SQLite file, its initial
// data loaded, with detectors installed.
type env struct {
	t     *testing.T
	ctx   context.Context
	svc   *tracker.Service
	store tracker.Store
	// mark is the last outbox event id already looked at.
	mark int64
}

// setup configures newEnv.
type setup struct {
	// config is config.ini, detectors is detectors/config.ini.
	config, detectors tracker.MapSettings
	// names are the detectors to install; nil = the template's list.
	names []string
}

// raw is a set of property values in Roundup's input syntax
// (tracker.Tx.ParseValues): links by key, multilinks as comma lists.
type raw map[string]string

// newEnv loads template's schema.py and initial_data.py from the
// embedded templates, installs the detectors and creates the initial
// items (so detectors run on them, as at Roundup's initialise).
func newEnv(t *testing.T, template string, st setup) *env {
	t.Helper()
	schema := loadSchema(t, template)
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Sync(ctx, schema); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	if st.config == nil {
		st.config = tracker.MapSettings{}
	}
	if _, ok := st.config["tracker.web"]; !ok {
		st.config["tracker.web"] = "http://localhost:8080/demo/"
	}
	svc := tracker.New(schema, store, tracker.Options{PasswordRounds: 1000, Config: st.config, Detectors: st.detectors}, nil)
	names := st.names
	if names == nil {
		names = enabledDetectors(t, template)
	}
	if err := Install(svc, names); err != nil {
		t.Fatalf("Install(%s, %v) = %v", template, names, err)
	}
	e := &env{t: t, ctx: ctx, svc: svc, store: store}
	e.loadInitialData(template)
	e.skipEvents()
	return e
}

func templateFile(t *testing.T, template, name string) []byte {
	t.Helper()
	fsys, err := templates.FS(template)
	if err != nil {
		t.Fatalf("templates.FS(%s): %v", template, err)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("reading %s/%s: %v", template, name, err)
	}
	return b
}

func loadSchema(t *testing.T, template string) *tracker.Schema {
	t.Helper()
	s, err := schemafile.LoadSchema("schema.py", templateFile(t, template, "schema.py"))
	if err != nil {
		t.Fatalf("LoadSchema(%s) = %v", template, err)
	}
	return s
}

// enabledDetectors reads `enabled = ...` of the template's
// detectors/config.ini.
func enabledDetectors(t *testing.T, template string) []string {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(templateFile(t, template, "detectors/config.ini")))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok && strings.TrimSpace(k) == "enabled" {
			return strings.Split(v, ",")
		}
	}
	t.Fatalf("%s: detectors/config.ini has no enabled line", template)
	return nil
}

func (e *env) loadInitialData(template string) {
	e.t.Helper()
	creates, err := schemafile.LoadInitialData("initial_data.py", templateFile(e.t, template, "initial_data.py"),
		map[string]any{"adminpw": "secret", "admin_email": "admin@localhost"})
	if err != nil {
		e.t.Fatalf("LoadInitialData(%s) = %v", template, err)
	}
	e.update(tracker.AdminID, func(tx *tracker.Tx) error {
		ids := make([]string, len(creates))
		for i, c := range creates {
			vals := tracker.Values{}
			for k, v := range c.Props {
				switch x := v.(type) {
				case schemafile.NewID:
					v = ids[x.Index]
				case schemafile.PasswordSpec:
					v = x.Plaintext
				}
				cv, err := tx.Coerce(c.Class, k, v)
				if err != nil {
					return fmt.Errorf("initial_data.py:%d: %w", c.Line, err)
				}
				vals[k] = cv
			}
			if ids[i], err = tx.Create(c.Class, vals); err != nil {
				return fmt.Errorf("initial_data.py:%d: %w", c.Line, err)
			}
		}
		return nil
	})
}

// update runs fn as user and fails the test on error.
func (e *env) update(user string, fn func(tx *tracker.Tx) error) {
	e.t.Helper()
	if err := e.svc.Update(e.ctx, user, fn); err != nil {
		e.t.Fatalf("Update as user %s: %v", user, err)
	}
}

// tryCreate creates an item from raw values as user.
func (e *env) tryCreate(user, class string, r raw) (string, error) {
	var id string
	err := e.svc.Update(e.ctx, user, func(tx *tracker.Tx) error {
		vals, err := tx.ParseValues(class, "", r)
		if err != nil {
			return err
		}
		id, err = tx.Create(class, vals)
		return err
	})
	return id, err
}

// create is tryCreate failing the test on error.
func (e *env) create(user, class string, r raw) string {
	e.t.Helper()
	id, err := e.tryCreate(user, class, r)
	if err != nil {
		e.t.Fatalf("create %s %v as user %s: %v", class, r, user, err)
	}
	return id
}

// trySet changes an item from raw values ("+x" adds to a Multilink).
func (e *env) trySet(user, class, id string, r raw) error {
	return e.svc.Update(e.ctx, user, func(tx *tracker.Tx) error {
		vals, err := tx.ParseValues(class, id, r)
		if err != nil {
			return err
		}
		return tx.Set(class, id, vals)
	})
}

// set is trySet failing the test on error.
func (e *env) set(user, class, id string, r raw) {
	e.t.Helper()
	if err := e.trySet(user, class, id, r); err != nil {
		e.t.Fatalf("set %s%s %v as user %s: %v", class, id, r, user, err)
	}
}

// get reads an item.
func (e *env) get(class, id string) *tracker.Item {
	e.t.Helper()
	var it *tracker.Item
	if err := e.svc.Read(e.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		it, err = tx.Get(class, id)
		return err
	}); err != nil {
		e.t.Fatalf("get %s%s: %v", class, id, err)
	}
	return it
}

// show returns a property as text: labels for links (sorted, comma
// separated for Multilinks), "" when unset.
func (e *env) show(class, id, prop string) string {
	e.t.Helper()
	var out string
	if err := e.svc.Read(e.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		it, err := tx.Get(class, id)
		if err != nil {
			return err
		}
		p := it.Class.Prop(prop)
		v := it.Get(prop)
		switch {
		case v == nil:
		case p.Kind == tracker.Link:
			out = tx.Label(p.Class, v.(string))
		case p.Kind == tracker.Multilink:
			var ls []string
			for _, x := range v.([]string) {
				ls = append(ls, tx.Label(p.Class, x))
			}
			sort.Strings(ls)
			out = strings.Join(ls, ", ")
		default:
			out = tracker.FormatValue(p, v)
		}
		return nil
	}); err != nil {
		e.t.Fatalf("show %s%s.%s: %v", class, id, prop, err)
	}
	return out
}

// lookup returns the id of class's item with key.
func (e *env) lookup(class, key string) string {
	e.t.Helper()
	var id string
	if err := e.svc.Read(e.ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		var err error
		id, err = tx.Lookup(class, key)
		return err
	}); err != nil {
		e.t.Fatalf("lookup %s %q: %v", class, key, err)
	}
	return id
}

// user creates a user with an address NAME@example.com.
func (e *env) user(name, roles string) string {
	e.t.Helper()
	return e.create(tracker.AdminID, "user", raw{"username": name, "address": name + "@example.com", "roles": roles})
}

// events returns the outbox events of kind enqueued since the last call
// (or since skipEvents), oldest first.
func (e *env) events(kind string) []*tracker.OutboxEvent {
	e.t.Helper()
	all, err := e.store.Outbox().List(e.ctx, "pending", 10000)
	if err != nil {
		e.t.Fatalf("Outbox().List: %v", err)
	}
	slices.Reverse(all)
	var out []*tracker.OutboxEvent
	mark := e.mark
	for _, ev := range all {
		if ev.ID > mark {
			e.mark = max(e.mark, ev.ID)
			if ev.Kind == kind {
				out = append(out, ev)
			}
		}
	}
	return out
}

// skipEvents forgets the events enqueued so far.
func (e *env) skipEvents() {
	e.t.Helper()
	e.events("")
}

// decode unmarshals an event payload.
func decode[T any](t *testing.T, ev *tracker.OutboxEvent) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(ev.Payload, &v); err != nil {
		t.Fatalf("decoding %s event %s: %v", ev.Kind, ev.Payload, err)
	}
	return v
}

// rejection returns the text of a *tracker.Reject, or "" for nil; other
// errors fail the test.
func rejection(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var rej *tracker.Reject
	if !errors.As(err, &rej) {
		t.Fatalf("error %v (%T) is not a *tracker.Reject", err, err)
	}
	return rej.Msg
}
