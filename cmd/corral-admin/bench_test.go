package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker/benchdata"
)

// Benchmarks of display and filter from a cold process start: each
// iteration execs corral-admin (process start, config.ini and schema.py
// read, database opened and checked against the schema, detectors
// installed, command run, exit), as an admin's shell loop or a cron job
// would, on a python-dev home holding the bugs.python.org-scale data set
// of tracker/benchdata (20,000 issues, 100,000 messages, 2,000 users).
//
// Generating the home takes a minute or two; it is kept in
// $TMPDIR/corral-bench/admin-home and reused once complete (a marker
// file is written last), so later runs start at once:
//
//	go test ./cmd/corral-admin/ -run '^$' -bench Cold -benchtime 20x

func benchHome(b *testing.B) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "corral-bench", "admin-home")
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		b.Fatal(err)
	}
	for _, args := range [][]string{{"install", "python-dev", "sqlite"}, {"initialise", testAdminPW}} {
		if r := runAdmin(b, "", append([]string{"-i", dir}, args...)...); r.code != 0 {
			b.Fatalf("%v: %s%s", args, r.out, r.err)
		}
	}
	ctx := context.Background()
	h, err := trackerhome.Open(ctx, dir, trackerhome.Options{})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	st, err := benchdata.Load(ctx, h.Service, benchdata.BPO(1), nil)
	h.Close()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d issues, %d messages in %s", st.Issues, st.Messages, time.Since(start).Round(time.Second))
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

func BenchmarkCold(b *testing.B) {
	bin := binary(b)
	home := benchHome(b)
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"display", []string{"display", "issue12345"}},
		{"display-protected", []string{"-P", "display_protected=1", "display", "issue12345,msg54321,user1234"}},
		{"filter-links", []string{"filter", "issue", "status=open", "components=Library (Lib)", "priority=normal"}},
		{"filter-string", []string{"-c", "filter", "issue", "title=memory,leak"}},
		{"filter-transitive", []string{"-c", "filter", "issue", "assignee.roles=Developer", "status=open"}},
		{"list-status", []string{"list", "status"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			args := append([]string{"-i", home}, bc.args...)
			out, err := exec.Command(bin, args...).CombinedOutput()
			if err != nil {
				b.Fatalf("%v: %v\n%s", bc.args, err, out)
			}
			for b.Loop() {
				if err := exec.Command(bin, args...).Run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(strings.Fields(string(out)))), "words/op")
		})
	}
}
