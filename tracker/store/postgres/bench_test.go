package postgres_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/postgres"
	"github.com/corral-tracker/corral/tracker/store/storetest"
)

// benchOpen keeps each benchmark data set in its own schema of the
// CORRAL_TEST_POSTGRES database, reused between runs.
func benchOpen(b *testing.B, name string, fresh bool) tracker.Store {
	dsn := os.Getenv("CORRAL_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("CORRAL_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	schema := "corral_bench_v3_" + strings.NewReplacer("-", "_").Replace(name)
	if fresh {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		c.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE")
		c.Close(ctx)
	}
	s, err := postgres.Open(ctx, dsn, postgres.Options{Schema: schema})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkStore(b *testing.B) { storetest.Bench(b, benchOpen) }
