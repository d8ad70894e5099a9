package ircgw

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRequests(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		reqs    int      // requests parsed
		targets []string // names of the targets, over all requests
		skipped int
		text    string // text of the first request
		reason  string // RequestError reason, "" for none
	}{
		{"string to", `{"to":"irc://h/a","privmsg":"hi"}`, 1, []string{"#a"}, 0, "hi", ""},
		{"list to", `{"to":["irc://h/a","irc://h/b"],"privmsg":"hi"}`, 1, []string{"#a", "#b"}, 0, "hi", ""},
		{"bad target skipped", `{"to":["irc://h","irc://h/b",5],"privmsg":"hi"}`, 1, []string{"#b"}, 2, "hi", ""},
		{"empty list", `{"to":[],"privmsg":"hi"}`, 1, nil, 0, "hi", ""},
		{"extra keys", `{"to":"irc://h/a","privmsg":"hi","x":1}`, 1, []string{"#a"}, 0, "hi", ""},
		{"duplicate keys: last wins", `{"to":"irc://h/a","privmsg":"one","privmsg":"two"}`, 1, []string{"#a"}, 0, "two", ""},
		{"escapes", `{"to":"irc://h/a","privmsg":"caf\u00e9 \u0003"}`, 1, []string{"#a"}, 0, "café \x03", ""},
		{"raw UTF-8", `{"to":"irc://h/a","privmsg":"café"}`, 1, []string{"#a"}, 0, "café", ""},
		{"whitespace around", "  {\"to\":\"irc://h/a\",\"privmsg\":\"x\"}\r\n", 1, []string{"#a"}, 0, "x", ""},
		{"two objects", `{"to":"irc://h/a","privmsg":"1"}{"to":"irc://h/b","privmsg":"2"}`, 2, []string{"#a", "#b"}, 0, "1", ""},
		{"empty line", ``, 0, nil, 0, "", "can't recognize JSON on input"},
		{"not JSON", `hello`, 0, nil, 0, "", "can't recognize JSON on input"},
		{"truncated JSON", `{"to":"irc://h/a",`, 0, nil, 0, "", "can't recognize JSON on input"},
		{"not an object", `["irc://h/a","hi"]`, 0, nil, 0, "", "request is not a JSON dictionary"},
		{"missing privmsg", `{"to":"irc://h/a"}`, 0, nil, 0, "", "malformed request - 'to' or 'privmsg' missing"},
		{"missing to", `{"privmsg":"hi"}`, 0, nil, 0, "", "malformed request - 'to' or 'privmsg' missing"},
		{"to a number", `{"to":5,"privmsg":"hi"}`, 0, nil, 0, "", "malformed request - unexpected channel type"},
		{"to null", `{"to":null,"privmsg":"hi"}`, 0, nil, 0, "", "malformed request - unexpected channel type"},
		{"privmsg a number", `{"to":"irc://h/a","privmsg":5}`, 0, nil, 0, "", "malformed request - unexpected message type"},
		{"privmsg null", `{"to":"irc://h/a","privmsg":null}`, 0, nil, 0, "", "malformed request - unexpected message type"},
		{"privmsg a list", `{"to":"irc://h/a","privmsg":["a"]}`, 0, nil, 0, "", "malformed request - unexpected message type"},
		{"bad UTF-8", "{\"to\":\"irc://h/a\",\"privmsg\":\"\xff\"}", 0, nil, 0, "", "invalid UTF-8 on input"},
		{"deep nesting", strings.Repeat("[", 20000), 0, nil, 0, "", "can't recognize JSON on input"},
		{"good then garbage", `{"to":"irc://h/a","privmsg":"1"} junk`, 1, []string{"#a"}, 0, "1", "can't recognize JSON on input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reqs, err := parseRequests([]byte(tt.in))
			var names []string
			skipped := 0
			for _, r := range reqs {
				for _, tg := range r.targets {
					names = append(names, tg.Name)
				}
				skipped += len(r.skipped)
			}
			reason := ""
			var re *RequestError
			if errors.As(err, &re) {
				reason = re.Reason
			} else if err != nil {
				reason = err.Error()
			}
			if len(reqs) != tt.reqs || !equal(names, tt.targets) || skipped != tt.skipped || reason != tt.reason {
				t.Fatalf("parseRequests(%.60q) = %d requests, targets %q, %d skipped, error %q; want %d, %q, %d, %q",
					tt.in, len(reqs), names, skipped, reason, tt.reqs, tt.targets, tt.skipped, tt.reason)
			}
			if len(reqs) > 0 && reqs[0].text != tt.text {
				t.Errorf("text = %q, want %q", reqs[0].text, tt.text)
			}
		})
	}
}

func TestSkippedTargetReasons(t *testing.T) {
	reqs, err := parseRequests([]byte(`{"to":[5,"irc://h","irc:///x"],"privmsg":"hi"}`))
	if err != nil || len(reqs) != 1 {
		t.Fatalf("parseRequests = %v, %v", reqs, err)
	}
	var got []string
	for _, e := range reqs[0].skipped {
		var te *TargetError
		if errors.As(e, &te) {
			got = append(got, te.Reason)
		}
	}
	want := []string{"malformed request - URL has unexpected type", "target URL missing a channel", "target URL missing a servername"}
	if !equal(got, want) {
		t.Errorf("skipped reasons = %q, want %q", got, want)
	}
}
