package postgres_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/postgres"
	"github.com/corral-tracker/corral/tracker/store/storetest"
)

var seq atomic.Int64

// Open returns a store in a fresh schema of the CORRAL_TEST_POSTGRES
// database, dropped when the test ends; tests skip without the variable.
func open(t *testing.T) tracker.Store {
	return openSchema(t, newSchemaName())
}

// newSchemaName is a PostgreSQL schema name no other test uses.
func newSchemaName() string {
	return fmt.Sprintf("corral_test_%d_%d", time.Now().UnixNano()%1e9, seq.Add(1))
}

// openSchema opens a store on the PostgreSQL schema, dropped at the end
// of the test; opening the same schema twice gives two stores on one
// database, as two processes have.
func openSchema(t *testing.T, schema string) tracker.Store {
	dsn := os.Getenv("CORRAL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CORRAL_TEST_POSTGRES not set")
	}
	ctx := context.Background()
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
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestCountsAcrossStores: two stores on one schema, as two corral-server
// processes on one database.
func TestCountsAcrossStores(t *testing.T) {
	schema := newSchemaName()
	storetest.CountsAcrossStores(t, openSchema(t, schema), openSchema(t, schema))
}
