package detectors

import (
	"slices"
	"strings"
	"testing"

	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
)

func TestNames(t *testing.T) {
	want := []string{"autoassign", "autonosy", "busybody", "classic_statusauditor", "countauditor",
		"hgrepo", "irker", "issuestates", "messagesummary", "no_texthtml", "nosyreaction", "patches",
		"priorityauditor", "pull_request", "reopenpending", "severityauditor", "statusauditor",
		"tellteam", "textplain", "userauditor"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
}

// Every template's enabled list installs on its own schema, and on
// python-dev every detector does.
func TestInstallTemplates(t *testing.T) {
	for _, name := range templates.Names() {
		t.Run(name, func(t *testing.T) {
			newEnv(t, name, setup{})
		})
	}
	t.Run("python-dev/all", func(t *testing.T) {
		newEnv(t, "python-dev", setup{names: Names()})
	})
}

// goSchema builds a small schema in Go: an issue class without bpo's
// extras and a component class without add_as_nosy.
func goSchema(t *testing.T) *tracker.Schema {
	t.Helper()
	s := tracker.NewSchema()
	must := func(c *tracker.Class, err error) *tracker.Class {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	str := func(n string) *tracker.Property { return &tracker.Property{Name: n, Kind: tracker.String} }
	must(s.AddClass("user", tracker.PlainClass, []*tracker.Property{str("username"), str("roles")})).KeyProp = "username"
	must(s.AddClass("status", tracker.PlainClass, []*tracker.Property{str("name")})).KeyProp = "name"
	must(s.AddClass("component", tracker.PlainClass, []*tracker.Property{str("name")})).KeyProp = "name"
	must(s.AddClass("msg", tracker.FileClass, []*tracker.Property{{Name: "author", Kind: tracker.Link, Class: "user"}}))
	must(s.AddClass("file", tracker.PlainClass, []*tracker.Property{str("name")}))
	must(s.AddClass("issue", tracker.IssueClass, []*tracker.Property{
		{Name: "status", Kind: tracker.Link, Class: "status"},
		{Name: "components", Kind: tracker.Multilink, Class: "component"},
		{Name: "nosy_count", Kind: tracker.String},
	}))
	if err := s.Finish(); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestInstallErrors(t *testing.T) {
	tests := []struct {
		names     []string
		detectors tracker.MapSettings
		want      string
	}{
		{[]string{"autonosy"}, nil,
			"installing detectors: autonosy: class component has no property add_as_nosy"},
		{[]string{"autoassign"}, nil,
			"installing detectors: autoassign: class component has no property assign_to; class issue has no property assignee"},
		{[]string{"nosyreaction"}, nil,
			"installing detectors: nosyreaction: class msg has no property recipients"},
		{[]string{"countauditor"}, nil,
			"installing detectors: countauditor: issue.nosy_count is a String, not a Number or Integer; class issue has no property message_count"},
		{[]string{"textplain"}, nil,
			"installing detectors: textplain: class file is not a FileClass"},
		{[]string{"statusauditor", "issuestates"}, nil,
			"installing detectors: statusauditor: class issue has no property dependencies\n" +
				"issuestates: class issue has no property stage; no class stage; class issue has no property keywords; no class keyword; class issue has no property pull_requests"},
		{[]string{"hgrepo"}, nil, "installing detectors: hgrepo: no class hgrepo"},
		{[]string{"userauditor"}, tracker.MapSettings{"userauditor.username_charset": "latin1"},
			`installing detectors: userauditor: detectors/config.ini [userauditor] username_charset: "latin1" is not bpo or roundup`},
		{[]string{"nope", "userauditor", "alsono"}, nil,
			`installing detectors: unknown detector "nope", "alsono" (known: ` + strings.Join(Names(), ", ") + ")"},
		{[]string{"userauditor", " userauditor"}, nil,
			`installing detectors: "userauditor" is listed twice`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.names, ","), func(t *testing.T) {
			svc := tracker.New(goSchema(t), nil, tracker.Options{Detectors: tc.detectors}, nil)
			err := Install(svc, tc.names)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Install(%v) = %v, want %s", tc.names, err, tc.want)
			}
		})
	}
}

// Detector settings that do not read fail Install on the real schema.
func TestInstallSettingErrors(t *testing.T) {
	tests := []struct {
		name      string
		detectors tracker.MapSettings
		want      string
	}{
		{"autonosy", tracker.MapSettings{"autonosy.release_managers": "Python 3.12 thomas"},
			`autonosy: detectors/config.ini [autonosy] release_managers: "Python 3.12 thomas" is not VERSION: USER`},
		{"irker", tracker.MapSettings{"irker.announce_changes": "maybe"},
			`irker: detectors/config.ini [irker] announce_changes: "maybe" is not a boolean (yes/no)`},
		{"busybody", tracker.MapSettings{"main.spambayes_spam_cutoff": "high"},
			`busybody: detectors/config.ini [main] spambayes_spam_cutoff: "high" is not a number`},
		{"pull_request", tracker.MapSettings{"pull_request.repository": "cpython"},
			`pull_request: detectors/config.ini [pull_request] repository: "cpython" is not OWNER/REPO`},
		{"nosyreaction", tracker.MapSettings{"nosyreaction.add_creator": "sometimes"},
			`nosyreaction: detectors/config.ini [nosyreaction] add_creator: "sometimes" is not a boolean (yes/no)`},
	}
	schema := loadSchema(t, "python-dev")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc := tracker.New(schema, nil, tracker.Options{Detectors: tc.detectors}, nil)
			err := Install(svc, []string{tc.name})
			if want := "installing detectors: " + tc.want; err == nil || err.Error() != want {
				t.Errorf("Install(%s) = %v, want %s", tc.name, err, want)
			}
		})
	}
}
