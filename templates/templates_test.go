package templates

import (
	"errors"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var wantNames = []string{"classic", "jython", "meta", "minimal", "python-dev", "setuptools"}

func TestNames(t *testing.T) {
	if got := Names(); !slices.Equal(got, wantNames) {
		t.Fatalf("Names() = %q, want %q", got, wantNames)
	}
}

func TestFS(t *testing.T) {
	for _, bad := range []string{"", ".", "..", "../templates", "python-dev/detectors", "Python-Dev", "roundup"} {
		if _, err := FS(bad); !errors.Is(err, ErrUnknown) {
			t.Errorf("FS(%q): err = %v, want ErrUnknown", bad, err)
		}
		if _, err := Describe(bad); !errors.Is(err, ErrUnknown) {
			t.Errorf("Describe(%q): err = %v, want ErrUnknown", bad, err)
		}
	}
	fsys, err := FS("python-dev")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.Stat(fsys, "detectors/config.ini"); err != nil {
		t.Errorf("python-dev: %v", err)
	}
}

var requiredFiles = []string{"schema.py", "initial_data.py", "config.ini", "detectors/config.ini", "TEMPLATE-INFO.txt"}

func TestRequiredFiles(t *testing.T) {
	for _, name := range Names() {
		fsys := mustFS(t, name)
		for _, f := range requiredFiles {
			data, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if f != "config.ini" && strings.TrimSpace(string(data)) == "" {
				t.Errorf("%s/%s is empty", name, f)
			}
		}
		// The html/ directory comes with the web frontend.
		if _, err := fs.Stat(fsys, "html"); err == nil {
			t.Errorf("%s has an html/ directory", name)
		}
	}
}

func TestTemplateInfo(t *testing.T) {
	for _, name := range Names() {
		info, err := readInfo(name)
		if err != nil {
			t.Error(err)
			continue
		}
		// corral-admin install finds a template by this name, as Roundup does.
		if info["name"] != name {
			t.Errorf("%s/TEMPLATE-INFO.txt: Name = %q, want %q", name, info["name"], name)
		}
		if info["intended-for"] == "" {
			t.Errorf("%s/TEMPLATE-INFO.txt: no Intended-For", name)
		}
		d, err := Describe(name)
		if err != nil {
			t.Error(err)
			continue
		}
		if strings.Contains(d, "\n") || strings.Contains(d, "  ") || d != strings.TrimSpace(d) {
			t.Errorf("Describe(%q) = %q: continuation lines not joined", name, d)
		}
	}
	d, _ := Describe("classic")
	if !strings.HasPrefix(d, "This is a generic issue tracker that may be used to track bugs, feature") {
		t.Errorf("Describe(classic) = %q", d)
	}
}

// pyFile is a .py file of a template with its code: comments removed and
// the contents of string literals blanked, so that words inside comments
// and strings are not mistaken for statements.
type pyFile struct {
	path string // "python-dev/schema.py"
	text string // the file as it is
	code string // same length and lines as text
}

func pyFiles(t *testing.T) []pyFile {
	t.Helper()
	var out []pyFile
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".py") {
			return err
		}
		data, err := fs.ReadFile(files, path)
		if err != nil {
			return err
		}
		out = append(out, pyFile{path: path, text: string(data), code: codeOnly(string(data))})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// codeOnly blanks comments and the insides of string literals (single,
// double and triple quoted), keeping the quotes, newlines and offsets.
func codeOnly(src string) string { return scan(src, true) }

// stripComments blanks the comments only, for the regexps that read
// literal arguments.
func stripComments(src string) string { return scan(src, false) }

func scan(src string, blankStrings bool) string {
	b := []byte(src)
	blank := func(i int) {
		if blankStrings && b[i] != '\n' {
			b[i] = ' '
		}
	}
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '#':
			for i < len(b) && b[i] != '\n' {
				b[i] = ' '
				i++
			}
		case c == '\'' || c == '"':
			q := src[i : i+1]
			if strings.HasPrefix(src[i:], strings.Repeat(q, 3)) {
				q = strings.Repeat(q, 3)
			}
			i += len(q)
			for i < len(b) && !strings.HasPrefix(src[i:], q) {
				if b[i] == '\\' && i+1 < len(b) {
					blank(i)
					i++
				}
				blank(i)
				i++
			}
			i += len(q)
		default:
			i++
		}
	}
	return string(b)
}

func lineOf(s string, off int) int { return strings.Count(s[:off], "\n") + 1 }

