package mailgw

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestFuzzCI runs Go's fuzzing engine on the gateway's fuzz targets for a
// short fixed time each (issue 8: the subject parser and the body
// cleaner are fuzzed in CI). CI sets CI=true and runs `go test ./...`,
// which alone only replays the seed corpus; this test starts
// `go test -fuzz` for each target. CORRAL_FUZZTIME sets the time per
// target (default 6s in CI; locally the test is skipped without it). A
// failing input is written to testdata/fuzz/TARGET/ by the engine and
// shown here; commit it and it becomes a seed.
func TestFuzzCI(t *testing.T) {
	fuzztime := os.Getenv("CORRAL_FUZZTIME")
	if fuzztime == "" {
		if os.Getenv("CI") != "true" {
			t.Skip("set CORRAL_FUZZTIME=10s (or CI=true) to fuzz the gateway's targets")
		}
		fuzztime = "6s"
	}
	if _, err := time.ParseDuration(fuzztime); err != nil {
		t.Fatalf("CORRAL_FUZZTIME=%q: %v", fuzztime, err)
	}
	if testing.Short() {
		t.Skip("fuzzing skipped in -short mode")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, target := range []string{"FuzzSubject", "FuzzBody", "FuzzMessage"} {
		t.Run(target, func(t *testing.T) {
			// One fuzzing worker: the other packages' tests run beside it.
			cmd := exec.Command(gobin, "test", "-run", "^$", "-fuzz", "^"+target+"$", "-fuzztime", fuzztime, "-parallel", "1", ".")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("go test -fuzz %s: %v\n%s", target, err, out)
			}
			if !strings.Contains(string(out), "PASS") {
				t.Fatalf("go test -fuzz %s did not pass:\n%s", target, out)
			}
			t.Logf("%s", lastLines(string(out), 3))
		})
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
