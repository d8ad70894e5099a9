package schemafile

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/tracker"
)

func TestPropertyOptions(t *testing.T) {
	src := `
user = Class(db, 'user', username=String())
x = Class(db, 'x',
    s=String(indexme='yes', quiet=True, required=True, default_value='d'),
    s2=String(indexme=True),
    n=Number(use_double=True, default_value=1),
    n2=Number(default_value=2.5),
    i=Integer(default_value=3),
    b=Boolean(default_value=False),
    d=Date(default_value='.', display_time='no', format='%Y-%m-%d', offset=0),
    iv=Interval(default_value='1d'),
    pw=Password(scheme='PBKDF2S5'),
    l=Link('x', do_journal='no', try_id_parsing='no', msg_header_property='s',
           rev_multilink='back', required=True, default_value='1'),
    m=Multilink(classname='x', rev_multilink='ms', quiet=True),
    nd=Link('x', default_value=None))
x.setkey('s')
x.setlabelprop('s2')
x.setorderprop('n')
x.disableJournalling()
`
	s, err := LoadSchema("schema.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Class("x")
	want := map[string]tracker.Property{
		"s":  {Name: "s", Kind: tracker.String, Indexme: true, Quiet: true, Required: true, Default: "d"},
		"s2": {Name: "s2", Kind: tracker.String, Indexme: true},
		"n":  {Name: "n", Kind: tracker.Number, UseDouble: true, Default: 1.0},
		"n2": {Name: "n2", Kind: tracker.Number, Default: 2.5},
		"i":  {Name: "i", Kind: tracker.Integer, Default: int64(3)},
		"b":  {Name: "b", Kind: tracker.Boolean, Default: false},
		"d":  {Name: "d", Kind: tracker.Date, Default: "."},
		"iv": {Name: "iv", Kind: tracker.IntervalKind, Default: "1d"},
		"pw": {Name: "pw", Kind: tracker.PasswordKind},
		"l": {Name: "l", Kind: tracker.Link, Class: "x", NoJournal: true, MsgHeaderProperty: "s",
			RevMultilink: "back", Required: true, Default: "1"},
		"m":  {Name: "m", Kind: tracker.Multilink, Class: "x", RevMultilink: "ms", Quiet: true},
		"nd": {Name: "nd", Kind: tracker.Link, Class: "x"},
	}
	for name, w := range want {
		p := c.Prop(name)
		if p == nil {
			t.Errorf("x.%s missing", name)
			continue
		}
		if !reflect.DeepEqual(*p, w) {
			t.Errorf("x.%s = %+v, want %+v", name, *p, w)
		}
	}
	if c.KeyProp != "s" || c.LabelPropName != "s2" || c.OrderPropName != "n" || !c.NoJournal {
		t.Errorf("x key/label/order/nojournal = %q %q %q %v, want s s2 n true", c.KeyProp, c.LabelPropName, c.OrderPropName, c.NoJournal)
	}
	// rev_multilink creates computed properties on the target (Finish)
	for _, n := range []string{"back", "ms"} {
		if p := c.Prop(n); p == nil || !p.Computed || p.Kind != tracker.Multilink {
			t.Errorf("x.%s = %+v, want a computed Multilink", n, p)
		}
	}
}

func TestClassForms(t *testing.T) {
	src := `
stat = Class(db, "status", name=String(), order=Number())
stat.setkey("name")
db.getclass('status').setorderprop('order')
db.status.setlabelprop('name')
f = FileClass(db, "file", name=String())
msg = FileClass(db, 'msg', author=Link('user'))
u = Class(db, 'user', username=String())
i = IssueClass(db, "issue", status=Link("status"))
db.status.enableJournalling()
`
	s, err := LoadSchema("schema.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.ClassNames(); !reflect.DeepEqual(got, []string{"file", "issue", "msg", "status", "user"}) {
		t.Errorf("ClassNames() = %v", got)
	}
	st := s.Class("status")
	if st.KeyProp != "name" || st.OrderPropName != "order" || st.LabelPropName != "name" {
		t.Errorf("status key/order/label = %q %q %q", st.KeyProp, st.OrderPropName, st.LabelPropName)
	}
	if k := s.Class("file").Kind; k != tracker.FileClass {
		t.Errorf("file kind = %v, want FileClass", k)
	}
	iss := s.Class("issue")
	for _, n := range []string{"title", "messages", "files", "nosy", "superseder", "status"} {
		if iss.Prop(n) == nil {
			t.Errorf("issue.%s missing", n)
		}
	}
}

// TestSchemaErrors checks evaluation errors carry the offending line.
func TestSchemaErrors(t *testing.T) {
	const pre = "user = Class(db, 'user', username=String(), roles=String())\nuser.setkey('username')\n" // lines 1-2
	tests := []struct{ name, src, want string }{
		{"unknown keyword", "x = Class(db, 'x',\n  a=String(foo=1))", "schema.py:4: String() got an unknown keyword argument foo (accepted: indexme, required, default_value, quiet)"},
		{"default_value on Multilink", "x = Class(db, 'x', m=Multilink('user', default_value=[]))", "schema.py:3: Multilink() got an unknown keyword argument default_value"},
		{"rev_property", "x = Class(db, 'x', m=Multilink('user', rev_property=1))", "schema.py:3: Multilink() got an unknown keyword argument rev_property"},
		{"too many positional", "x = Class(db, 'x', s=String('yes', False, None, False, 1))", "schema.py:3: String() takes at most 4 positional arguments (5 given)"},
		{"link without class", "x = Class(db, 'x', l=Link())", "schema.py:3: Link() needs the class it links to"},
		{"bad indexme", "x = Class(db, 'x', s=String(indexme='maybe'))", "schema.py:3: indexme must be 'yes' or 'no', not 'maybe'"},
		{"bad quiet", "x = Class(db, 'x', s=String(quiet='yes'))", "schema.py:3: quiet must be True or False, not 'yes'"},
		{"bad default", "x = Class(db, 'x', n=Integer(default_value='3'))", "schema.py:3: default_value: '3' does not fit a Integer property"},
		{"not a property", "x = Class(db, 'x',\n  a='text')", "schema.py:4: property a must be a property type"},
		{"class without db", "x = Class('x', a=String())", "schema.py:3: Class() takes db and the class name"},
		{"class name not string", "x = Class(db, 1)", "schema.py:3: Class(): the class name must be a string"},
		{"first arg not db", "x = Class(1, 'x')", "schema.py:3: Class(): the first argument must be db"},
		{"class twice", "user = Class(db, 'user')", `schema.py:3: class "user" declared twice`},
		{"bad class name", "x = Class(db, 'a-b')", `schema.py:3: class name "a-b"`},
		{"automatic property", "x = Class(db, 'x', creator=Link('user'))", `schema.py:3: class x: property "creator" is automatic`},
		{"setkey missing", "user.setkey('nope')", `schema.py:3: class user has no property "nope"`},
		{"setkey not string", "x = Class(db, 'x', n=Number())\nx.setkey('n')", `schema.py:4: class x: key property "n" must be a String, not Number`},
		{"setlabelprop missing", "\nuser.setlabelprop('nope')", `schema.py:4: class user has no property "nope"`},
		{"setkey no args", "user.setkey()", "schema.py:3: user.setkey() needs a property name"},
		{"unknown class method", "user.create(username='x')", "schema.py:3: unknown function user.create: schema.py may call Class"},
		{"link to unknown class", "x = Class(db, 'x',\n   a=String(),\n   s=Link('stat'))", `schema.py:5: class x property s: Link to unknown class "stat"`},
		{"getclass unknown", "db.getclass('nope').setkey('x')", `schema.py:3: there is no class called "nope"`},
		{"db attribute unknown", "db.nope.setkey('x')", `schema.py:3: db.nope: there is no class called "nope"`},
		{"db method unknown", "db.commit()", "schema.py:3: unknown function db.commit"},
		{"security method unknown", "db.security.addPermissionToRoles('User', 'x')", "schema.py:3: unknown function db.security.addPermissionToRoles"},
		{"addRole without name", "db.security.addRole(description='x')", "schema.py:3: addRole() needs name="},
		{"addPermission positional", "db.security.addPermission('Edit')", "schema.py:3: addPermission() takes keyword arguments only"},
		{"addPermission unknown keyword", "db.security.addPermission(name='Edit', klas='user')", "schema.py:3: db.security.addPermission() got an unknown keyword argument klas"},
		{"addPermission filter", "db.security.addPermission(name='View', klass='user', filter=f)", "schema.py:3: addPermission(filter=...) is not supported"},
		{"addPermission unknown class", "p = db.security.addPermission(name='Edit',\n    klass='nope')", `schema.py:3: permission "Edit": there is no class "nope"`},
		{"addPermission properties string", "db.security.addPermission(name='Edit', klass='user',\n properties='username')", "schema.py:4: properties: expected a tuple or list of property names, not str"},
		{"unknown check", "db.security.addPermission(name='Edit', klass='user',\n  check='mine')", `schema.py:4: unknown check "mine"`},
		{"user_prop without prop", "db.security.addPermission(name='Edit', klass='user', check='user_prop')", `schema.py:3: unknown check "user_prop"`},
		{"check function name", "p = db.security.addPermission(name='View', klass='user',\n    check=own_record)",
			`schema.py:4: check=own_record refers to a Python function, which is not run: write check="own_record" — see docs/schema-files.md`},
		{"check function call", "p = db.security.addPermission(name='View', klass='user',\n    check=may_view_spam('user'))",
			`schema.py:4: check=may_view_spam(...) refers to a Python function, which is not run: write check="may_view_spam"`},
		{"check unknown function", "p = db.security.addPermission(name='View', klass='user',\n    check=mine)",
			"schema.py:4: check=mine refers to a Python function, which is not run: use a named check, one of"},
		{"no such role", "db.security.addPermissionToRole('Nobody', 'View', 'user')", `schema.py:3: no role "Nobody" defined: declare it with db.security.addRole`},
		{"no such permission", "db.security.addPermissionToRole('User', 'Fly')", `schema.py:3: no permission "Fly" defined`},
		{"no such permission for class", "db.security.addPermissionToRole('User', 'Web Access', 'user')", `schema.py:3: no permission "Web Access" defined for "user"`},
		{"grant on unknown class", "db.security.addPermissionToRole('User', 'View', 'nope')", `schema.py:3: no class "nope" defined`},
		{"grant with properties", "db.security.addPermissionToRole('User', 'View', 'user', properties=('id',))", "schema.py:3: addPermissionToRole(properties=...) is not supported"},
		{"grant a string variable", "p = 3\ndb.security.addPermissionToRole('User', p)", "schema.py:4: addPermissionToRole(): the permission must be a name or a value returned by addPermission, not int"},
		{"password module in schema", "x = Class(db, 'x', p=Password(default_value=password.Password('a', nope=1)))", "schema.py:3: password.Password() got an unknown keyword argument nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadSchema("/home/tracker/schema.py", []byte(pre+tt.src))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("LoadSchema(%q) error = %v, want %q", tt.src, err, tt.want)
			}
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Errorf("LoadSchema error %T is not *Error", err)
			}
		})
	}
}

