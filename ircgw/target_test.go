package ircgw

import (
	"errors"
	"testing"
)

// TestParseTarget checks the URL rules of specs/irkerd.md §5. The expected
// values of the irkerd-compatible rows were produced by loading irkerd
// 2.23's own Target class (Debian bookworm, Python 3.11).
func TestParseTarget(t *testing.T) {
	tests := []struct {
		url  string
		want Target // URL is filled in from url
	}{
		{"irc://h/chan", Target{Host: "h", Port: 6667, Name: "#chan"}},
		{"irc://h/Foo", Target{Host: "h", Port: 6667, Name: "#foo"}},
		{"irc://h/#Foo", Target{Host: "h", Port: 6667, Name: "#Foo"}},
		{"irc://h/foo#bar", Target{Host: "h", Port: 6667, Name: "#foo#bar"}},
		{"irc://h/&chan", Target{Host: "h", Port: 6667, Name: "&chan"}},
		{"irc://h/+chan", Target{Host: "h", Port: 6667, Name: "+chan"}},
		{"irc://h/!chan", Target{Host: "h", Port: 6667, Name: "#!chan"}},
		{"irc://h/chan?key=secret", Target{Host: "h", Port: 6667, Name: "#chan", Key: "secret"}},
		{"irc://h/chan?secret", Target{Host: "h", Port: 6667, Name: "#chan", Key: "secret"}},
		{"irc://h/chan?key=", Target{Host: "h", Port: 6667, Name: "#chan"}},
		{"irc://h/#chan?key=k", Target{Host: "h", Port: 6667, Name: "#chan?key=k"}},
		{"irc://h/bob,isnick", Target{Host: "h", Port: 6667, Name: "bob", IsNick: true}},
		{"irc://h/Bob,isnick", Target{Host: "h", Port: 6667, Name: "bob", IsNick: true}},
		{"ircs://h/chan", Target{TLS: true, Host: "h", Port: 6697, Name: "#chan"}},
		{"irc://h:7000/chan", Target{Host: "h", Port: 7000, Name: "#chan"}},
		{"ircs://h:7000/chan", Target{TLS: true, Host: "h", Port: 7000, Name: "#chan"}},
		{"irc://user:pass@h/chan", Target{Host: "h", Port: 6667, User: "user", Password: "pass", Name: "#chan"}},
		{"irc://user@h/chan", Target{Host: "h", Port: 6667, User: "user", Name: "#chan"}},
		{"irc://Chat.Example.NET/x", Target{Host: "chat.example.net", Port: 6667, Name: "#x"}},
		{"irc://[::1]:6667/x", Target{Host: "::1", Port: 6667, Name: "#x"}},
		{"irc://[::1]/x", Target{Host: "::1", Port: 6667, Name: "#x"}},
		{"http://h/x", Target{Host: "h", Port: 6667, Name: "#x"}},
		{"irc://h:0/x", Target{Host: "h", Port: 6667, Name: "#x"}},
		{"irc://h:/x", Target{Host: "h", Port: 6667, Name: "#x"}},
		{"irc://h/%23x", Target{Host: "h", Port: 6667, Name: "#%23x"}},
		{"irc://h//chan", Target{Host: "h", Port: 6667, Name: "#chan"}},
		{"IRC://H/Chan", Target{Host: "h", Port: 6667, Name: "#chan"}},
		{"IRCS://H/Chan", Target{TLS: true, Host: "h", Port: 6697, Name: "#chan"}},
		{"irc://h/chan;x", Target{Host: "h", Port: 6667, Name: "#chan;x"}},
		{" irc://h/chan", Target{Host: "h", Port: 6667, Name: "#chan"}},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := ParseTarget(tt.url)
			tt.want.URL = tt.url
			if err != nil || got != tt.want {
				t.Errorf("ParseTarget(%q) = %+v, %v, want %+v", tt.url, got, err, tt.want)
			}
		})
	}
}

func TestParseTargetErrors(t *testing.T) {
	tests := []struct{ url, reason string }{
		// irkerd's own messages.
		{"irc:///x", "target URL missing a servername"},
		{"h/foo", "target URL missing a servername"},
		{"irc://h", "target URL missing a channel"},
		{"irc://h/", "target URL missing a channel"},
		{"irc://h/,isnick", "target URL missing a channel"},
		// irkerd drops the whole request ("can't recognize JSON").
		{"irc://h:abc/x", "target URL has a bad port"},
		{"irc://h:99999/x", "target URL has a bad port"},
		{"irc://[::1/x", "target URL is malformed (invalid IPv6 URL)"},
		// irkerd sends these and the server sees another command.
		{"irc://h/foo,bar", "target URL has an invalid channel or nick name"},
		{"irc://h/a b", "target URL has an invalid channel or nick name"},
		{"irc://h/a%07b\x07", "target URL has an invalid channel or nick name"},
		{"irc://h/chan?a b", "target URL has an invalid channel key"},
		{"irc://us er@h/chan", "target URL has an invalid user name"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := ParseTarget(tt.url)
			var te *TargetError
			if !errors.As(err, &te) || te.Reason != tt.reason {
				t.Errorf("ParseTarget(%q) = %+v, %v, want error %q", tt.url, got, err, tt.reason)
			}
		})
	}
}

func TestServerKeySeparatesSchemeAndCredentials(t *testing.T) {
	keys := map[serverKey]string{}
	for _, u := range []string{"irc://h/a", "ircs://h:6667/a", "irc://u@h/a", "irc://u:p@h/a"} {
		tg, err := ParseTarget(u)
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := keys[tg.serverKey()]; ok {
			t.Errorf("serverKey(%q) = serverKey(%q), want distinct (irkerd bug §13.11)", u, prev)
		}
		keys[tg.serverKey()] = u
	}
	a, _ := ParseTarget("irc://H/a")
	b, _ := ParseTarget("irc://h:6667/b")
	if a.serverKey() != b.serverKey() {
		t.Errorf("serverKey(irc://H/a) != serverKey(irc://h:6667/b), want one connection")
	}
}
