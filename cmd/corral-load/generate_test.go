package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/benchdata"
)

// TestGenerate makes a small home with the generate subcommand and checks
// what it holds, then that a second run refuses to overwrite it.
func TestGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	var out bytes.Buffer
	ctx := context.Background()
	if err := run(ctx, []string{"generate", "-scale", "small", "-admin", "s3cret", dir}, &out); err != nil {
		t.Fatalf("generate: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "generated 200 issues, 1000 messages") {
		t.Errorf("output = %q", out.String())
	}
	h, err := trackerhome.Open(ctx, dir, trackerhome.Options{NoDetectors: true})
	if err != nil {
		t.Fatal(err)
	}
	spec := benchdata.Small()
	for class, want := range map[string]int{"issue": spec.Issues, "msg": spec.Messages} {
		n, err := benchdata.Count(ctx, h.Service, class)
		if err != nil || n != want {
			t.Errorf("%s count = %d, %v; want %d", class, n, err, want)
		}
	}
	// The admin password given is the admin's.
	var stored tracker.Password
	err = h.Service.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		u, err := tx.Get("user", "1")
		if err == nil {
			stored, _ = u.Values["password"].(tracker.Password)
		}
		return err
	})
	h.Close()
	if err != nil || !stored.Verify("s3cret") {
		t.Errorf("admin password s3cret does not verify (err %v)", err)
	}

	out.Reset()
	err = run(ctx, []string{"generate", "-scale", "small", dir}, &out)
	if err == nil || !strings.Contains(err.Error(), "already holds a tracker") {
		t.Errorf("second generate into the same home: %v", err)
	}
	for _, bad := range [][]string{{"generate", "-scale", "0", dir + "2"}, {"generate", "-set", "nokey", dir + "3"}, {"generate"}} {
		if err := run(ctx, bad, &out); err == nil {
			t.Errorf("run %q: no error", bad)
		}
	}
}
