package ircgw

import (
	"strings"
	"unicode/utf8"
)

// maxLine is the longest IRC line a server relays, without the CRLF
// (RFC 1459 §2.3: 512 bytes including CR LF).
const maxLine = 510

// splitText turns a privmsg into the lines to send, in order. Like irkerd,
// every "\n" ends a line (so "\r\n" does too). Unlike irkerd (specs/irkerd.md
// §13.4 and §13.6):
//
//   - a lone "\r" is replaced by a space, so it can neither split the
//     message nor inject a command (servers treat CR as a line end);
//   - NUL bytes, which IRC cannot carry, are removed;
//   - empty lines are skipped instead of being sent as empty PRIVMSGs,
//     which servers refuse with 412.
//
// Every other byte, mIRC colour codes included, passes through unchanged.
// No lines (nil) means the request only joins (irkerd's keep-alive use).
func splitText(s string) []string {
	var out []string
	for seg := range strings.SplitSeq(s, "\n") {
		seg = strings.TrimSuffix(seg, "\r")
		if strings.ContainsAny(seg, "\r\x00") {
			seg = strings.NewReplacer("\r", " ", "\x00", "").Replace(seg)
		}
		if seg != "" {
			out = append(out, seg)
		}
	}
	return out
}

// cutLine splits s so that the first part is at most limit bytes, never
// cutting a UTF-8 sequence: irkerd cuts at 500-len(target) characters,
// which for multi-byte text gives lines the server refuses ("Request too
// long" on ngIRCd, which then drops the connection, specs/irkerd.md §6).
// With wordWrap the cut is made at the last space in the second half of
// the allowed length when there is one, and that space is dropped. rest is
// what did not fit ("" when s fits).
func cutLine(s string, limit int, wordWrap bool) (line, rest string) {
	if len(s) <= limit {
		return s, ""
	}
	cut := max(limit, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if cut == 0 {
		// Not even one character fits: send one anyway, to make progress.
		_, cut = utf8.DecodeRuneInString(s)
	}
	if wordWrap {
		if sp := strings.LastIndexByte(s[:cut+1], ' '); sp >= limit/2 && sp <= cut {
			return s[:sp], s[sp+1:]
		}
	}
	return s[:cut], s[cut:]
}

// lineBudget is how many bytes of text fit in one PRIVMSG to target when
// the server relays it as ":nick!user@host PRIVMSG target :text".
func lineBudget(prefixLen int, target string) int {
	return maxLine - prefixLen - len("PRIVMSG  :") - len(target)
}

// relayPrefixLen is len(":nick!user@host "), the prefix the server adds
// when it relays our line to the channel. When user or host are not known
// yet it assumes the longest usual values (USERLEN 10 with "~", HOSTLEN 63).
func relayPrefixLen(nick, user, host string) int {
	if user == "" {
		user = "~irkerxxxx"
	}
	if host == "" {
		host = strings.Repeat("h", 63)
	}
	return len(":!@ ") + len(nick) + len(user) + len(host)
}
