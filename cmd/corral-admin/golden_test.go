package main

import (
	"testing"
)

// Golden tests: each script runs on a fresh copy of an initialised home
// and its transcript (command, stdout, stderr, exit status) is compared
// with testdata/TEMPLATE/SCRIPT.golden. Dates, password hashes, timings
// and the home's path are normalised (see normalize), because the
// tracker's clock cannot be fixed from outside a home; everything else
// — column widths, quoting, list reprs, error wording — is compared byte
// for byte. The expected texts follow Roundup 2.6's test_admin.py and
// specs/roundup.md §5.1; run `go test -update` after a deliberate change
// and review the diff.

// commonScripts need no tracker (help, templates) or none in particular.
var commonScripts = map[string][]step{
	"help": {
		cmd("help"),
		cmd("help", "commands"),
		cmd("help", "list"),
		cmd("help", "re"),
		cmd("help", "initopts"),
		cmd("help", "nosuchtopic"),
		cmd("-h"),
	},
	"templates": {
		cmd("templates"),
	},
	"usage-errors": {
		cmd("-x"),
		cmd("-c", "-s", "list", "user"),
		cmd("-i"),
		cmd("-P", "show_retired=maybe", "list", "user"),
		cmd("-P", "nosuch=1", "list", "user"),
	},
}

