package mailgw

import (
	"testing"
)

func TestDecodeHeader(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"=?utf-8?q?caf=C3=A9?=", "café"},
		{"=?iso-8859-1?q?[issue]_Stra=DFe_kaputt?=", "[issue] Straße kaputt"},
		{"=?utf-8?b?w6k=?= =?utf-8?b?w6k=?=", "éé"},
		{"a =?utf-8?q?b?= c", "a b c"},
		{"(=?utf-8?b?w6k=?=)", "(é)"},
		{"=?utf-8?b?ww==?= =?utf-8?b?qQ==?=", "é"},               // a character split over two words
		{"=?x-unknown?q?abc?= rest", "=?x-unknown?q?abc?= rest"}, // kept
		{"=?UTF-8*en?Q?hi?=", "hi"},
		{"Gr\xfc\xdfe", "Grüße"}, // Latin-1 without label
		{"Grüße", "Grüße"},       // raw UTF-8
		{"=?windows-1252?q?=80?=", "€"},
		{"=?koi8-r?b?8NLJ18XU?=", "Привет"},
	} {
		if got := DecodeHeader(c.in); got != c.want {
			t.Errorf("DecodeHeader(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseHeader(t *testing.T) {
	raw := "From alice@example.com Mon Jan  1 00:00:00 2024\nSubject: a\n b\n\tc\nX-Empty:\nto : bob@x\nnot a header line\nBody: no\n"
	h, off := parseHeader([]byte(raw))
	if got := h.Get("subject"); got != "a b\tc" {
		t.Errorf("Subject = %q, want unfolded %q", got, "a b\tc")
	}
	if !h.Has("x-empty") || h.Get("X-Empty") != "" {
		t.Errorf("X-Empty = %q, %v", h.Get("x-empty"), h.Has("x-empty"))
	}
	if h.Get("to") != "bob@x" {
		t.Errorf("To = %q", h.Get("to"))
	}
	if rest := raw[off:]; rest != "not a header line\nBody: no\n" {
		t.Errorf("body = %q, want the lines after the first non-header", rest)
	}
}

func TestAddresses(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Address
	}{
		{"Alice <alice@example.com>", []Address{{"Alice", "alice@example.com"}}},
		{`"Liddell, Alice" <alice@example.com>, bob@example.com`, []Address{{"Liddell, Alice", "alice@example.com"}, {"", "bob@example.com"}}},
		{"bob@example.com (Bob Smith)", []Address{{"Bob Smith", "bob@example.com"}}},
		{"<carol@example.com>", []Address{{"", "carol@example.com"}}},
		{"=?utf-8?q?J=C3=BCrgen?= <juergen@example.de>", []Address{{"Jürgen", "juergen@example.de"}}},
		{"undisclosed-recipients:;", nil},
		{"team: a@x, b@x;", []Address{{"", "a@x"}, {"", "b@x"}}},
		{"localuser", []Address{{"", "localuser"}}},
		{"Broken <no-close@example.com", []Address{{"Broken", "no-close@example.com"}}},
		{"", nil},
	} {
		got := ParseAddressList(c.in)
		if len(got) != len(c.want) {
			t.Errorf("ParseAddressList(%q) = %q, want %q", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("ParseAddressList(%q)[%d] = %q, want %q", c.in, i, got[i], c.want[i])
			}
		}
	}
}
