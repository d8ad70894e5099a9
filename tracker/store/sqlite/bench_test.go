package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
	"github.com/corral-tracker/corral/tracker/store/storetest"
)

// benchOpen keeps benchmark databases under $TMPDIR/corral-bench so the
// generated data set is reused between runs.
func benchOpen(b *testing.B, name string, fresh bool) tracker.Store {
	dir := filepath.Join(os.TempDir(), "corral-bench")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(dir, "sqlite-v3-"+name+".db")
	if fresh {
		for _, f := range []string{p, p + "-wal", p + "-shm"} {
			os.Remove(f)
		}
	}
	s, err := sqlite.Open(context.Background(), p)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func BenchmarkStore(b *testing.B) { storetest.Bench(b, benchOpen) }
