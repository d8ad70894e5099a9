package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/benchdata"
)

// TestWebBenchmark is the web benchmark of docs/benchmarks-web.md,
// skipped unless CORRAL_BENCH=1: a corral-server process serving a
// python-dev home with tracker/benchdata's bugs.python.org-scale data set
// (20,000 issues, 100,000 messages), driven by 8 keep-alive clients over
// loopback, for an issue page with 5 messages, the index of open issues
// by activity (50 rows) and a full-text search for a common word; then
// the server's peak RSS. On SQLite always, on PostgreSQL when
// CORRAL_TEST_POSTGRES holds a DSN.
//
// CORRAL_BENCH_SCALE=N multiplies the data set (benchdata.BPO(N); 10 is
// 200,000 issues and 1,000,000 messages); each scale has its own homes.
//
// The homes are generated once (on 2 cores: SQLite 1½ minutes at 1x,
// 11 at 10x; PostgreSQL 4 minutes at 1x, over an hour at 10x) and kept in $TMPDIR/corral-bench/web-home and
// web-home-pg (PostgreSQL database corral_bench_web), with a -10x suffix
// at scale 10 (database corral_bench_web_10x). CORRAL_BENCH_GENERATE_ONLY=1
// makes the homes and measures nothing (so that a long load can run
// ahead of an idle-machine measurement). CORRAL_BENCH_PROFILE=DIR saves a
// CPU profile of the server for each case (server built with --pprof).
// CORRAL_BENCH_DURATION changes the 10 s per case.
//
//	CORRAL_BENCH=1 go test -count=1 ./cmd/corral-load/ -run 'WebBenchmark$' -v -timeout 30m
//	CORRAL_BENCH=1 CORRAL_BENCH_SCALE=10 go test -count=1 ./cmd/corral-load/ -run 'WebBenchmark$/sqlite' -v -timeout 3h
//
// (-count=1: go test caches a passing run and would replay it.)
func TestWebBenchmark(t *testing.T) {
	if os.Getenv("CORRAL_BENCH") != "1" {
		t.Skip("set CORRAL_BENCH=1 to run the web benchmark")
	}
	var bin string
	if os.Getenv("CORRAL_BENCH_GENERATE_ONLY") != "1" {
		bin = buildServer(t)
	}
	t.Run("sqlite", func(t *testing.T) { benchBackend(t, bin, "sqlite") })
	t.Run("postgresql", func(t *testing.T) {
		if os.Getenv("CORRAL_TEST_POSTGRES") == "" {
			t.Skip("CORRAL_TEST_POSTGRES not set")
		}
		benchBackend(t, bin, "postgresql")
	})
}

func buildServer(t *testing.T) string { return buildCmd(t, "corral-server") }

