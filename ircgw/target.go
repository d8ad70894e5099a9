package ircgw

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/lrstanley/girc"
)

// Default IRC ports used when a URL names none, as irkerd does: 6697 for
// ircs:// (TLS from the first byte), 6667 for every other scheme.
const (
	DefaultPort    = 6667
	DefaultTLSPort = 6697
)

// Target is one destination of an irker request, parsed from an IRC URL by
// irkerd 2.23's rules (specs/irkerd.md §5).
type Target struct {
	// URL is the URL as given.
	URL string
	// TLS is true for the ircs scheme; any other scheme is plaintext,
	// as in irkerd.
	TLS bool
	// Host is the lower-cased server name (an IPv6 literal without
	// brackets).
	Host string
	// Port is the URL's port, or 6667/6697 when absent or 0.
	Port int
	// User is the user name of user:pass@ (sent in USER); empty means
	// "irker".
	User string
	// Password is the server password of user:pass@ (sent as PASS).
	Password string
	// Name is the channel (with its #, & or + prefix) or, for ,isnick
	// URLs, the nick to message.
	Name string
	// IsNick is true for irc://host/name,isnick targets: a private
	// message, no JOIN.
	IsNick bool
	// Key is the channel key from ?key=secret or ?secret.
	Key string
}

// TargetError reports a target URL that cannot be used; the rest of the
// request is still delivered (irkerd logs and skips such targets).
type TargetError struct {
	URL    string
	Reason string
}

// Error returns the reason and the URL, as irkerd logs them.
func (e *TargetError) Error() string {
	return fmt.Sprintf("%s: %q", e.Reason, e.URL)
}

// ParseTarget parses an irker target URL the way irkerd's Target class
// does with Python's urllib.parse.urlparse:
//
//   - ircs:// means TLS and port 6697, anything else plaintext and 6667;
//   - the host is lower-cased; user:pass@ gives USER and PASS;
//   - the channel is the path without leading slashes, lower-cased, plus
//     "#" + fragment as written (so irc://h/#Chan keeps its case);
//   - a trailing ",isnick" makes it a nick; otherwise "#" is prepended
//     unless it starts with #, & or +;
//   - the key is the query with a leading "key=" removed.
//
// Where irkerd sends whatever results, ParseTarget also refuses names and
// keys that would change the IRC command (spaces, commas, control
// characters) and a bad port, which irkerd misreports as bad JSON and which
// drops its whole request.
func ParseTarget(rawURL string) (Target, error) {
	bad := func(reason string) (Target, error) {
		return Target{}, &TargetError{URL: rawURL, Reason: reason}
	}
	u, err := urlparse(rawURL)
	if err != nil {
		return bad("target URL is malformed (" + err.Error() + ")")
	}
	t := Target{URL: rawURL, TLS: u.scheme == "ircs"}
	hostinfo := u.netloc
	if i := strings.LastIndexByte(hostinfo, '@'); i >= 0 {
		userinfo := hostinfo[:i]
		hostinfo = hostinfo[i+1:]
		t.User, t.Password, _ = strings.Cut(userinfo, ":")
	}
	host, portText := splitHostinfo(hostinfo)
	t.Host = host
	t.Port = DefaultPort
	if t.TLS {
		t.Port = DefaultTLSPort
	}
	if portText != "" {
		if !isASCIIDigits(portText) {
			return bad("target URL has a bad port")
		}
		p, err := strconv.Atoi(portText)
		if err != nil || p > 65535 {
			return bad("target URL has a bad port")
		}
		if p != 0 { // irkerd: parsed.port or default
			t.Port = p
		}
	}

	name := strings.ToLower(strings.TrimLeft(u.path, "/"))
	if u.fragment != "" {
		name += "#" + u.fragment
	}
	if n, ok := strings.CutSuffix(name, ",isnick"); ok {
		name, t.IsNick = n, true
	}
	if name != "" && !t.IsNick && !strings.ContainsRune("#&+", rune(name[0])) {
		name = "#" + name
	}
	t.Name = name
	t.Key = strings.TrimPrefix(u.query, "key=")

	if t.Host == "" {
		return bad("target URL missing a servername")
	}
	if t.Name == "" {
		return bad("target URL missing a channel")
	}
	if !safeParam(t.Name) || strings.HasPrefix(t.Name, ":") {
		return bad("target URL has an invalid channel or nick name")
	}
	if !safeParam(t.Key) {
		return bad("target URL has an invalid channel key")
	}
	if strings.ContainsAny(t.Host, " ,/\x00\r\n") {
		return bad("target URL has an invalid servername")
	}
	if t.User != "" && !girc.IsValidUser(t.User) {
		return bad("target URL has an invalid user name")
	}
	if strings.ContainsAny(t.Password, " \x00\r\n") {
		return bad("target URL has an invalid password")
	}
	return t, nil
}

