package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Test helpers: tracker homes installed and initialised once per
// template and copied for each test, an in-process runner, output
// normalisation for golden files, and the binary for the tests that
// exec it.

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testAdminPW is the admin password of every test home.
const testAdminPW = "secret"

var (
	scratchOnce sync.Once
	scratchDir  string
	homesMu     sync.Mutex
	homes       = map[string]string{}
	binOnce     sync.Once
	binPath     string
	binErr      error
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if scratchDir != "" {
		os.RemoveAll(scratchDir)
	}
	os.Exit(code)
}

func scratch(t testing.TB) string {
	scratchOnce.Do(func() {
		d, err := os.MkdirTemp("", "corral-admin-test-")
		if err != nil {
			panic(err)
		}
		scratchDir = d
	})
	return scratchDir
}

// result is what one corral-admin invocation printed and returned.
type result struct {
	out, err string
	code     int
}

// runAdmin runs corral-admin in-process with stdin and args.
func runAdmin(t testing.TB, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := newAdmin(strings.NewReader(stdin), &out, &errb)
	code := a.run(args)
	return result{out.String(), errb.String(), code}
}

// mustRun runs corral-admin on home and fails the test on a non-zero
// exit status.
func mustRun(t testing.TB, home string, args ...string) string {
	t.Helper()
	r := runAdmin(t, "", append([]string{"-i", home}, args...)...)
	if r.code != 0 {
		t.Fatalf("corral-admin %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, r.out, r.err)
	}
	return r.out
}

// templateHome returns a home installed from template on SQLite and
// initialised with testAdminPW, built once per test binary.
func templateHome(t testing.TB, template string) string {
	t.Helper()
	homesMu.Lock()
	defer homesMu.Unlock()
	if h, ok := homes[template]; ok {
		return h
	}
	h := filepath.Join(scratch(t), template)
	for _, args := range [][]string{{"install", template, "sqlite"}, {"initialise", testAdminPW}} {
		if r := runAdmin(t, "", append([]string{"-i", h}, args...)...); r.code != 0 {
			t.Fatalf("%s %s: exit %d: %s%s", args[0], template, r.code, r.out, r.err)
		}
	}
	homes[template] = h
	return h
}

// newHome returns a private copy of the template's initialised home,
// named "demo" so that output naming it is the same in every run.
func newHome(t testing.TB, template string) string {
	t.Helper()
	src := templateHome(t, template)
	dst := filepath.Join(t.TempDir(), "demo")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			// db-shm/db-wal of a test reading the template home in
			// parallel, removed when it closed the database.
			return nil
		}
		if err != nil {
			return err
		}
		if rel == "config.ini" {
			b = bytes.ReplaceAll(b, []byte(src), []byte(dst))
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

var (
	dateRE     = regexp.MustCompile(`\d{4}-\d\d-\d\d\.\d\d:\d\d:\d\d(\.\d\d\d)?`)
	hashRE     = regexp.MustCompile(`\{PBKDF2S5\}\d+\$[A-Za-z0-9./]+\$[A-Za-z0-9./]+`)
	hashTimeRE = regexp.MustCompile(`Hash time: \d+\.\d{9} seconds`)
	versionRE  = regexp.MustCompile(`schema version \d+\.`)
)

// normalize replaces what differs between runs — dates, password
// hashes, timings, the system schema version and the home's path — by fixed words, so golden files
// compare formats and everything else byte for byte.
func normalize(s, home string) string {
	if home != "" {
		s = strings.ReplaceAll(s, home, "HOME")
	}
	s = dateRE.ReplaceAllString(s, "DATE")
	s = hashRE.ReplaceAllString(s, "{PBKDF2S5}HASH")
	s = versionRE.ReplaceAllString(s, "schema version N.")
	return hashTimeRE.ReplaceAllString(s, "Hash time: SECONDS seconds")
}

// step is one corral-admin invocation of a golden script.
type step struct {
	args  []string
	stdin string
}

func cmd(args ...string) step { return step{args: args} }

// runScript runs the steps on home and renders a transcript: each
// command line, its stdout, its stderr and its exit status.
func runScript(t *testing.T, home string, steps []step) string {
	t.Helper()
	var b strings.Builder
	for _, s := range steps {
		args := s.args
		if home != "" {
			args = append([]string{"-i", home}, args...)
		}
		r := runAdmin(t, s.stdin, args...)
		fmt.Fprintf(&b, "$ corral-admin %s\n", quoteArgs(s.args))
		if s.stdin != "" {
			fmt.Fprintf(&b, "--- stdin\n%s", s.stdin)
		}
		fmt.Fprintf(&b, "--- stdout\n%s--- stderr\n%s--- exit %d\n\n", r.out, r.err, r.code)
	}
	return normalize(b.String(), home)
}

func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \"'\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// golden compares got with testdata/NAME.golden (rewriting it with
// -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output of %s differs from %s:\n%s", name, path, diff(string(want), got))
	}
}

// diff shows the first differing lines of want and got.
func diff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			lo := max(i-3, 0)
			return fmt.Sprintf("line %d:\n  got:  %q\n  want: %q\ncontext (got):\n%s", i+1, g, w, strings.Join(gl[lo:min(i+4, len(gl))], "\n"))
		}
	}
	return "(no line differs)"
}

// binary builds corral-admin once for the tests that exec it.
func binary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binPath = filepath.Join(scratch(t), "corral-admin")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}
