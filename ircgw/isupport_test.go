package ircgw

import (
	"regexp"
	"testing"
)

func TestChanLimits(t *testing.T) {
	tests := []struct {
		tokens []string
		name   string
		want   int
	}{
		{nil, "#a", 18},
		{[]string{"CHANLIMIT=#&+:10"}, "#a", 10}, // ngIRCd's form, ignored by irkerd
		{[]string{"CHANLIMIT=#&+:10"}, "&a", 10},
		{[]string{"CHANLIMIT=#:120,&:5"}, "&a", 5},
		{[]string{"CHANLIMIT=#:120,&:5"}, "#a", 120},
		{[]string{"CHANLIMIT=#:120,&:5"}, "+a", 18},
		{[]string{"CHANLIMIT=#:"}, "#a", 0},
		{[]string{"MAXCHANNELS=20"}, "#a", 20},
		{[]string{"CHANLIMIT=#:7", "MAXCHANNELS=20"}, "#a", 7},
		{[]string{"CHANLIMIT=bogus"}, "#a", 18},
	}
	for _, tt := range tests {
		l := newChanLimits(18)
		l.parseISupport(tt.tokens)
		if _, got := l.group(tt.name); got != tt.want {
			t.Errorf("limit(%q) after %q = %d, want %d", tt.name, tt.tokens, got, tt.want)
		}
	}
}

func TestCapGroup(t *testing.T) {
	l := newChanLimits(18)
	l.parseISupport([]string{"CHANLIMIT=#&+:10"})
	l.capGroup("#x", 4)
	if _, got := l.group("&y"); got != 4 {
		t.Errorf("limit(&y) after capGroup(#x, 4) = %d, want 4 (same group)", got)
	}
	l.capGroup("#x", 8)
	if _, got := l.group("#y"); got != 4 {
		t.Errorf("limit(#y) after capGroup(#x, 8) = %d, want 4 (never raised)", got)
	}
}

func TestCasefold(t *testing.T) {
	if got := casefold("#Chan[A]\\~"); got != "#chan{a}|^" {
		t.Errorf("casefold = %q, want %q", got, "#chan{a}|^")
	}
}

func TestNickGen(t *testing.T) {
	tests := []struct {
		template string
		re       string
	}{
		{"irker%03d", `^irker\d{3,4}$`},
		{"bot%d", `^bot\d+$`},
		{"fixed", `^fixed$`},
	}
	for _, tt := range tests {
		g := newNickGen(tt.template)
		if got := g.current(); !regexp.MustCompile(tt.re).MatchString(got) {
			t.Errorf("newNickGen(%q).current() = %q, want match %s", tt.template, got, tt.re)
		}
	}
	g := newNickGen("irker%03d")
	first := g.current()
	if next := g.next(); next == first {
		t.Errorf("next() = %q, want a new nick", next)
	}
	f := newNickGen("longfixednick")
	if n := f.next(); !regexp.MustCompile(`^longfi\d{3}$`).MatchString(n) {
		t.Errorf("fixed nick fallback = %q, want longfiNNN", n)
	}
}