// classicScripts run on a classic tracker; most follow Roundup's
// test_admin.py.
var classicScripts = map[string][]step{
	"list": {
		cmd("list", "user", "username"),
		cmd("list", "user"),
		cmd("-c", "list", "user"),
		cmd("-c", "list", "user", "username"),
		cmd("-c", "list", "user", "roles"),
		cmd("list", "user", "foo"),
		cmd("list", "status"),
		cmd("list"),
		cmd("list", "user", "username", "extra"),
		cmd("list", "nosuchclass"),
	},
	"specification": {
		cmd("specification", "user"),
		cmd("-P", "display_protected=1", "specification", "user"),
		cmd("specification", "issue"),
		cmd("specification", "msg"),
		cmd("specification"),
	},
	"create-get": {
		cmd("create", "issue", "title=foo bar", "assignedto=admin"),
		cmd("create", "issue", "title=bar foo bar", "assignedto=anonymous", "superseder=1"),
		cmd("create", "issue", "title=bar foo bar", "assignedto=admin", "superseder=1,2"),
		cmd("get", "assignedto", "issue2"),
		cmd("-d", "get", "assignedto", "issue2"),
		cmd("-d", "-S", ":", "get", "assignedto", "issue2"),
		cmd("get", "superseder", "issue2"),
		cmd("get", "superseder", "issue3"),
		cmd("-d", "get", "superseder", "issue3"),
		cmd("-c", "-d", "get", "superseder", "issue3"),
		cmd("-d", "get", "title", "issue3"),
		cmd("get", "title", "issue1"),
		cmd("get", "title", "issue1,issue2"),
		cmd("get", "tile", "issue1"),
		cmd("get", "title", "issue"),
		cmd("get", "title", "issue500"),
		cmd("get", "title"),
		cmd("create", "issue", "title=x", "tile=y"),
		cmd("create", "issue", "title=x", "assignedto=nobody"),
		cmd("create", "user", "address=x@example.com"),
		cmd("create", "user", "username=admin"),
		cmd("create"),
		cmd("create", "issue", "title"),
		cmd("create", "msg", "content=hello\nworld\n", "author=admin"),
		cmd("get", "content", "msg1"),
		cmd("display", "msg1"),
	},
	"display": {
		cmd("create", "issue", "title=foo bar", "assignedto=admin", "status=chatting", "priority=bug", "nosy=admin,anonymous"),
		cmd("display", "issue1"),
		cmd("display", "user1,user2"),
		cmd("-P", "display_protected=1", "display", "user1"),
		cmd("-P", "display_header=yes", "display", "user1,user2"),
		cmd("display", "issue9"),
		cmd("display", "bug1"),
		cmd("display", "issue"),
		cmd("display"),
	},
	"table": {
		cmd("table"),
		cmd("table", "id,realname,username"),
		cmd("table", "user", "id,realname,username:4:3"),
		cmd("table", "user", "id,realname,title:4"),
		cmd("table", "user", "id,realname,username:"),
		cmd("table", "user", "id,realname,username"),
		cmd("table", "user", "id:4,realname:2,username:3"),
		cmd("table", "user", "id,username:x"),
		cmd("table", "priority"),
		cmd("table", "status", "id,name,order"),
	},
	"find-filter": {
		cmd("create", "issue", "title=foo bar", "assignedto=admin"),
		cmd("create", "issue", "title=bar foo bar", "assignedto=anonymous"),
		cmd("find", "issue", "assignedto=1"),
		cmd("find", "issue", "assignedto=1,2"),
		cmd("find", "issue", "assignedto=admin,anonymous"),
		cmd("-c", "-d", "find", "issue", "assignedto=admin,anonymous"),
		cmd("-S", ":", "find", "issue", "assignedto=admin,anonymous"),
		cmd("fin", "issue", "assignedto=1"),
		cmd("f", "issue", "assignedto"),
		cmd("find", "issue", "assignedto"),
		cmd("find", "issue", "title=foo"),
		cmd("find", "issue", "nosuch=1"),
		cmd("filter", "user", "username=admin"),
		cmd("filter", "user", "username=a,n"),
		cmd("filter", "user", "username=a,y"),
		cmd("filter", "user", "username=admin,anonymous"),
		cmd("filter", "issue", "assignedto=1,2"),
		cmd("filter", "issue", "assignedto=admin,anonymous"),
		cmd("filter", "issue", "assignedto.roles=Anonymous"),
		cmd("filter", "issue", "assignedto.badprop=Admin"),
		cmd("filter", "issue", "assignedto.username=NoNAme"),
		cmd("-c", "filter", "issue", "assignedto.username=NoNAme"),
		cmd("-c", "filter", "issue", "assignedto.username=A"),
		cmd("-s", "filter", "issue", "assignedto.username=A"),
		cmd("-S", ":", "-d", "filter", "issue", "assignedto.username=A"),
		cmd("-d", "filter", "issue", "assignedto.username=A"),
		cmd("filter", "issue", "title=bar"),
		cmd("filter", "issue", "nosuch=1"),
		cmd("xyzzy", "issue", "assignedto"),
	},
	"set": {
		cmd("create", "issue", "title=foo bar", "assignedto=admin"),
		cmd("create", "issue", "title=bar foo bar", "assignedto=anonymous"),
		cmd("set", "issue2", "title=new title"),
		cmd("get", "title", "issue2"),
		cmd("set", "issue2", "tile=new title"),
		cmd("set", "issue2"),
		cmd("set", "issue2,issue1,issue", "status=1"),
		cmd("set", "issue2,issue1,user2", "status=1"),
		cmd("set", "issue2,issue1,issue1000", "status=1"),
		cmd("set", "issue2", "status=nosuch"),
		cmd("table", "issue", "assignedto"),
		cmd("set", "issue", "assignedto=2"),
		cmd("table", "issue", "assignedto"),
		cmd("set", "issue1", "nosy=admin,anonymous"),
		cmd("set", "issue1", "nosy=-anonymous"),
		cmd("get", "nosy", "issue1"),
		cmd("set", "issue1", "nosy=+2,+1"),
		cmd("get", "nosy", "issue1"),
		cmd("set", "issue1", "assignedto="),
		cmd("get", "assignedto", "issue1"),
		cmd("history", "issue1"),
	},
	"history": {
		cmd("create", "issue", "title=needs review", "priority=bug"),
		cmd("create", "user", "username=chen", "address=chen@example.com"),
		cmd("set", "issue1", "nosy=+chen", "priority=feature", "status=chatting"),
		cmd("set", "issue1", "title=it's \"fixed\"\nnow"),
		cmd("create", "msg", "content=hello", "author=chen"),
		cmd("set", "issue1", "messages=+1"),
		cmd("set", "issue1", "messages=-1"),
		cmd("retire", "user3"),
		cmd("restore", "user3"),
		cmd("history", "issue1"),
		cmd("history", "user3"),
		cmd("history", "msg1"),
		cmd("history", "issue1", "skipquiet"),
		cmd("history", "issue1", "raw"),
		cmd("history", "issue1", "nonsense"),
		cmd("history", "issue99"),
		cmd("history"),
	},
	"retire-restore": {
		cmd("create", "user", "username=user1", "address=user1"),
		cmd("retire", "user3"),
		cmd("create", "user", "username=user1", "address=user1a"),
		cmd("restore", "user3"),
		cmd("list", "user"),
		cmd("retire", "user4"),
		cmd("restore", "user3"),
		cmd("list", "user"),
		cmd("-P", "show_retired=only", "list", "user"),
		cmd("-P", "show_retired=both", "list", "user"),
		cmd("-P", "show_retired=no", "list", "user"),
		cmd("-P", "display_header=yes", "display", "user3,user4"),
		cmd("display", "user3,user4"),
		cmd("retire", "user99"),
		cmd("retire", "nosuch1"),
		cmd("retire"),
	},
	"security": {
		cmd("security"),
		cmd("security", "user"),
		cmd("security", "UsEr"),
		cmd("security", "NoSuch Role"),
	},
	"shell": {
		{args: nil, stdin: "pragma verbose=yes\npragma list\n"},
		{args: nil, stdin: "pragma\npragma arg\npragma foo=3\npragma verbose=foo\npragma _inttest=fred\npragma _floattest=4.5\npragma indexer_backend=whoosh\npragma list\n"},
		{args: nil, stdin: "pragma display_protected=yes\ndisplay user1\n"},
		{args: nil, stdin: "list user\n'quit\nquit\nlist user\n"},
		{args: nil, stdin: "create issue title=kept\ncommit\ncreate issue title=lost\nlist issue\n"},
		{args: nil, stdin: "list issue\nhelp commit\n"},
		{args: nil, stdin: "create issue title=gone\nrollback\nlist issue\nexit\n"},
	},
	"maintenance": {
		cmd("migrate"),
		cmd("pack", "1d"),
		cmd("pack", "2001-01-01"),
		cmd("pack", "soon"),
		cmd("create", "issue", "title=foo bar"),
		cmd("reindex", "issue"),
		cmd("reindex", "issue1"),
		cmd("reindex", "issue:1-3"),
		cmd("reindex", "issue1-4"),
		cmd("reindex", "issue14"),
		cmd("reindex"),
		cmd("perftest", "rounds=1000"),
		cmd("perftest", "rounds=10"),
		cmd("perftest", "scheme="),
		cmd("readline", "history"),
	},
}