var (
	forbiddenStmt  = regexp.MustCompile(`(?m)^[ \t]*(def|for|while|if|elif|else|class|try|except|with|return|import|lambda|global|async)\b`)
	lambdaAnywhere = regexp.MustCompile(`\blambda\b`)
	fromImport     = regexp.MustCompile(`(?m)^[ \t]*from[ \t]+([\w.]+)[ \t]+import\b`)
)

// TestPythonSubset checks what docs/schema-files.md refuses: def, loops,
// if, class, lambda, and imports other than "from roundup... import".
func TestPythonSubset(t *testing.T) {
	for _, f := range pyFiles(t) {
		for _, m := range forbiddenStmt.FindAllStringSubmatchIndex(f.code, -1) {
			t.Errorf("%s:%d: %q is outside the accepted subset", f.path, lineOf(f.code, m[0]), f.code[m[2]:m[3]])
		}
		for _, m := range lambdaAnywhere.FindAllStringIndex(f.code, -1) {
			t.Errorf("%s:%d: lambda is outside the accepted subset", f.path, lineOf(f.code, m[0]))
		}
		for _, m := range fromImport.FindAllStringSubmatchIndex(f.code, -1) {
			if mod := f.code[m[2]:m[3]]; mod != "roundup" && !strings.HasPrefix(mod, "roundup.") {
				t.Errorf("%s:%d: from %s import: only roundup imports are accepted", f.path, lineOf(f.code, m[0]), mod)
			}
		}
	}
}

// docTableNames returns the backquoted names in the first column of the
// table rows of the section of docs/schema-files.md that starts with
// heading.
func docTableNames(t *testing.T, heading string) []string {
	t.Helper()
	data, err := os.ReadFile("../docs/schema-files.md")
	if err != nil {
		t.Fatalf("the named checks and detectors are listed in docs/schema-files.md: %v", err)
	}
	_, section, ok := strings.Cut(string(data), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("docs/schema-files.md has no %q section", heading)
	}
	if i := strings.Index(section, "\n## "); i >= 0 {
		section = section[:i]
	}
	tick := regexp.MustCompile("`([^`]+)`")
	var names []string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first := strings.Split(line, "|")[1]
		for _, m := range tick.FindAllStringSubmatch(first, -1) {
			names = append(names, m[1])
		}
	}
	if len(names) == 0 {
		t.Fatalf("docs/schema-files.md: no names in the %q table", heading)
	}
	return names
}

var checkArg = regexp.MustCompile(`\bcheck\s*=\s*`)

func TestChecksAreDocumented(t *testing.T) {
	documented := docTableNames(t, "## Named checks")
	known := func(name string) bool {
		for _, d := range documented {
			if prefix, ok := strings.CutSuffix(d, ":PROP"); ok {
				if rest, ok := strings.CutPrefix(name, prefix+":"); ok && regexp.MustCompile(`^\w+$`).MatchString(rest) {
					return true
				}
			} else if name == d {
				return true
			}
		}
		return false
	}
	seen := 0
	for _, f := range pyFiles(t) {
		for _, m := range checkArg.FindAllStringIndex(f.code, -1) {
			seen++
			val := f.text[m[1]:]
			q := val[:1]
			if q != `"` && q != `'` {
				t.Errorf("%s:%d: check= must be a string naming a check", f.path, lineOf(f.text, m[0]))
				continue
			}
			name, _, _ := strings.Cut(val[1:], q)
			if !known(name) {
				t.Errorf("%s:%d: check=%q is not a named check of docs/schema-files.md (%s)", f.path, lineOf(f.text, m[0]), name, strings.Join(documented, ", "))
			}
		}
	}
	if seen == 0 {
		t.Fatal("no check= found at all")
	}
}

// ini is a small reader for the templates' own ini files: sections,
// "key = value" options, # and ; comments, continuation lines.
func ini(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	data, err := fs.ReadFile(files, path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	section, key := "", ""
	for n, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || trimmed[0] == '#' || trimmed[0] == ';':
			key = ""
		case line[0] == ' ' || line[0] == '\t':
			if key == "" {
				t.Errorf("%s:%d: continuation line without an option", path, n+1)
				continue
			}
			out[section][key] += " " + trimmed
		case trimmed[0] == '[':
			name, ok := strings.CutSuffix(trimmed[1:], "]")
			if !ok {
				t.Errorf("%s:%d: bad section header", path, n+1)
			}
			section = name
			if _, dup := out[section]; dup {
				t.Errorf("%s:%d: section [%s] twice", path, n+1, section)
			}
			out[section] = map[string]string{}
		default:
			k, v, ok := strings.Cut(trimmed, "=")
			if !ok || section == "" {
				t.Errorf("%s:%d: want \"option = value\" inside a section", path, n+1)
				continue
			}
			key = strings.TrimSpace(k)
			if _, dup := out[section][key]; dup {
				t.Errorf("%s:%d: [%s] %s twice", path, n+1, section, key)
			}
			out[section][key] = strings.TrimSpace(v)
		}
	}
	return out
}

