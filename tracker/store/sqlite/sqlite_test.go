package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
	"github.com/corral-tracker/corral/tracker/store/storetest"
)

func open(t *testing.T) tracker.Store {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "tracker.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

// TestCountsAcrossStores opens the same SQLite file twice, as a server
// and a mail gateway do.
func TestCountsAcrossStores(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tracker.db")
	var stores []tracker.Store
	for range 2 {
		s, err := sqlite.Open(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	storetest.CountsAcrossStores(t, stores[0], stores[1])
}
