package export

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/postgres"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
)

// Test trackers are built from the embedded templates the way
// cmd/internal/trackerhome does (which this package may not import):
// the template's schema.py synced into a new database gives a "freshly
// installed" tracker, running its initial_data.py an initialised one.

// backends lists the stores a test runs on: SQLite always, PostgreSQL
// when CORRAL_TEST_POSTGRES holds a DSN.
func backends() []string {
	if os.Getenv("CORRAL_TEST_POSTGRES") != "" {
		return []string{"sqlite", "postgresql"}
	}
	return []string{"sqlite"}
}

var dbSeq atomic.Int64

// newTracker returns a freshly installed tracker (schema synced, no data)
// from template, with extraSchema appended to its schema.py, on backend;
// a PostgreSQL database of its own is dropped when the test ends.
func newTracker(t testing.TB, template, backend, extraSchema string) *tracker.Service {
	t.Helper()
	ctx := context.Background()
	tfs, err := templates.FS(template)
	if err != nil {
		t.Fatal(err)
	}
	src, err := fs.ReadFile(tfs, "schema.py")
	if err != nil {
		t.Fatal(err)
	}
	schema, err := schemafile.LoadSchema("schema.py", append(src, "\n"+extraSchema...))
	if err != nil {
		t.Fatal(err)
	}
	var store tracker.Store
	switch backend {
	case "sqlite":
		store, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"))
	case "postgresql":
		store, err = postgres.Open(ctx, testDatabase(t), postgres.Options{})
	default:
		t.Fatalf("unknown backend %q", backend)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := store.Sync(ctx, schema); err != nil {
		t.Fatal(err)
	}
	return tracker.New(schema, store, tracker.Options{PasswordRounds: 1000}, nil)
}

// testDatabase creates a uniquely named PostgreSQL database and returns
// its DSN; it is dropped (WITH (FORCE)) at cleanup.
func testDatabase(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("CORRAL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CORRAL_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	name := fmt.Sprintf("corral_export_test_%d_%d", time.Now().UnixNano()%1e9, dbSeq.Add(1))
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// initialise runs the template's initial_data.py (admin password
// "secret"), as roundup-admin initialise does.
func initialise(t testing.TB, svc *tracker.Service, template string) {
	t.Helper()
	tfs, err := templates.FS(template)
	if err != nil {
		t.Fatal(err)
	}
	src, err := fs.ReadFile(tfs, "initial_data.py")
	if err != nil {
		t.Fatal(err)
	}
	creates, err := schemafile.LoadInitialData("initial_data.py", src, map[string]any{"adminpw": "secret", "admin_email": "roundup-admin@localhost"})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.Update(context.Background(), tracker.AdminID, func(tx *tracker.Tx) error { return schemafile.Apply(tx, creates) })
	if err != nil {
		t.Fatal(err)
	}
}
