package main

import (
	"context"
	"fmt"

	"github.com/corral-tracker/corral/tracker"
)

// exampleIssue is one issue of the demo: reported by its first message's
// author, then triaged by admin (the fields a User may not set).
type exampleIssue struct {
	title      string
	typ        string
	components []string
	versions   []string
	// msgs are (author, text) pairs; the first creates the issue.
	msgs [][2]string
	// patch, when set, is attached by the reporter (name, content).
	patch [2]string
	// triage: status, priority, assignee (a user name), keywords,
	// resolution, dependencies (indexes into the list, 1-based).
	status, priority, assignee, resolution string
	keywords                               []string
	dependsOn                              []int
}

var examples = []exampleIssue{
	{
		title: "Crash in PyUnicode_FromFormat() with a %.*s width", typ: "crash",
		components: []string{"Interpreter Core"}, versions: []string{"Python 3.11"},
		msgs: [][2]string{
			{"alice", "PyUnicode_FromFormat(\"%.*s\", -1, s) crashes the interpreter instead of\nraising ValueError. Reproducer:\n\n    import ctypes\n    ctypes.pythonapi.PyUnicode_FromFormat(b\"%.*s\", -1, b\"abc\")\n\nSeen on Linux and macOS."},
			{"bob", "Confirmed on main. The precision is read as a size_t without a sign\ncheck. Patch attached; it needs a test in Lib/test/test_capi."},
		},
		patch:  [2]string{"fix-format-precision.patch", "--- a/Objects/unicodeobject.c\n+++ b/Objects/unicodeobject.c\n@@ -2401,6 +2401,10 @@\n     if (*f == '.') {\n         f++;\n+        if (precision < 0) {\n+            PyErr_SetString(PyExc_ValueError, \"negative precision\");\n+            return NULL;\n+        }\n"},
		status: "open", priority: "high", assignee: "bob",
	},
	{
		title: "asyncio: cancelling a connect() leaks the socket", typ: "resource usage",
		components: []string{"asyncio"}, versions: []string{"Python 3.10", "Python 3.11"},
		msgs: [][2]string{
			{"carol", "When a task awaiting loop.sock_connect() is cancelled, the socket is\nnever closed and a ResourceWarning appears at exit.\n\nThis depends on issue1 being fixed first: the test harness crashes there."},
			{"alice", "I can reproduce it with 3.10.4. Closing the socket in the\nCancelledError handler fixes it for me."},
			{"carol", "Could you attach that change as a patch? Waiting for feedback."},
		},
		status: "pending", priority: "normal", dependsOn: []int{1},
	},
	{
		title: "Document the tokenize module's new token types", typ: "enhancement",
		components: []string{"Documentation"}, versions: []string{"Python 3.11"},
		msgs: [][2]string{
			{"bob", "The docs of the tokenize module still list the 3.7 token types;\nFSTRING_START and friends are missing. A good first issue."},
		},
		status: "open", priority: "low", keywords: []string{"easy"},
	},
	{
		title: "Typo in the tutorial: \"intepreter\"", typ: "behavior",
		components: []string{"Documentation"}, versions: []string{"Python 3.10"},
		msgs: [][2]string{
			{"alice", "Section 2.1 of the tutorial says \"intepreter\"."},
			{"carol", "Fixed in the docs, thanks for the report."},
		},
		status: "closed", priority: "low", resolution: "fixed", keywords: []string{"easy"},
	},
	{
		title: "Add a --json option to the timeit command line", typ: "enhancement",
		components: []string{"Library (Lib)"}, versions: []string{"Python 3.11"},
		msgs: [][2]string{
			{"carol", "It would help benchmark scripts if `python -m timeit` could print\nits results as JSON."},
			{"bob", "pyperf already does this; I am not sure the stdlib needs it."},
			{"carol", "No agreement so far; marking as languishing."},
		},
		status: "languishing", priority: "normal",
	},
	{
		title: "os.path.join() drops the drive of the first part on Windows", typ: "behavior",
		components: []string{"Library (Lib)", "Windows"}, versions: []string{"Python 3.11"},
		msgs: [][2]string{
			{"bob", "ntpath.join('c:', '/a') returns '/a'. The drive of the first argument\nshould be kept: 'c:/a'."},
		},
		status: "open", priority: "normal",
	},
}