// safeParam reports whether s can be sent as a middle parameter of an IRC
// command without changing its meaning: no space, comma, BEL, or control
// characters (RFC 2812 §1.3 channel names; §2.3.1 middle parameters).
func safeParam(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == ',' || c == 0x7f {
			return false
		}
	}
	return true
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// splitHostinfo splits the host[:port] part of a netloc like Python's
// SplitResult._hostinfo and .hostname: brackets enclose IPv6 literals, the
// host is lower-cased except for an IPv6 zone after "%".
func splitHostinfo(hostinfo string) (host, port string) {
	if _, bracketed, ok := strings.Cut(hostinfo, "["); ok {
		host, rest, _ := strings.Cut(bracketed, "]")
		_, port, _ = strings.Cut(rest, ":")
		return lowerHost(host), port
	}
	host, port, _ = strings.Cut(hostinfo, ":")
	return lowerHost(host), port
}

func lowerHost(h string) string {
	name, zone, ok := strings.Cut(h, "%")
	if ok {
		return strings.ToLower(name) + "%" + zone
	}
	return strings.ToLower(h)
}

// pyURL holds the six parts of Python's urlparse result.
type pyURL struct {
	scheme, netloc, path, params, query, fragment string
}

// usesParams lists the schemes for which urlparse splits ";params" off the
// last path segment (urllib.parse.uses_params); irc and ircs are not among
// them.
var usesParams = map[string]bool{
	"": true, "ftp": true, "hdl": true, "prospero": true, "http": true,
	"imap": true, "https": true, "shttp": true, "rtsp": true, "rtspu": true,
	"sip": true, "sips": true, "mms": true, "sftp": true, "tel": true,
}

// urlparse is Python 3.11's urllib.parse.urlparse, which irkerd uses: it
// never percent-decodes, and only fails on unbalanced or invalid IPv6
// brackets.
func urlparse(s string) (pyURL, error) {
	var u pyURL
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"+
		"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	s = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
	if i := strings.IndexByte(s, ':'); i > 0 && isASCIILetter(s[0]) {
		ok := true
		for j := 0; j < i; j++ {
			if c := s[j]; !isASCIILetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
				ok = false
				break
			}
		}
		if ok {
			u.scheme, s = strings.ToLower(s[:i]), s[i+1:]
		}
	}
	if strings.HasPrefix(s, "//") {
		end := len(s)
		if i := strings.IndexAny(s[2:], "/?#"); i >= 0 {
			end = i + 2
		}
		u.netloc, s = s[2:end], s[end:]
		open, closed := strings.Contains(u.netloc, "["), strings.Contains(u.netloc, "]")
		if open != closed {
			return u, errors.New("invalid IPv6 URL")
		}
		if open {
			_, b, _ := strings.Cut(u.netloc, "[")
			b, _, _ = strings.Cut(b, "]")
			if a, err := netip.ParseAddr(b); err != nil || !a.Is6() {
				return u, errors.New("invalid IPv6 address")
			}
		}
	}
	s, u.fragment, _ = strings.Cut(s, "#")
	s, u.query, _ = strings.Cut(s, "?")
	if usesParams[u.scheme] && strings.Contains(s, ";") {
		i := strings.IndexByte(s[max(strings.LastIndexByte(s, '/'), 0):], ';')
		if i >= 0 {
			i += max(strings.LastIndexByte(s, '/'), 0)
			s, u.params = s[:i], s[i+1:]
		}
	}
	u.path = s
	return u, nil
}

func isASCIILetter(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// serverKey identifies the connections a target may share. irkerd keys
// dispatchers by (host, port) only, so the first URL fixes TLS and
// credentials for everyone (specs/irkerd.md §13.11); the key here also
// holds the scheme and the credentials.
type serverKey struct {
	tls      bool
	host     string
	port     int
	user     string
	password string
}

func (t Target) serverKey() serverKey {
	return serverKey{tls: t.TLS, host: t.Host, port: t.Port, user: t.User, password: t.Password}
}

// String returns host:port with the scheme, for logs (never the password).
func (k serverKey) String() string {
	scheme := "irc"
	if k.tls {
		scheme = "ircs"
	}
	hp := k.host + ":" + strconv.Itoa(k.port)
	if strings.Contains(k.host, ":") {
		hp = "[" + k.host + "]:" + strconv.Itoa(k.port)
	}
	return scheme + "://" + hp
}
