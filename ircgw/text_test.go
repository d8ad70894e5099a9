package ircgw

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitText(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"one", []string{"one"}},
		{"one\ntwo", []string{"one", "two"}},
		{"one\r\ntwo\r\n", []string{"one", "two"}},
		{"one\n\n\ntwo", []string{"one", "two"}},
		{"\n", nil},
		{"x\rPRIVMSG #other :y", []string{"x PRIVMSG #other :y"}},
		{"a\r\r\nb", []string{"a ", "b"}},
		{"nul\x00byte", []string{"nulbyte"}},
		{"\x0303green\x0f \x02bold\x02 \x1funder", []string{"\x0303green\x0f \x02bold\x02 \x1funder"}},
		{"  spaced  ", []string{"  spaced  "}},
	}
	for _, tt := range tests {
		if got := splitText(tt.in); !equal(got, tt.want) {
			t.Errorf("splitText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCutLine(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		limit      int
		wrap       bool
		line, rest string
	}{
		{"fits", "hello", 5, false, "hello", ""},
		{"ascii", "hello world", 5, false, "hello", " world"},
		{"two-byte boundary", "ééé", 3, false, "é", "éé"},
		{"two-byte exact", "ééé", 4, false, "éé", "é"},
		{"four-byte", "😀😀", 5, false, "😀", "😀"},
		{"tiny limit makes progress", "😀😀", 1, false, "😀", "😀"},
		{"wrap at space", "hello big world", 12, true, "hello big", "world"},
		{"wrap space at limit", "hello world", 5, true, "hello", "world"},
		{"wrap no space", "abcdefghij", 4, true, "abcd", "efghij"},
		{"wrap space too early", "a bcdefghij", 8, true, "a bcdefg", "hij"},
	}
	for _, tt := range tests {
		line, rest := cutLine(tt.in, tt.limit, tt.wrap)
		if line != tt.line || rest != tt.rest {
			t.Errorf("%s: cutLine(%q, %d, %v) = %q, %q, want %q, %q", tt.name, tt.in, tt.limit, tt.wrap, line, rest, tt.line, tt.rest)
		}
	}
}

// TestCutLineNeverSplitsRunes cuts mixed-width text at every limit.
func TestCutLineNeverSplitsRunes(t *testing.T) {
	s := strings.Repeat("aé€😀", 50)
	for limit := 4; limit < len(s); limit++ {
		line, rest := cutLine(s, limit, false)
		if len(line) > limit || !utf8.ValidString(line) || !utf8.ValidString(rest) || line+rest != s {
			t.Fatalf("cutLine(s, %d) = %d bytes (valid %v), rest valid %v, want ≤ %d valid bytes that rejoin",
				limit, len(line), utf8.ValidString(line), utf8.ValidString(rest), limit)
		}
	}
}

func TestLineBudget(t *testing.T) {
	// ":irker501!~irker@127.0.0.1 PRIVMSG #edge :" + text must be 510.
	p := relayPrefixLen("irker501", "~irker", "127.0.0.1")
	if got, want := p, len(":irker501!~irker@127.0.0.1 "); got != want {
		t.Errorf("relayPrefixLen = %d, want %d", got, want)
	}
	if got, want := lineBudget(p, "#edge"), 510-len(":irker501!~irker@127.0.0.1 PRIVMSG #edge :"); got != want {
		t.Errorf("lineBudget = %d, want %d", got, want)
	}
	if got := relayPrefixLen("n", "", ""); got != len(":n!@ ")+10+63 {
		t.Errorf("relayPrefixLen(unknown user/host) = %d, want worst case %d", got, len(":n!@ ")+10+63)
	}
}
