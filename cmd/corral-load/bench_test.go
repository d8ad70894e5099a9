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
// The homes are generated once (about a minute on SQLite) and kept in
// $TMPDIR/corral-bench/web-home and web-home-pg. CORRAL_BENCH_PROFILE=DIR
// saves a CPU profile of the server for each case (server built with
// --pprof). CORRAL_BENCH_DURATION changes the 10 s per case.
//
//	CORRAL_BENCH=1 go test ./cmd/corral-load/ -run WebBenchmark -v -timeout 30m
func TestWebBenchmark(t *testing.T) {
	if os.Getenv("CORRAL_BENCH") != "1" {
		t.Skip("set CORRAL_BENCH=1 to run the web benchmark")
	}
	bin := buildServer(t)
	t.Run("sqlite", func(t *testing.T) { benchBackend(t, bin, "sqlite") })
	t.Run("postgresql", func(t *testing.T) {
		if os.Getenv("CORRAL_TEST_POSTGRES") == "" {
			t.Skip("CORRAL_TEST_POSTGRES not set")
		}
		benchBackend(t, bin, "postgresql")
	})
}

func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "corral-server")
	if out, err := exec.Command("go", "build", "-o", bin, "../corral-server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// benchHome returns the cached home for backend, generating it when
// missing or incomplete.
func benchHome(t *testing.T, backend string) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "corral-bench", "web-home")
	settings := map[string]string{}
	if backend == "postgresql" {
		dir += "-pg"
		u, err := url.Parse(os.Getenv("CORRAL_TEST_POSTGRES"))
		if err != nil {
			t.Fatal(err)
		}
		settings = map[string]string{"rdbms_name": "corral_bench_web", "rdbms_host": u.Hostname(), "rdbms_port": u.Port(),
			"rdbms_user": u.User.Username()}
		if pw, ok := u.User.Password(); ok {
			settings["rdbms_password"] = pw
		}
	}
	ctx := context.Background()
	marker := filepath.Join(dir, ".complete")
	if _, err := os.Stat(marker); err == nil {
		if h, err := trackerhome.Open(ctx, dir, trackerhome.Options{NoDetectors: true}); err == nil {
			n, err := benchdata.Count(ctx, h.Service, "issue")
			h.Close()
			if err == nil && n == benchdata.BPO(1).Issues {
				return dir
			}
		}
	}
	os.RemoveAll(dir)
	if err := trackerhome.Install(dir, "python-dev", backend, settings); err != nil {
		t.Fatal(err)
	}
	h, err := trackerhome.Initialise(ctx, dir, "admin", true, trackerhome.Options{})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	st, err := benchdata.Load(ctx, h.Service, benchdata.BPO(1), nil)
	h.Close()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: generated %d issues, %d messages in %s", backend, st.Issues, st.Messages, time.Since(start).Round(time.Second))
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
	issue := issueWithMessages(t, home, 5)
	srv := startServer(t, bin, home)
	cols := "@columns=id,activity,title,creator,assignee,status,type&@sort=-activity&@pagesize=50"
	cases := []benchCase{
		{"issue page (5 messages)", "issue" + issue, 2000},
		{"index: open issues by activity, 50 rows", "issue?" + cols + "&@filter=status&status=1", 1000},
		{"search: " + benchdata.CommonWord, "issue?" + cols + "&@search_text=" + benchdata.CommonWord, 300},
	}
	d := 10 * time.Second
	if v, err := time.ParseDuration(os.Getenv("CORRAL_BENCH_DURATION")); err == nil {
		d = v
	}
	profDir := os.Getenv("CORRAL_BENCH_PROFILE")
	t.Logf("%s: load average before: %s (the figures mean something only on an otherwise idle machine)", backend, loadavg())
	defer func() { t.Logf("%s: load average after: %s", backend, loadavg()) }()
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
				prof <- saveProfile(srv.pprof, d, filepath.Join(profDir, backend+"-"+strconv.Itoa(i)+".pprof"))
			}()
		}
		cpu0 := procCPU(srv.cmd.Process.Pid)
		r, err := load(context.Background(), loadOptions{URLs: []string{u}, Clients: 8, Duration: d, Warmup: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		// CPU per request over warm-up and measurement: the server's own
		// cost, which a loaded machine does not change much.
		cpuPerReq := (procCPU(srv.cmd.Process.Pid) - cpu0).Seconds() / (float64(r.Requests) * float64(d+2*time.Second) / float64(d))
		if prof != nil {
			if err := <-prof; err != nil {
				t.Log(err)
			}
		}
		verdict := "meets"
		if r.RPS() < c.target {
			verdict = "MISSES"
		}
		t.Logf("%s %-42s %6.0f req/s (target %4.0f: %s)  p50 %s p99 %s  errors %d  %.0f KiB/page  server CPU %.2f ms/req",
			backend, c.name, r.RPS(), c.target, verdict, ms(r.Quantile(.5)), ms(r.Quantile(.99)), r.Errors,
			float64(len(body))/1024, cpuPerReq*1000)
		if r.Errors > 0 {
			t.Errorf("%s: %d errors (%s)", c.name, r.Errors, r.FirstError)
		}
	}
	rss, err := peakRSS(srv.cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s peak RSS (VmHWM) of corral-server: %.1f MiB (target 150)", backend, float64(rss)/(1<<20))
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