func enabledDetectors(t *testing.T, name string) []string {
	t.Helper()
	path := name + "/detectors/config.ini"
	v, ok := ini(t, path)["detectors"]["enabled"]
	if !ok {
		t.Fatalf("%s: no [detectors] enabled", path)
	}
	var out []string
	for _, d := range strings.Split(v, ",") {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}

func TestDetectorsAreDocumented(t *testing.T) {
	documented := docTableNames(t, "## Detectors")
	for _, name := range Names() {
		enabled := enabledDetectors(t, name)
		if len(enabled) == 0 {
			t.Errorf("%s: no detector enabled", name)
		}
		for i, d := range enabled {
			if !slices.Contains(documented, d) {
				t.Errorf("%s/detectors/config.ini: %q is not a built-in detector of docs/schema-files.md", name, d)
			}
			if slices.Contains(enabled[:i], d) {
				t.Errorf("%s/detectors/config.ini: %q enabled twice", name, d)
			}
		}
	}
	for name, want := range map[string][]string{
		"classic":    {"classic_statusauditor", "messagesummary", "nosyreaction", "userauditor"},
		"minimal":    {"userauditor"},
		"python-dev": {"statusauditor", "irker", "autonosy", "issuestates", "countauditor", "reopenpending"},
	} {
		for _, d := range want {
			if !slices.Contains(enabledDetectors(t, name), d) {
				t.Errorf("%s does not enable %s", name, d)
			}
		}
	}
	if slices.Contains(enabledDetectors(t, "jython"), "irker") {
		t.Error("jython enables irker; the Jython tracker had no IRC announcer")
	}
}

// TestNoSecretsOrHosts: install writes the tracker's URL, mail domain and
// secret; a template must not carry them, nor point at a real IRC network.
func TestNoSecretsOrHosts(t *testing.T) {
	for _, name := range Names() {
		cfg := ini(t, name+"/config.ini")
		for _, o := range [][2]string{{"tracker", "web"}, {"mail", "domain"}, {"mail", "host"}, {"mail", "password"}, {"web", "secret_key"}, {"rdbms", "password"}, {"rdbms", "host"}} {
			if _, ok := cfg[o[0]][o[1]]; ok {
				t.Errorf("%s/config.ini sets [%s] %s", name, o[0], o[1])
			}
		}
		for _, path := range []string{name + "/config.ini", name + "/detectors/config.ini"} {
			for section, opts := range ini(t, path) {
				for k, v := range opts {
					for _, word := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
						u, err := url.Parse(word)
						if err != nil || u.Scheme == "" || u.Host == "" {
							continue
						}
						if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" && h != "::1" {
							t.Errorf("%s: [%s] %s points at %s, not at localhost", path, section, k, h)
						}
					}
				}
			}
		}
	}
	ch := ini(t, "python-dev/detectors/config.ini")["irker"]["channels"]
	if !strings.HasPrefix(ch, "irc://localhost/") {
		t.Errorf("python-dev [irker] channels = %q", ch)
	}
}

var (
	classDecl   = regexp.MustCompile(`\b(?:Class|FileClass|IssueClass)\(\s*db\s*,\s*["'](\w+)["']`)
	addRole     = regexp.MustCompile(`addRole\(\s*name\s*=\s*["']([^"']+)["']`)
	toRole      = regexp.MustCompile(`addPermissionToRole\(\s*([^,)]*?)\s*,\s*([^,)]*?)\s*(?:,\s*([^,)]*?)\s*)?\)`)
	permBinding = regexp.MustCompile(`(?m)^(\w+)\s*=\s*db\.security\.addPermission\(`)
	globalPerm  = regexp.MustCompile(`addPermission\(\s*name\s*=\s*["']([^"']+)["']\s*\)`)
	getclass    = regexp.MustCompile(`db\.getclass\(\s*["'](\w+)["']\s*\)`)
	userRoles   = regexp.MustCompile(`\broles\s*=\s*["']([^"']*)["']`)
)

