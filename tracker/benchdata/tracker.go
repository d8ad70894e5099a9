package benchdata

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// PythonDev syncs the python-dev template's schema into store and, when
// the database is empty, loads its initial data (admin password
// "admin"). The returned Service has no detectors, so benchmarks measure
// the core.
func PythonDev(ctx context.Context, store tracker.Store, now func() time.Time) (*tracker.Service, error) {
	tfs, err := templates.FS("python-dev")
	if err != nil {
		return nil, err
	}
	src, err := fs.ReadFile(tfs, "schema.py")
	if err != nil {
		return nil, err
	}
	schema, err := schemafile.LoadSchema("schema.py", src)
	if err != nil {
		return nil, err
	}
	if _, err := store.Sync(ctx, schema); err != nil {
		return nil, err
	}
	svc := tracker.New(schema, store, tracker.Options{Now: now, PasswordRounds: 1000}, nil)
	empty := false
	err = svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("user", &tracker.Filter{Limit: 1})
		empty = len(ids) == 0
		return err
	})
	if err != nil || !empty {
		return svc, err
	}
	src, err = fs.ReadFile(tfs, "initial_data.py")
	if err != nil {
		return nil, err
	}
	creates, err := schemafile.LoadInitialData("initial_data.py", src, map[string]any{"adminpw": "admin", "admin_email": "admin@example.org"})
	if err != nil {
		return nil, err
	}
	if err := svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error { return schemafile.Apply(tx, creates) }); err != nil {
		return nil, fmt.Errorf("loading python-dev initial data: %w", err)
	}
	return svc, nil
}

// Count returns how many issues the tracker holds (to tell whether a
// cached data set is complete).
func Count(ctx context.Context, svc *tracker.Service, class string) (int, error) {
	n := 0
	err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		_, total, err := tx.Filter(class, &tracker.Filter{Count: true, Limit: 1})
		n = total
		return err
	})
	return n, err
}

// Clock is a deterministic clock for generated data: it starts ten years
// back and advances by step per reading, so creation and activity dates
// spread like a long-lived tracker's.
type Clock struct {
	t    time.Time
	step time.Duration
}

// NewClock returns a clock starting at start advancing step per call.
func NewClock(start time.Time, step time.Duration) *Clock { return &Clock{t: start, step: step} }

// Now returns the next instant (not safe for concurrent use).
func (c *Clock) Now() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}