// exampleIssues creates the demo's issues. users maps names to ids.
func exampleIssues(ctx context.Context, svc *tracker.Service, users map[string]string) error {
	var made []string
	for i, ex := range examples {
		id, err := reportIssue(ctx, svc, users, ex)
		if err != nil {
			return fmt.Errorf("example issue %d: %w", i+1, err)
		}
		made = append(made, id)
	}
	return svc.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		for i, ex := range examples {
			vals := tracker.Values{}
			lookups := []struct{ prop, class, key string }{
				{"status", "status", ex.status}, {"priority", "priority", ex.priority},
				{"resolution", "resolution", ex.resolution},
			}
			for _, l := range lookups {
				if l.key == "" {
					continue
				}
				id, err := tx.Lookup(l.class, l.key)
				if err != nil {
					return fmt.Errorf("%s %q: %w", l.class, l.key, err)
				}
				vals[l.prop] = id
			}
			if ex.assignee != "" {
				vals["assignee"] = users[ex.assignee]
			}
			if len(ex.keywords) > 0 {
				kws, err := lookupAll(tx, "keyword", ex.keywords)
				if err != nil {
					return err
				}
				it, err := tx.Get("issue", made[i])
				if err != nil {
					return err
				}
				vals["keywords"] = append(append([]string(nil), it.IDs("keywords")...), kws...)
			}
			var deps []string
			for _, n := range ex.dependsOn {
				deps = append(deps, made[n-1])
			}
			if len(deps) > 0 {
				vals["dependencies"] = deps
			}
			if err := tx.Set("issue", made[i], vals); err != nil {
				return fmt.Errorf("triaging issue%s: %w", made[i], err)
			}
		}
		return nil
	})
}

// reportIssue creates ex as its reporter would on the web: the first
// message, the patch, then each follow-up by its author.
func reportIssue(ctx context.Context, svc *tracker.Service, users map[string]string, ex exampleIssue) (string, error) {
	reporter := users[ex.msgs[0][0]]
	var iid string
	err := svc.Update(ctx, reporter, func(tx *tracker.Tx) error {
		typ, err := tx.Lookup("issue_type", ex.typ)
		if err != nil {
			return err
		}
		comps, err := lookupAll(tx, "component", ex.components)
		if err != nil {
			return err
		}
		vers, err := lookupAll(tx, "version", ex.versions)
		if err != nil {
			return err
		}
		mid, err := tx.Create("msg", tracker.Values{"content": ex.msgs[0][1], "author": reporter, "date": tx.Service().Now()})
		if err != nil {
			return err
		}
		vals := tracker.Values{"title": ex.title, "type": typ, "components": comps, "versions": vers, "messages": []string{mid}}
		if ex.patch[0] != "" {
			fid, err := tx.Create("file", tracker.Values{"name": ex.patch[0], "type": "text/x-diff", "content": ex.patch[1]})
			if err != nil {
				return err
			}
			vals["files"] = []string{fid}
		}
		iid, err = tx.Create("issue", vals)
		return err
	})
	if err != nil {
		return "", err
	}
	for _, m := range ex.msgs[1:] {
		author := users[m[0]]
		err := svc.Update(ctx, author, func(tx *tracker.Tx) error {
			mid, err := tx.Create("msg", tracker.Values{"content": m[1], "author": author, "date": tx.Service().Now()})
			if err != nil {
				return err
			}
			it, err := tx.Get("issue", iid)
			if err != nil {
				return err
			}
			return tx.Set("issue", iid, tracker.Values{"messages": append(append([]string(nil), it.IDs("messages")...), mid)})
		})
		if err != nil {
			return "", fmt.Errorf("message by %s: %w", m[0], err)
		}
	}
	return iid, nil
}

// lookupAll maps key values of class to ids.
func lookupAll(tx *tracker.Tx, class string, keys []string) ([]string, error) {
	var out []string
	for _, k := range keys {
		id, err := tx.Lookup(class, k)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", class, k, err)
		}
		out = append(out, id)
	}
	return out, nil
}