// pythonDevScripts run on a python-dev (bugs.python.org) tracker.
var pythonDevScripts = map[string][]step{
	"bpo": {
		cmd("create", "user", "username=bob", "address=bob@example.com", "roles=Developer"),
		cmd("create", "user", "username=alice", "address=alice@example.com"),
		cmd("set", "component12", "assign_to=bob", "add_as_nosy=alice,bob"),
		cmd("create", "issue", "title=json.loads crashes on deep nesting", "components=Library (Lib)", "type=crash", "versions=Python 2.7"),
		cmd("display", "issue1"),
		cmd("history", "issue1"),
		cmd("find", "issue", "components=Library (Lib)"),
		cmd("filter", "issue", "status=open", "assignee=bob"),
		cmd("filter", "issue", "title=json,nesting"),
		cmd("list", "status"),
		cmd("list", "priority"),
		cmd("table", "component", "id,name:12,assign_to,add_as_nosy"),
		cmd("specification", "issue"),
		cmd("set", "issue1", "status=closed", "resolution=fixed"),
		cmd("get", "stage", "issue1"),
		cmd("-u", "alice", "set", "issue1", "priority=release blocker"),
		cmd("-u", "alice:wrong", "list", "status"),
		cmd("-u", "nobody", "list", "status"),
	},
	"security": {
		cmd("security"),
		cmd("security", "Developer"),
	},
}

func TestGolden(t *testing.T) {
	for name, steps := range commonScripts {
		t.Run("common/"+name, func(t *testing.T) {
			t.Parallel()
			golden(t, "common/"+name, runScript(t, "", steps))
		})
	}
	for tpl, scripts := range map[string]map[string][]step{"classic": classicScripts, "python-dev": pythonDevScripts} {
		for name, steps := range scripts {
			t.Run(tpl+"/"+name, func(t *testing.T) {
				t.Parallel()
				home := newHome(t, tpl)
				golden(t, tpl+"/"+name, runScript(t, home, steps))
			})
		}
	}
}
