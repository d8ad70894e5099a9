package mailgw

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Differential tests against Roundup itself: with CORRAL_ROUNDUP_SRC
// naming a Roundup source tree (and python3 on the PATH), random subjects
// and bodies go through Roundup's parse_subject and parseContent and
// through ours. The only difference allowed is the one README's mail
// section documents: Roundup cuts the subject's argument list at a wrong
// offset, mangling the title. Skipped otherwise (CI has no Roundup).
//
//	CORRAL_ROUNDUP_SRC=$HOME/src/roundup go test ./mailgw -run Roundup -v

func roundup(t *testing.T, reqs [][]any) [][]any {
	t.Helper()
	dir := os.Getenv("CORRAL_ROUNDUP_SRC")
	if dir == "" {
		t.Skip("CORRAL_ROUNDUP_SRC is not set")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("no python3")
	}
	var in strings.Builder
	for _, r := range reqs {
		b, _ := json.Marshal(r)
		in.Write(append(b, '\n'))
	}
	cmd := exec.Command("python3", "testdata/roundup_diff.py", strings.Join(testClasses, ","))
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("running Roundup: %v\n%s", err, stderr)
	}
	var res [][]any
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRoundupSubjects(t *testing.T) {
	p := mustParser(t, "[]")
	pieces := []string{"Re:", "re ", "Fwd:", "AW: ", "sv-", " ", "\t", `"`, "[", "]", "issue", "Issue", "msg", "file", "12", "007",
		"=", ";", ",", "+", "-", "status", "closed", "é", "x", "[issue3]", "[status=open]", "[Build]", "[ issue 4 ]", "keyword", "_", "Réf:"}
	rng := rand.New(rand.NewPCG(9, 10))
	var subjects []string
	var reqs [][]any
	for i := 0; i < 20000; i++ {
		s := randomText(rng, pieces, 10)
		subjects = append(subjects, s)
		reqs = append(reqs, []any{"subject", s})
	}
	for i, w := range roundup(t, reqs) {
		s := p.Parse(subjects[i])
		args, hasArgs := w[6].(string)
		got := []any{s.Refwd, s.Quote, s.HasPrefix, s.Class, s.ID, s.Args, s.HasArgs}
		want := []any{w[0], w[1], w[2], w[3], w[4], args, hasArgs}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("Parse(%q) = %v; Roundup %v", subjects[i], got, want)
			}
		}
		// Titles may differ only where Roundup's cut offset is wrong: when
		// an argument list was cut off.
		if s.Title != w[5] && !s.HasArgs {
			t.Fatalf("Parse(%q).Title = %q; Roundup %q", subjects[i], s.Title, w[5])
		}
	}
}

func TestRoundupBodies(t *testing.T) {
	r := mustBody(t)
	pieces := []string{"\n", "\n\n", " ", "\t", "> ", ">", "|", "text", "more words", ".", "!", "?", "-- ", "--",
		"-----Original Message-----", "é", "\u2003", "x", "\n \n", "wrote:", "From: a\nSent: b"}
	rng := rand.New(rand.NewPCG(7, 8))
	var bodies []string
	var reqs [][]any
	for i := 0; i < 5000; i++ {
		b := randomText(rng, pieces, 30)
		for _, keep := range []bool{true, false} {
			if !keep && strings.Contains(b, ":") {
				continue // Corral's Outlook and attribution rules apply
			}
			bodies = append(bodies, b)
			reqs = append(reqs, []any{"body", b, keep})
		}
	}
	for i, w := range roundup(t, reqs) {
		keep := reqs[i][2].(bool)
		sum, content := r.Clean(bodies[i], keep, false)
		if sum != w[0] || content != w[1] {
			t.Fatalf("Clean(%q, keep=%v) = %q, %q; Roundup %q, %q", bodies[i], keep, sum, content, w[0], w[1])
		}
	}
}
