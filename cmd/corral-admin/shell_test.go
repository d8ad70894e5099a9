package main

import (
	"context"
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/cmd/internal/trackerhome"
)

// TestPipedShell: with stdin not a terminal the shell prints no banner
// and no prompt, runs the commands to end of input, and rolls back what
// was not committed, with a warning on stderr (DESIGN.md §2.1).
func TestPipedShell(t *testing.T) {
	home := newHome(t, "classic")
	r := runAdmin(t, "create issue title=one\ncommit\ncreate issue \"title=two words\"\nlist issue\n", "-i", home)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.err)
	}
	if want := "1\n2\n   1: one\n   2: two words\n"; r.out != want {
		t.Errorf("stdout = %q, want %q (no banner, no prompt)", r.out, want)
	}
	if !strings.HasPrefix(r.err, "Warning: uncommitted changes at end of input were rolled back") {
		t.Errorf("stderr = %q, want the rollback warning", r.err)
	}
	if got := mustRun(t, home, "list", "issue"); got != "   1: one\n" {
		t.Errorf("after the session: list issue = %q, want only the committed issue", got)
	}
	// A failing command makes the exit status 1 but the session goes on.
	r = runAdmin(t, "display issue9\nlist issue\nquit\nlist user\n", "-i", home)
	if r.code != 1 || r.out != "   1: one\n" || !strings.HasPrefix(r.err, `Error: no such issue node "9"`) {
		t.Errorf("session with an error = %d, %q, %q", r.code, r.out, r.err)
	}
	// Committed work needs no warning.
	r = runAdmin(t, "set issue1 title=uno\ncommit\n", "-i", home)
	if r.code != 0 || r.err != "" {
		t.Errorf("committed session = %d, %q", r.code, r.err)
	}
}

// TestOneShotCommitsOnlyOnSuccess: a one-shot command that fails half
// way leaves nothing behind (Roundup would commit the half).
func TestOneShotCommitsOnlyOnSuccess(t *testing.T) {
	home := newHome(t, "classic")
	mustRun(t, home, "create", "issue", "title=a")
	mustRun(t, home, "create", "issue", "title=b")
	r := runAdmin(t, "", "-i", home, "set", "issue1,issue2,issue9", "title=changed")
	if r.code != 1 || !strings.HasPrefix(r.err, "Error: no such issue 9") {
		t.Fatalf("set = %d, %q", r.code, r.err)
	}
	if got := mustRun(t, home, "-c", "list", "issue", "title"); got != "a,b\n" {
		t.Errorf("titles after the failed set = %q, want a,b", got)
	}
}

// TestDeliverHook: after a one-shot change the delivery hook runs once,
// unless --queue-only; read-only commands do not call it.
func TestDeliverHook(t *testing.T) {
	home := newHome(t, "python-dev")
	for _, tt := range []struct {
		args  []string
		calls int
	}{
		{[]string{"create", "issue", "title=x"}, 1},
		{[]string{"--queue-only", "create", "issue", "title=y"}, 0},
		{[]string{"list", "issue"}, 0},
		{[]string{"create", "issue", "nosuch=1"}, 0},
	} {
		var out, errb strings.Builder
		a := newAdmin(strings.NewReader(""), &out, &errb)
		calls := 0
		a.deliver = func(context.Context, *trackerhome.Home) error { calls++; return nil }
		a.run(append([]string{"-i", home}, tt.args...))
		if calls != tt.calls {
			t.Errorf("%v: delivery hook called %d times, want %d", tt.args, calls, tt.calls)
		}
	}
}

func TestSplitTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{`hello world`, []string{"hello", "world"}},
		{`"hello world"`, []string{"hello world"}},
		{`"Roch'e" Compaan`, []string{"Roch'e", "Compaan"}},
		{`Roch\'e Compaan`, []string{"Roch'e", "Compaan"}},
		{`address="1 2 3"`, []string{"address=1 2 3"}},
		{`\\`, []string{`\`}},
		{`\n\r\t`, []string{"\n\r\t"}},
		{`f "test\"q"`, []string{"f", `test"q`}},
		{`\o`, []string{`o`}},
		{`a "" b`, []string{"a", "", "b"}},
		{"  spaced\tout  ", []string{"spaced", "out"}},
	}
	for _, tt := range tests {
		got, err := splitTokens(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitTokens(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{`"hello world`, `Roch'e Compaan`} {
		if _, err := splitTokens(bad); !errors.Is(err, errUnmatchedQuote) {
			t.Errorf("splitTokens(%q) err = %v, want errUnmatchedQuote", bad, err)
		}
	}
}

func TestFindCommands(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"l", []string{"list"}},
		{"lis", []string{"list"}},
		{"f", []string{"filter", "find"}},
		{"fin", []string{"find"}},
		{"export", []string{"export"}},
		{"i", []string{"import", "importtables", "initialise", "install"}},
		{"re", []string{"readline", "reindex", "restore", "retire"}},
		{"xyzzy", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range findCommands(tt.in) {
			got = append(got, c.name)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("findCommands(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abc", "'abc'"},
		{"it's", `"it's"`},
		{`it's "x"`, `'it\'s "x"'`},
		{"a\nb\tc\\", `'a\nb\tc\\'`},
		{"\x00\x7f", `'\x00\x7f'`},
		{"Ünïcödé", "'Ünïcödé'"},
		{"\u00a0\u200b", `'\xa0\u200b'`},
	}
	for _, tt := range tests {
		if got := pyRepr(tt.in); got != tt.want {
			t.Errorf("pyRepr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := pyTuple([]string{"a"}); got != "('a',)" {
		t.Errorf("pyTuple([a]) = %s", got)
	}
}

// TestBinary runs the built command: exit statuses, streams, version,
// and the piped shell.
func TestBinary(t *testing.T) {
	bin := binary(t)
	home := newHome(t, "classic")
	tests := []struct {
		name       string
		args       []string
		stdin      string
		code       int
		out, err   string // prefixes
		outHasNone string
	}{
		{name: "version", args: []string{"-v"}, code: 0, out: baseVersion},
		{name: "help", args: []string{"help"}, code: 0, out: "Usage: help topic\n"},
		{name: "list", args: []string{"-i", home, "list", "user"}, code: 0, out: "   1: admin\n   2: anonymous\n"},
		{name: "unknown command", args: []string{"-i", home, "xyzzy"}, code: 1, err: `Unknown command "xyzzy"`},
		{name: "usage error", args: []string{"-i", home, "display"}, code: 1, err: "Error: Not enough arguments supplied\n\nUsage: display"},
		{name: "bad option", args: []string{"-Q"}, code: 1, err: "Problem: option -Q not recognized"},
		{name: "no home", args: []string{"list", "user"}, code: 1, err: "Error: no tracker home"},
		{name: "bad home", args: []string{"-i", home + "/nope", "list", "user"}, code: 1, err: "Error: Couldn't open tracker:"},
		{name: "piped shell", args: []string{"-i", home}, stdin: "create issue title=piped\nlist issue\n", code: 0,
			out: "1\n   1: piped\n", err: "Warning: uncommitted changes", outHasNone: "corral>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := exec.Command(bin, tt.args...)
			c.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
			c.Stdin = strings.NewReader(tt.stdin)
			var out, errb strings.Builder
			c.Stdout, c.Stderr = &out, &errb
			err := c.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || !strings.HasPrefix(out.String(), tt.out) || !strings.HasPrefix(errb.String(), tt.err) {
				t.Errorf("corral-admin %v = %d, stdout %q, stderr %q; want %d, %q..., %q...", tt.args, code, out.String(), errb.String(), tt.code, tt.out, tt.err)
			}
			if tt.outHasNone != "" && strings.Contains(out.String(), tt.outHasNone) {
				t.Errorf("stdout %q contains %q", out.String(), tt.outHasNone)
			}
		})
	}
	if got := mustRun(t, home, "list", "issue"); got != "" {
		t.Errorf("the piped shell's uncommitted issue survived: %q", got)
	}
}