func TestSecurityForms(t *testing.T) {
	src := `
user = Class(db, 'user', username=String(), roles=String(), address=String())
issue = IssueClass(db, 'issue', assignee=Link('user'))
msg = FileClass(db, 'msg')
file = FileClass(db, 'file')
db.security.addRole(name='Developer', description='A developer')
db.security.addRole('Triager')
db.security.addPermission(name="SB: May Classify")
p = db.security.addPermission(name='Edit', klass='issue', properties=('title', 'assignee'),
    check='creator', description='edit own', props_only=True)
db.security.addPermissionToRole('Developer', p)
db.security.addPermissionToRole(rolename='developer', permission='View', classname='issue')
db.security.addPermissionToRole('Developer', 'SB: May Classify')
db.security.addPermissionToRole('User', 'Web Access')
db.security.addPermissionToRole('Anonymous', 'Register', 'user')
q = db.security.addPermission(name='View', klass='user', check='user_prop:assignee', properties=['address'])
db.security.addPermissionToRole('Triager', q)
`
	s, err := LoadSchema("schema.py", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sec := s.Security
	dev := sec.Role("Developer")
	if dev == nil || dev.Description != "A developer" {
		t.Fatalf("Role(Developer) = %+v", dev)
	}
	has := func(r *tracker.Role, name, class string, props []string, check string) bool {
		for _, p := range r.Perms {
			if p.Name == name && p.Class == class && slices.Equal(p.Properties, props) && p.Check == check {
				return true
			}
		}
		return false
	}
	if !has(dev, "Edit", "issue", []string{"title", "assignee"}, "creator") {
		t.Errorf("Developer lacks Edit issue (title, assignee) check creator: %+v", dev.Perms)
	}
	for _, p := range dev.Perms {
		if p.Name == "Edit" && (!p.PropsOnly || p.Description != "edit own") {
			t.Errorf("Developer Edit = %+v, want props_only and description", p)
		}
	}
	if !has(dev, "View", "issue", nil, "") || !has(dev, "SB: May Classify", "", nil, "") {
		t.Errorf("Developer perms = %+v", dev.Perms)
	}
	if !has(sec.Role("User"), "Web Access", "", nil, "") {
		t.Errorf("User lacks Web Access")
	}
	if !has(sec.Role("Anonymous"), "Register", "user", nil, "") {
		t.Errorf("Anonymous lacks Register")
	}
	if r := sec.Role("triager"); r == nil || !has(r, "View", "user", []string{"address"}, "user_prop:assignee") {
		t.Errorf("Triager = %+v", r)
	}
}

func TestLoad(t *testing.T) {
	if _, err := Load("testdata/nonexistent/schema.py"); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(nonexistent) error = %v, want not exist", err)
	}
	_, err := Load("testdata/minimal/schema.py.orig")
	if err == nil || !strings.HasPrefix(err.Error(), "schema.py.orig:44: def is not supported") {
		t.Errorf("Load(minimal original) error = %v", err)
	}
}
