package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args     []string
		host     string
		port     string
		trackers []trackerSpec
		demo     string
		bad      bool
	}{
		{args: []string{"python-dev=/srv/pd"}, host: "localhost", port: "8080", trackers: []trackerSpec{{"python-dev", "/srv/pd"}}},
		{args: []string{"-n", "0.0.0.0", "-p", "9000", "a=x", "b=y"}, host: "0.0.0.0", port: "9000", trackers: []trackerSpec{{"a", "x"}, {"b", "y"}}},
		{args: []string{"a=x", "-p", "9001", "--no-workers", "b=y"}, host: "localhost", port: "9001", trackers: []trackerSpec{{"a", "x"}, {"b", "y"}}},
		{args: []string{"home"}, host: "localhost", port: "8080", trackers: []trackerSpec{{"", "home"}}},
		{args: []string{"--demo"}, host: "localhost", port: "8080", demo: "demo"},
		{args: []string{"--demo", "mine", "-p", "8000"}, host: "localhost", port: "8000", demo: "mine"},
		{args: []string{"--demo=mine"}, host: "localhost", port: "8080", demo: "mine"},
		{args: []string{"-p", "1", "--", "-odd=home"}, host: "localhost", port: "1", trackers: []trackerSpec{{"-odd", "home"}}},
		{args: []string{}, bad: true},
		{args: []string{"home", "a=x"}, bad: true},
		{args: []string{"a=x", "home"}, bad: true},
		{args: []string{"metrics=x"}, bad: true},
		{args: []string{"a/b=x"}, bad: true},
		{args: []string{"a="}, bad: true},
		{args: []string{"-p", "http", "a=x"}, bad: true},
		{args: []string{"--demo", "a=x"}, bad: true},
		{args: []string{"--demo", "x", "y"}, bad: true},
		{args: []string{"--bogus", "a=x"}, bad: true},
	}
	for _, tt := range tests {
		o, err := parseArgs(tt.args)
		if tt.bad {
			if err == nil {
				t.Errorf("parseArgs(%q) succeeded, want a usage error", tt.args)
			} else if _, ok := err.(*usageError); !ok {
				t.Errorf("parseArgs(%q) = %v, want a usage error", tt.args, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseArgs(%q): %v", tt.args, err)
			continue
		}
		if o.host != tt.host || o.port != tt.port || !reflect.DeepEqual(o.trackers, tt.trackers) || o.demoDir != tt.demo {
			t.Errorf("parseArgs(%q) = host %q port %q trackers %v demo %q, want %q %q %v %q",
				tt.args, o.host, o.port, o.trackers, o.demoDir, tt.host, tt.port, tt.trackers, tt.demo)
		}
	}
}

func TestParseArgsIni(t *testing.T) {
	dir := t.TempDir()
	ini := filepath.Join(dir, "server.ini")
	os.WriteFile(ini, []byte(`[main]
host = 127.0.0.2
port = 8181
pidfile = run/server.pid
logfile = /var/log/corral.log
multiprocess = fork

[trackers]
python-dev = trackers/pd
Meta = /srv/meta
`), 0o644)
	o, err := parseArgs([]string{"-C", ini, "-p", "9999", "jython=/srv/jy"})
	if err != nil {
		t.Fatal(err)
	}
	want := []trackerSpec{{"python-dev", filepath.Join(dir, "trackers/pd")}, {"meta", "/srv/meta"}, {"jython", "/srv/jy"}}
	if o.host != "127.0.0.2" || o.port != "9999" || o.pidFile != filepath.Join(dir, "run/server.pid") ||
		o.logFile != "/var/log/corral.log" || !reflect.DeepEqual(o.trackers, want) {
		t.Errorf("-C: host %q port %q pid %q log %q trackers %v; want 127.0.0.2 9999 (flag wins) ... %v",
			o.host, o.port, o.pidFile, o.logFile, o.trackers, want)
	}
	if len(o.warnings) != 1 {
		t.Errorf("warnings = %q, want one for multiprocess", o.warnings)
	}
	if _, err := parseArgs([]string{"-C", filepath.Join(dir, "missing.ini")}); err == nil {
		t.Errorf("-C missing file succeeded")
	}
}

func TestClassify(t *testing.T) {
	multi := newHTTPMetrics(newRegistry(), []string{"python-dev", "meta"})
	single := newHTTPMetrics(newRegistry(), []string{""})
	tests := []struct {
		m      *httpMetrics
		method string
		target string
		want   string
	}{
		{multi, "GET", "/", routeTrackers},
		{multi, "GET", "/python-dev/", routeIndex},
		{multi, "GET", "/python-dev/issue?@filter=status&status=1", routeIndex},
		{multi, "GET", "/python-dev/issue?@search_text=tokenizer", routeSearch},
		{multi, "GET", "/python-dev/issue42", routeItem},
		{multi, "GET", "/python-dev/issue?@template=item", routeItem},
		{multi, "GET", "/python-dev/file3/fix.patch", routeContent},
		{multi, "GET", "/python-dev/file3/review", routeReview},
		{multi, "GET", "/python-dev/issue42.atom", routeFeed},
		{multi, "GET", "/python-dev/rest/data/issue/1", routeREST},
		{multi, "POST", "/python-dev/rest/data/issue", routeREST},
		{multi, "POST", "/python-dev/issue42", routeAction},
		{multi, "GET", "/python-dev/@@file/style.css", routeStatic},
		{multi, "GET", "/nope/issue1", routeOther},
		{multi, "GET", "/python-dev", routeOther},
		{single, "GET", "/", routeIndex},
		{single, "GET", "/issue7", routeItem},
		{single, "GET", "/user", routeIndex},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, tt.target, nil)
		if got := tt.m.classify(r); got != tt.want {
			t.Errorf("classify(%s %s) = %s, want %s", tt.method, tt.target, got, tt.want)
		}
	}
}
