package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/benchdata"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
)

// TestCloseLeavesNoFiles closes the store right after queries that start
// background statement preparations: Close must wait for them, so that
// none opens a connection afterwards and leaves -wal/-shm files beside
// the database (a test's TempDir cleanup failed on such a file).
func TestCloseLeavesNoFiles(t *testing.T) {
	ctx := context.Background()
	for round := 0; round < 10; round++ {
		dir := t.TempDir()
		s, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
		if err != nil {
			t.Fatal(err)
		}
		svc, err := benchdata.PythonDev(ctx, s, time.Now)
		if err != nil {
			t.Fatal(err)
		}
		// Each filter is new SQL: a cache miss and a background prepare.
		for i, spec := range []map[string][]string{
			{"status": {"open"}}, {"priority": {"normal"}}, {"type": {"crash"}}, {"title": {"word"}},
			{"status": {"open"}, "priority": {"normal"}}, {"keywords": {"patch"}}, {"nosy": {"admin"}},
		} {
			err := svc.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
				_, _, err := tx.Filter("issue", &tracker.Filter{Spec: spec, Limit: 10 + i, Count: true})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			if e.Name() != "db" {
				t.Fatalf("round %d: %s left beside the closed database", round, e.Name())
			}
		}
	}
}