// buildCmd builds cmd/NAME into a temporary directory.
func buildCmd(t *testing.T, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("go", "build", "-o", bin, "../"+name).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// benchScale is CORRAL_BENCH_SCALE (default 1) and its suffix for cached
// homes and databases ("" at 1, so the homes of earlier runs stay valid).
func benchScale(t *testing.T) (int, string) {
	v := os.Getenv("CORRAL_BENCH_SCALE")
	if v == "" || v == "1" {
		return 1, ""
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("CORRAL_BENCH_SCALE=%q: want a positive whole number", v)
	}
	return n, "-" + v + "x"
}

// benchHome returns the cached home for backend at CORRAL_BENCH_SCALE,
// generating it when missing or incomplete.
func benchHome(t *testing.T, backend string) string {
	t.Helper()
	scale, suffix := benchScale(t)
	spec := benchdata.BPO(scale)
	dir := filepath.Join(os.TempDir(), "corral-bench", "web-home")
	settings := map[string]string{}
	if backend == "postgresql" {
		dir += "-pg"
		u, err := url.Parse(os.Getenv("CORRAL_TEST_POSTGRES"))
		if err != nil {
			t.Fatal(err)
		}
		settings = map[string]string{"rdbms_name": "corral_bench_web" + strings.ReplaceAll(suffix, "-", "_"), "rdbms_host": u.Hostname(), "rdbms_port": u.Port(),
			"rdbms_user": u.User.Username()}
		if pw, ok := u.User.Password(); ok {
			settings["rdbms_password"] = pw
		}
	}
	dir += suffix
	ctx := context.Background()
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err == nil {
		if h, err := trackerhome.Open(ctx, dir, trackerhome.Options{NoDetectors: true}); err == nil {
			n, err := benchdata.Count(ctx, h.Service, "issue")
			h.Close()
			if err == nil && n == spec.Issues {
				return dir
			}
		}
	}
	os.RemoveAll(dir)
	start := time.Now()
	t.Logf("%s: generating %d issues, %d messages in %s (load average %s)", backend, spec.Issues, spec.Messages, dir, loadavg())
	last := start
	st, err := generateHome(ctx, dir, backend, settings, "admin", spec, func(done, total int) {
		if now := time.Now(); now.Sub(last) >= 30*time.Second || done == total {
			last = now
			el := now.Sub(start)
			eta := time.Duration(float64(el) * float64(total-done) / float64(max(done, 1)))
			t.Logf("%s: %d/%d issues after %s, about %s to go (load average %s)", backend, done, total,
				el.Round(time.Second), eta.Round(time.Second), loadavg())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: generated %d issues, %d messages in %s (%.0f messages/s, load average %s)", backend, st.Issues, st.Messages,
		time.Since(start).Round(time.Second), st.MessagesPerSecond(), loadavg())
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// issueWithMessages finds an open issue with n messages.
func issueWithMessages(t *testing.T, dir string, n int) string {
	t.Helper()
	ctx := context.Background()
	h, err := trackerhome.Open(ctx, dir, trackerhome.Options{NoDetectors: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	var found string
	err = h.Service.Read(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		ids, _, err := tx.Filter("issue", &tracker.Filter{Spec: map[string][]string{"status": {"1"}}})
		if err != nil {
			return err
		}
		for _, id := range ids {
			it, err := tx.Get("issue", id)
			if err != nil {
				return err
			}
			if len(it.IDs("messages")) == n {
				found = id
				return nil
			}
		}
		return fmt.Errorf("no open issue with %d messages", n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

var listenRE = regexp.MustCompile(`msg="corral-server listening" addr=(\S+)`)
var pprofRE = regexp.MustCompile(`msg="serving pprof" addr=(\S+)`)

// server is a running corral-server.
type server struct {
	cmd         *exec.Cmd
	base, pprof string
}

func startServer(t *testing.T, bin, home string) *server {
	t.Helper()
	cmd := exec.Command(bin, "-n", "127.0.0.1", "-p", "0", "--no-workers", "--pprof", "127.0.0.1:0", "bench="+home)
	errs, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	})
	found := make(chan struct{})
	var once sync.Once
	go func() {
		sc := bufio.NewScanner(errs)
		for sc.Scan() {
			line := sc.Text()
			if m := listenRE.FindStringSubmatch(line); m != nil {
				s.base = "http://" + m[1] + "/bench/"
			}
			if m := pprofRE.FindStringSubmatch(line); m != nil {
				s.pprof = "http://" + m[1]
			}
			if s.base != "" && s.pprof != "" {
				once.Do(func() { close(found) })
			}
			if strings.Contains(line, "level=ERROR") || strings.Contains(line, "level=WARN") {
				t.Log("server: " + line)
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(2 * time.Minute):
		t.Fatal("corral-server did not start")
	}
	return s
}

// benchCase is one measured page.
type benchCase struct {
	name, path string
	// target is the req/s the issue asks for.
	target float64
}

func benchBackend(t *testing.T, bin, backend string) {
	home := benchHome(t, backend)
	if backend == "postgresql" {
		// A PostgreSQL tracker in service has current planner statistics
		// from autovacuum, which test servers often turn off (this
		// machine's has); VACUUM ANALYZE gives the benchmark that state.
		// A SQLite tracker has none (nothing runs ANALYZE), nor do the
		// SQLite homes.
		ctx := context.Background()
		start := time.Now()
		h, err := trackerhome.Open(ctx, home, trackerhome.Options{NoDetectors: true})
		if err != nil {
			t.Fatal(err)
		}
		err = h.Store.Maintain(ctx)
		h.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: VACUUM ANALYZE took %s", backend, time.Since(start).Round(time.Millisecond))
	}
	if bin == "" {
		return // CORRAL_BENCH_GENERATE_ONLY
	}
	_, suffix := benchScale(t)
	if suffix == "" {
		suffix = "-1x"
	}
	backendTag := backend + suffix
	issue := issueWithMessages(t, home, 5)
	srv := startServer(t, bin, home)
	cols := "@columns=id,activity,title,creator,assignee,status,type&@sort=-activity&@pagesize=50"
	cases := []benchCase{
		{"issue page (5 messages)", "issue" + issue, 2000},
		{"index: open issues by activity, 50 rows", "issue?" + cols + "&@filter=status&status=1", 1000},
		{"search: " + benchdata.CommonWord, "issue?" + cols + "&@search_text=" + benchdata.CommonWord, 300},
		// Not one of the issue's pages: a word in 0.5 % of the issues, to
		// tell the cost of the hit set's size from the search's own.
		{"search: " + benchdata.RareWord, "issue?" + cols + "&@search_text=" + benchdata.RareWord, 300},
	}
	d, warmup := 10*time.Second, 2*time.Second
	if v, err := time.ParseDuration(os.Getenv("CORRAL_BENCH_DURATION")); err == nil {
		d = v
	}
	// PostgreSQL's backends for this home's database, whose CPU time is
	// the other half of a page's cost there.
	pgDB := ""
	if backend == "postgresql" {
		cfg, _, err := trackerhome.LoadConfig(home, nil)
		if err != nil {
			t.Fatal(err)
		}
		pgDB = cfg.String("rdbms", "name")
	}
	profDir := os.Getenv("CORRAL_BENCH_PROFILE")
	t.Logf("%s: load average before: %s (the figures mean something only on an otherwise idle machine)", backendTag, loadavg())
	defer func() { t.Logf("%s: load average after: %s", backendTag, loadavg()) }()
	for i, c := range cases {
		u := srv.base + c.path
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: GET %s = %d\n%.500s", c.name, u, resp.StatusCode, body)
		}
		var prof chan error
		if profDir != "" {
			prof = make(chan error, 1)
			go func() {
				prof <- saveProfile(srv.pprof, d, filepath.Join(profDir, backendTag+"-"+strconv.Itoa(i)+".pprof"))
			}()
		}
		cpu0 := procCPU(srv.cmd.Process.Pid)
		db0 := dbCPU(pgDB)
		r, err := load(context.Background(), loadOptions{URLs: []string{u}, Clients: 8, Duration: d, Warmup: warmup})
		if err != nil {
			t.Fatal(err)
		}
		// CPU per request over warm-up and measurement: the server's own
		// cost, which a loaded machine does not change much.
		reqs := float64(r.Requests) * float64(d+warmup) / float64(d)
		cpuPerReq := (procCPU(srv.cmd.Process.Pid) - cpu0).Seconds() / reqs
		dbPerReq := (dbCPU(pgDB) - db0).Seconds() / reqs
		if prof != nil {
			if err := <-prof; err != nil {
				t.Log(err)
			}
		}
		verdict := "meets"
		if r.RPS() < c.target {
			verdict = "MISSES"
		}
		rss, _ := peakRSS(srv.cmd.Process.Pid)
		pgCPU := ""
		if backend == "postgresql" {
			pgCPU = fmt.Sprintf(" + PostgreSQL %.2f ms/req", dbPerReq*1000)
		}
		t.Logf("%s %-42s %6.0f req/s (target %4.0f: %s)  p50 %s p99 %s  errors %d  %.0f KiB/page  server CPU %.2f ms/req%s  peak RSS so far %.0f MiB  load average %s",
			backendTag, c.name, r.RPS(), c.target, verdict, ms(r.Quantile(.5)), ms(r.Quantile(.99)), r.Errors,
			float64(len(body))/1024, cpuPerReq*1000, pgCPU, float64(rss)/(1<<20), loadavg())
		if r.Errors > 0 {
			t.Errorf("%s: %d errors (%s)", c.name, r.Errors, r.FirstError)
		}
	}
	rss, err := peakRSS(srv.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s peak RSS (VmHWM) of corral-server: %.1f MiB (target 150; load average %s)", backendTag, float64(rss)/(1<<20), loadavg())
}

// procCPU is the user+system CPU time a process used so far
// (/proc/PID/stat utime and stime, in clock ticks of 1/100 s).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// dbCPU is the CPU time used so far by the PostgreSQL backends serving
// database name (processes titled "postgres: USER DB ..."), or 0 without
// one (SQLite).
func dbCPU(name string) time.Duration {
	if name == "" {
		return 0
	}
	db := " " + name + " "
	ents, _ := os.ReadDir("/proc")
	var sum time.Duration
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		if t := string(b); strings.HasPrefix(t, "postgres: ") && strings.Contains(t, db) {
			sum += procCPU(pid)
		}
	}
	return sum
}

// loadavg is the first three fields of /proc/loadavg.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// saveProfile fetches a CPU profile of d from the server's pprof.
func saveProfile(base string, d time.Duration, path string) error {
	resp, err := http.Get(base + "/debug/pprof/profile?seconds=" + strconv.Itoa(int(d.Seconds()+2)))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, resp.Body)
	return err
}
