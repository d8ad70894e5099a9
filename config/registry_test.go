package config

import (
	"slices"
	"strings"
	"testing"
)

func TestRegistryDefaults(t *testing.T) {
	c, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range Options() {
		t.Run(o.Section+"."+o.Name, func(t *testing.T) {
			if o.Name != strings.ToLower(o.Name) || o.Help == "" {
				t.Errorf("option name %q must be lower case and have help", o.Name)
			}
			switch {
			case o.NoDefault || o.Generated:
				if o.Default != "" {
					t.Errorf("Default = %q, want none for a NoDefault or Generated option", o.Default)
				}
			default:
				if _, err := o.parse(o.Default); err != nil {
					t.Errorf("parse(Default %q) = %v", o.Default, err)
				}
			}
			if (o.Kind == Choice) != (len(o.Choices) > 0) {
				t.Errorf("Kind %v with Choices %q", o.Kind, o.Choices)
			}
			if o.RequiredIf != "" && table.option(o.Section, o.RequiredIf) == nil {
				t.Errorf("RequiredIf names no option %q", o.RequiredIf)
			}
			if s := c.settings[table.option(o.Section, o.Name)]; s.err != nil {
				t.Errorf("default setting error: %v", s.err)
			}
		})
	}
}

func TestRegistryNames(t *testing.T) {
	seen := map[string]string{}
	for _, o := range Options() {
		names := append([]string{o.CanonicalName()}, o.Aliases...)
		for _, n := range names {
			n = strings.ToUpper(n)
			if prev, dup := seen[n]; dup {
				t.Errorf("name %s is both %s and [%s] %s", n, prev, o.Section, o.Name)
			}
			seen[n] = "[" + o.Section + "] " + o.Name
		}
	}
	want := []string{"main", "tracker", "web", "rdbms", "sessiondb", "logging", "mail", "mailgw", "pgp", "nosy", "markdown", "irker", "jobs"}
	if got := Sections(); !slices.Equal(got, want) {
		t.Errorf("Sections() = %q, want %q", got, want)
	}
	// Options returns copies: changing them does not change the table.
	opts := Options()
	opts[0].Default = "changed"
	for i := range opts {
		if opts[i].Kind == Choice {
			opts[i].Choices[0] = "changed"
			break
		}
	}
	for _, o := range Options() {
		if o.Default == "changed" || slices.Contains(o.Choices, "changed") {
			t.Errorf("Options() shares memory with the table: [%s] %s", o.Section, o.Name)
		}
	}
}
