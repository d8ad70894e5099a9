package tracker

import "testing"

func TestAddressIn(t *testing.T) {
	u := &Item{Values: Values{"address": "Bob@Example.com", "alternate_addresses": "bob@old.example\n  b@work.example  \n"}}
	for _, c := range []struct {
		prop, addr, line string
		ok               bool
	}{
		{"address", "bob@example.COM", "Bob@Example.com", true},
		{"address", " bob@example.com ", "Bob@Example.com", true},
		{"address", "bob@old.example", "", false},
		{"alternate_addresses", "B@WORK.example", "b@work.example", true},
		{"alternate_addresses", "work.example", "", false}, // a whole line, not a substring
		{"alternate_addresses", "", "", false},
	} {
		if line, ok := u.AddressIn(c.prop, c.addr); line != c.line || ok != c.ok {
			t.Errorf("AddressIn(%s, %q) = %q, %v; want %q, %v", c.prop, c.addr, line, ok, c.line, c.ok)
		}
	}
	if !u.OwnsAddress("BOB@old.example") || u.OwnsAddress("alice@example.com") {
		t.Error("OwnsAddress: wrong answer for an alternate address or a stranger's")
	}
}
