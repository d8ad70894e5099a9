package schemafile

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadInitialData(t *testing.T) {
	src := `from roundup import date, password
from roundup.password import Password

pri = db.getclass('priority')
pri.create(name=''"critical", order="1")
db.getclass('status').create(name='open',
                             order=1)
admin = db.user.create(username="admin", password=adminpw,
    address=admin_email, roles='Admin')
bob = db.user.create(username='bob', password=Password('bob'))
db.user.create(username='carol', password=password.Password(encrypted='{SHA}xyz', scheme='SHA'))
db.issue.create(title='t', assignedto=admin, nosy=[admin, bob], tags=('a', 'b'),
    deadline=date.Date('2024-01-31.13:00'), estimate=date.Interval('3d'),
    done=False, score=0.5, nothing=None)
`
	vars := map[string]any{"adminpw": "pw", "admin_email": "admin@example.com"}
	got, err := LoadInitialData("/home/t/initial_data.py", []byte(src), vars)
	if err != nil {
		t.Fatal(err)
	}
	want := []Create{
		{Class: "priority", Line: 5, Props: map[string]any{"name": "critical", "order": "1"}},
		{Class: "status", Line: 6, Props: map[string]any{"name": "open", "order": int64(1)}},
		{Class: "user", Line: 8, Props: map[string]any{"username": "admin", "password": "pw", "address": "admin@example.com", "roles": "Admin"}},
		{Class: "user", Line: 10, Props: map[string]any{"username": "bob", "password": PasswordSpec{Plaintext: "bob"}}},
		{Class: "user", Line: 11, Props: map[string]any{"username": "carol", "password": PasswordSpec{Encrypted: "{SHA}xyz", Scheme: "SHA"}}},
		{Class: "issue", Line: 12, Props: map[string]any{
			"title": "t", "assignedto": NewID{Index: 2}, "nosy": []any{NewID{Index: 2}, NewID{Index: 3}},
			"tags": []any{"a", "b"}, "deadline": DateSpec("2024-01-31.13:00"), "estimate": IntervalSpec("3d"),
			"done": false, "score": 0.5, "nothing": nil,
		}},
	}
	if len(got) != len(want) {
		t.Fatalf("LoadInitialData() = %d creations, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("LoadInitialData()[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestInitialDataErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unbound adminpw", "db.user.create(username='admin',\n  password=adminpw)", "initial_data.py:2: name adminpw is not defined"},
		{"positional create", "db.user.create('admin')", "initial_data.py:1: user.create() takes keyword arguments only"},
		{"lookup", "x = db.user.lookup('admin')", "initial_data.py:1: unknown function db.user.lookup: initial_data.py may call"},
		{"security", "db.security.addRole(name='x')", "initial_data.py:1: db.security belongs in schema.py"},
		{"dict value", "db.user.create(prefs={'a': 1})", "initial_data.py:1: prefs=: a dict is not a property value"},
		{"class value", "db.user.create(x=db.user)", "initial_data.py:1: x=: a class user is not a property value"},
		{"getclass without name", "db.getclass()", "initial_data.py:1: db.getclass() needs a class name"},
		{"date without spec", "db.issue.create(d=date.Date())", "initial_data.py:1: date.Date() needs a string"},
		{"for loop", "\nfor n in 'a', 'b':\n    db.keyword.create(name=n)", "initial_data.py:2: for is not supported"},
		{"security attribute", "s = db.security", "initial_data.py:1: db.security belongs in schema.py"},
		{"import", "import roundup", "initial_data.py:1: import is not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadInitialData("initial_data.py", []byte(tt.src), nil)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("LoadInitialData(%q) error = %v, want %q", tt.src, err, tt.want)
			}
		})
	}
}