func unquote(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// schemaFacts is what TestRolesAndPermissions needs to know of a schema.
type schemaFacts struct {
	classes, roles, globalPerms []string
}

func readSchema(t *testing.T, name string) (pyFile, schemaFacts) {
	t.Helper()
	data, err := fs.ReadFile(files, name+"/schema.py")
	if err != nil {
		t.Fatal(err)
	}
	f := pyFile{path: name + "/schema.py", text: string(data), code: codeOnly(string(data))}
	live := stripComments(f.text)
	var sf schemaFacts
	for _, m := range classDecl.FindAllStringSubmatch(live, -1) {
		sf.classes = append(sf.classes, m[1])
	}
	sf.roles = []string{"Admin", "User", "Anonymous"}
	for _, m := range addRole.FindAllStringSubmatch(live, -1) {
		sf.roles = append(sf.roles, m[1])
	}
	sf.globalPerms = []string{"Web Access", "Email Access", "Rest Access", "Xmlrpc Access", "Web Roles", "Register"}
	for _, m := range globalPerm.FindAllStringSubmatch(live, -1) {
		sf.globalPerms = append(sf.globalPerms, m[1])
	}
	return f, sf
}

func TestRolesAndPermissions(t *testing.T) {
	perClass := []string{"Create", "Edit", "View", "Retire", "Restore", "Search"}
	for _, name := range Names() {
		f, sf := readSchema(t, name)
		live := stripComments(f.text)
		bound := map[string]bool{}
		for _, m := range permBinding.FindAllStringSubmatch(live, -1) {
			bound[m[1]] = true
		}
		n := 0
		for _, m := range toRole.FindAllStringSubmatch(live, -1) {
			n++
			role, ok := unquote(m[1])
			if !ok {
				t.Errorf("%s: addPermissionToRole(%s, ...): the role must be a string (write loops out)", f.path, m[1])
				continue
			}
			if !slices.Contains(sf.roles, role) {
				t.Errorf("%s: addPermissionToRole(%q, ...): role not declared with addRole (have %s)", f.path, role, strings.Join(sf.roles, ", "))
			}
			perm, isString := unquote(m[2])
			switch {
			case !isString && m[3] == "":
				if !bound[m[2]] {
					t.Errorf("%s: addPermissionToRole(%q, %s): %s is not bound to an addPermission", f.path, role, m[2], m[2])
				}
			case !isString:
				t.Errorf("%s: addPermissionToRole(%q, %s, %s): the permission name must be a string", f.path, role, m[2], m[3])
			case m[3] != "":
				class, ok := unquote(m[3])
				if !ok || !slices.Contains(sf.classes, class) {
					t.Errorf("%s: addPermissionToRole(%q, %q, %s): no such class", f.path, role, perm, m[3])
				}
				if !slices.Contains(perClass, perm) && !(perm == "Register" && class == "user") {
					t.Errorf("%s: addPermissionToRole(%q, %q, %s): not a per-class permission", f.path, role, perm, m[3])
				}
			default:
				if !slices.Contains(sf.globalPerms, perm) {
					t.Errorf("%s: addPermissionToRole(%q, %q): no such permission", f.path, role, perm)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no addPermissionToRole", f.path)
		}

		// klass= of every addPermission names a declared class.
		for _, m := range regexp.MustCompile(`\bklass\s*=\s*["'](\w+)["']`).FindAllStringSubmatch(live, -1) {
			if !slices.Contains(sf.classes, m[1]) {
				t.Errorf("%s: klass=%q: no such class", f.path, m[1])
			}
		}

		// initial_data.py creates items of declared classes, and users
		// with declared roles.
		data, err := fs.ReadFile(files, name+"/initial_data.py")
		if err != nil {
			t.Fatal(err)
		}
		idata := stripComments(string(data))
		for _, m := range getclass.FindAllStringSubmatch(idata, -1) {
			if !slices.Contains(sf.classes, m[1]) {
				t.Errorf("%s/initial_data.py: getclass(%q): no such class in schema.py", name, m[1])
			}
		}
		for _, m := range userRoles.FindAllStringSubmatch(idata, -1) {
			for _, r := range strings.Split(m[1], ",") {
				if r = strings.TrimSpace(r); !slices.Contains(sf.roles, r) {
					t.Errorf("%s/initial_data.py: role %q not declared", name, r)
				}
			}
		}
		if !strings.Contains(idata, `username="admin", password=adminpw`) || !strings.Contains(idata, `username="anonymous", roles='Anonymous'`) {
			t.Errorf("%s/initial_data.py: the two default users admin and anonymous are missing", name)
		}
	}
}

var (
	classVar = regexp.MustCompile(`(?m)^(\w+)\s*=\s*db\.getclass\(\s*["'](\w+)["']\s*\)`)
	create   = regexp.MustCompile(`(?m)^(\w+)\.create\(\s*name\s*=\s*((?:(?:'[^']*'|"[^"]*")\s*)+)`)
	strLit   = regexp.MustCompile(`'([^']*)'|"([^"]*)"`)
)

// items returns, per class, the names initial_data.py creates in order:
// items(...)["status"][0] is status1.
func items(t *testing.T, name string) map[string][]string {
	t.Helper()
	data, err := fs.ReadFile(files, name+"/initial_data.py")
	if err != nil {
		t.Fatal(err)
	}
	src := stripComments(string(data))
	vars := map[string]string{}
	for _, m := range classVar.FindAllStringSubmatch(src, -1) {
		vars[m[1]] = m[2]
	}
	out := map[string][]string{}
	for _, m := range create.FindAllStringSubmatch(src, -1) {
		class, ok := vars[m[1]]
		if !ok {
			t.Fatalf("%s/initial_data.py: %s.create: %s is not bound to db.getclass", name, m[1], m[1])
		}
		var s string
		for _, l := range strLit.FindAllStringSubmatch(m[2], -1) {
			s += l[1] + l[2]
		}
		if slices.Contains(out[class], s) {
			t.Errorf("%s/initial_data.py: %s %q created twice", name, class, s)
		}
		out[class] = append(out[class], s)
	}
	return out
}

// TestPythonDevKeepsBpoIDs: the values of bpo's shipped initial_data.py
// come first and in order (live names where the live tracker renamed
// them), so bpo URLs such as issue?status=1 mean the same thing.
func TestPythonDevKeepsBpoIDs(t *testing.T) {
	got := items(t, "python-dev")
	want := map[string][]string{
		"status":     {"open", "closed", "pending", "languishing"},
		"stage":      {"test needed", "needs patch", "patch review", "commit review", "resolved"},
		"issue_type": {"crash", "compile error", "resource usage", "security", "behavior", "performance", "enhancement"},
		"component": {"None", "2to3 (2.x to 3 conversion tool)", "Build", "ctypes", "Demos and Tools", "Distutils",
			"Documentation", "Extension Modules", "IDLE", "Installation", "Interpreter Core", "Library (Lib)",
			"macOS", "Regular Expressions", "Tests", "Tkinter", "Unicode", "Windows", "XML"},
		"version":    {"Python 3.1", "Python 3.0", "Python 2.7", "Python 2.6", "Python 2.5", "Python 2.4", "3rd party"},
		"severity":   {"critical", "urgent", "major", "normal", "minor"},
		"priority":   {"release blocker", "deferred blocker", "critical", "high", "normal", "low"},
		"resolution": {"accepted", "duplicate", "fixed", "not a bug", "later", "out of date", "postponed", "rejected", "remind", "wont fix", "works for me"},
		"keyword":    {"26backport", "64bit", "easy", "needs review", "patch"},
	}
	for class, names := range want {
		if len(got[class]) < len(names) || !slices.Equal(got[class][:len(names)], names) {
			t.Errorf("python-dev %s: got %q, want it to start with %q", class, got[class], names)
		}
	}
	for class, names := range map[string][]string{
		"version":   {"Python 3.10", "Python 3.11"},
		"component": {"asyncio", "email", "SSL", "Argument Clinic", "C API", "Cross-Build"},
		"keyword":   {"easy (C)", "newcomer friendly"},
	} {
		for _, n := range names {
			if !slices.Contains(got[class], n) {
				t.Errorf("python-dev %s: no %q", class, n)
			}
		}
	}
}

// TestDetectorValues: the lookup values each enabled detector looks up by
// name exist in the template's initial data.
func TestDetectorValues(t *testing.T) {
	needs := map[string][][2]string{
		"statusauditor":         {{"status", "open"}, {"status", "closed"}},
		"classic_statusauditor": {{"status", "unread"}, {"status", "chatting"}, {"status", "resolved"}, {"status", "done-cbb"}},
		"priorityauditor":       {{"priority", "normal"}},
		"severityauditor":       {{"severity", "normal"}},
		"reopenpending":         {{"status", "pending"}, {"status", "open"}},
		"issuestates":           {{"status", "open"}, {"status", "closed"}, {"stage", "resolved"}, {"stage", "patch review"}, {"keyword", "patch"}},
		"patches":               {{"keyword", "patch"}},
	}
	for _, name := range Names() {
		got := items(t, name)
		for _, d := range enabledDetectors(t, name) {
			for _, need := range needs[d] {
				if !slices.Contains(got[need[0]], need[1]) {
					t.Errorf("%s: detector %s needs %s %q in initial_data.py", name, d, need[0], need[1])
				}
			}
		}
	}
}

func mustFS(t *testing.T, name string) fs.FS {
	t.Helper()
	fsys, err := FS(name)
	if err != nil {
		t.Fatal(err)
	}
	return fsys
}
