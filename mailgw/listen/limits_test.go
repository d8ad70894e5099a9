package listen

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/time/rate"
)

// TestSizeLimit: SIZE is advertised; a declared size over the limit is
// refused at MAIL and an undeclared one at DATA (552 5.3.4), without the
// handler.
func TestSizeLimit(t *testing.T) {
	h := newTestHandler()
	s, addr := startServer(t, h, Options{MaxMessageBytes: 1000}, "127.0.0.1:0")
	c := dial(t, addr, false)
	if ok, size := c.Extension("SIZE"); !ok || size != "1000" {
		t.Errorf("SIZE extension = %v %q, want 1000", ok, size)
	}
	big := testMessage(1) + strings.Repeat("0123456789\r\n", 200)
	if code, enh := replyCode(c.Mail("alice@example.org", &smtp.MailOptions{Size: 5000})); code != 552 || enh != "5.3.4" {
		t.Errorf("MAIL SIZE=5000 = %d %s, want 552 5.3.4", code, enh)
	}
	c.Reset()
	err := send(c, "alice@example.org", []string{"tracker@example.org"}, big)
	if code, enh := replyCode(err); code != 552 || enh != "5.3.4" {
		t.Errorf("DATA of %d bytes = %v, want 552 5.3.4", len(big), err)
	}
	if err := send(c, "alice@example.org", []string{"tracker@example.org"}, testMessage(2)); err != nil {
		t.Errorf("a small message after the big one = %v, want 250", err)
	}
	if got := h.received(); len(got) != 1 {
		t.Errorf("handler got %d messages, want only the small one", len(got))
	}
	if st := s.Stats(); st.TooLarge != 1 {
		t.Errorf("Stats().TooLarge = %d, want 1", st.TooLarge)
	}
}

// TestSenderRate: past its burst a sender gets 451 4.7.1 at MAIL (any
// letter case); other senders are not affected.
func TestSenderRate(t *testing.T) {
	h := newTestHandler()
	s, addr := startServer(t, h, Options{SenderRate: rate.Every(time.Hour), SenderBurst: 2}, "127.0.0.1:0")
	c := dial(t, addr, false)
	for i, from := range []string{"alice@example.org", "Alice@Example.org"} {
		if err := send(c, from, []string{"tracker@example.org"}, testMessage(i)); err != nil {
			t.Fatalf("message %d = %v, want 250", i, err)
		}
	}
	err := c.Mail("ALICE@example.org", nil)
	if code, enh := replyCode(err); code != 451 || enh != "4.7.1" {
		t.Errorf("third MAIL = %v, want 451 4.7.1", err)
	}
	c.Reset()
	if err := send(c, "bob@example.org", []string{"tracker@example.org"}, testMessage(3)); err != nil {
		t.Errorf("another sender = %v, want 250", err)
	}
	if st := s.Stats(); st.RateLimited != 1 {
		t.Errorf("Stats().RateLimited = %d, want 1", st.RateLimited)
	}

	_, addr = startServer(t, h, Options{SenderRate: -1, SenderBurst: 1}, "127.0.0.1:0")
	c = dial(t, addr, false)
	for i := range 5 {
		if err := send(c, "alice@example.org", []string{"tracker@example.org"}, testMessage(i)); err != nil {
			t.Fatalf("unlimited: message %d = %v", i, err)
		}
	}
}

// serverTLS returns a server configuration with a fresh self-signed
// certificate and a client configuration trusting it.
func serverTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"tracker.test"},
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool, ServerName: "tracker.test"}
}

// TestSTARTTLSAndAuth: STARTTLS is offered with a certificate; AUTH is
// never advertised or accepted in plaintext, is offered after STARTTLS
// when an Authenticator is set, and RequireAuth refuses MAIL before it.
func TestSTARTTLSAndAuth(t *testing.T) {
	srvTLS, cliTLS := serverTLS(t)
	auth := func(ctx context.Context, user, pass string) error {
		if user == "relay" && pass == "s3cret" {
			return nil
		}
		return errors.New("bad password")
	}
	h := newTestHandler()
	s, addr := startServer(t, h, Options{TLSConfig: srvTLS, Auth: auth, RequireAuth: true}, "127.0.0.1:0")

	plain := dial(t, addr, false)
	if ok, _ := plain.Extension("STARTTLS"); !ok {
		t.Errorf("STARTTLS not offered with a certificate")
	}
	if ok, _ := plain.Extension("AUTH"); ok {
		t.Errorf("AUTH offered in plaintext")
	}
	if err := plain.Auth(sasl.NewPlainClient("", "relay", "s3cret")); err == nil {
		t.Errorf("AUTH in plaintext = nil, want a refusal")
	}
	if code, enh := replyCode(plain.Mail("alice@example.org", nil)); code != 530 || enh != "5.7.0" {
		t.Errorf("MAIL before AUTH = %d %s, want 530 5.7.0", code, enh)
	}

	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClientStartTLS(conn, cliTLS)
	if err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	defer c.Close()
	if ok, mechs := c.Extension("AUTH"); !ok || mechs != "PLAIN" {
		t.Errorf("AUTH after STARTTLS = %v %q, want PLAIN", ok, mechs)
	}
	if code, _ := replyCode(c.Auth(sasl.NewPlainClient("", "relay", "wrong"))); code != 535 {
		t.Errorf("AUTH with a wrong password = %d, want 535", code)
	}
	if err := c.Auth(sasl.NewPlainClient("", "relay", "s3cret")); err != nil {
		t.Fatalf("AUTH = %v", err)
	}
	if err := send(c, "alice@example.org", []string{"tracker@example.org"}, testMessage(1)); err != nil {
		t.Errorf("send after AUTH = %v, want 250", err)
	}
	if st := s.Stats(); st.AuthFailures != 1 || st.Accepted != 1 {
		t.Errorf("Stats() = %+v, want 1 auth failure, 1 accepted", st)
	}

	// Without an Authenticator, no AUTH even over TLS: anyone may deliver
	// to the tracker's addresses, as to an MX.
	_, addr = startServer(t, h, Options{TLSConfig: srvTLS}, "127.0.0.1:0")
	conn, err = net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c2, err := smtp.NewClientStartTLS(conn, cliTLS)
	if err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	defer c2.Close()
	if ok, _ := c2.Extension("AUTH"); ok {
		t.Errorf("AUTH offered without an Authenticator")
	}
	if err := send(c2, "alice@example.org", []string{"tracker@example.org"}, testMessage(2)); err != nil {
		t.Errorf("send over TLS = %v, want 250", err)
	}
}

func TestReplyText(t *testing.T) {
	long := strings.Repeat("word ", 200)
	tests := []struct {
		name, text string
		check      func(string) bool
	}{
		{"empty gives the default", "\n \n", func(s string) bool { return s == "default" }},
		{"control characters dropped", "a\rb\x00c\td", func(s string) bool { return s == "abc d" }},
		{"blank inner lines kept as dots", "a\n\nb", func(s string) bool { return s == "a\n.\nb" }},
		{"long lines wrapped at spaces", long, func(s string) bool {
			for _, l := range strings.Split(s, "\n") {
				if len(l) > maxReplyLine || strings.HasPrefix(l, " ") {
					return false
				}
			}
			return strings.Count(s, "\n") == 2
		}},
		{"many lines cut", strings.Repeat("x\n", 50), func(s string) bool {
			return strings.Count(s, "\n") == maxReplyLines-1 && strings.HasSuffix(s, "...")
		}},
	}
	for _, tt := range tests {
		if got := replyText(tt.text, "default"); !tt.check(got) {
			t.Errorf("%s: replyText(%q) = %q", tt.name, tt.text, got)
		}
	}
	e := reply(550, smtp.EnhancedCode{5, 7, 1}, "one\ntwo\nthree", "", false)
	if e.Message != "5.7.1 one\n5.7.1 two\nthree" {
		t.Errorf("multi-line reply = %q, want the enhanced code on every line but the last", e.Message)
	}
	e = reply(550, smtp.EnhancedCode{5, 1, 1}, "5.1.1 <x@y>: no such mailbox", "", true)
	if e.Message != "<x@y>: no such mailbox" {
		t.Errorf("reply with its own enhanced code = %q, want it once", e.Message)
	}
	e = reply(550, smtp.EnhancedCode{5, 7, 1}, "one\ntwo", "", true)
	if e.Message != "one two" {
		t.Errorf("one-line reply = %q, want %q", e.Message, "one two")
	}
}
