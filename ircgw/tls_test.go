package ircgw

import (
	"crypto/tls"
	"os"
	"testing"
	"time"

	"github.com/corral-tracker/corral/ircgw/ircdtest"
)

func tlsServer(t *testing.T, cfg ircdtest.Config, clientAuth tls.ClientAuthType) (*ircdtest.Server, *ircdtest.CA) {
	ca := ircdtest.NewCA(t)
	cert, _ := ca.Issue(t, "server")
	srv := ircdtest.NewTLSServer(t, cfg, &tls.Config{
		Certificates: []tls.Certificate{cert},
		ClientAuth:   clientAuth,
		ClientCAs:    ca.Pool(),
	})
	return srv, ca
}

// TestTLSVerified: ircs:// is TLS from the first byte, verified against
// -c (irkerd's CA file).
func TestTLSVerified(t *testing.T) {
	srv, ca := tlsServer(t, ircdtest.Config{}, tls.NoClientCert)
	opts := fastOptions()
	opts.CAFile = ca.File(t)
	r, _ := newRelay(t, opts)
	submit(r, `{"to":"ircs://%s/secure","privmsg":"over TLS"}`, srv.Addr)
	if got := srv.WaitTexts(t, "#secure", 1, wait); !equal(got, []string{"over TLS"}) {
		t.Errorf("texts = %q", got)
	}
}

// TestTLSUnverified: a certificate the relay cannot verify is refused; the
// line stays queued (irkerd drops it) and is retried.
func TestTLSUnverified(t *testing.T) {
	srv, _ := tlsServer(t, ircdtest.Config{}, tls.NoClientCert)
	r, logs := newRelay(t, fastOptions()) // system roots only
	submit(r, `{"to":"ircs://%s/secure","privmsg":"never"}`, srv.Addr)
	logs.waitFor(t, "TLS handshake with")
	logs.waitFor(t, "certificate signed by unknown authority")
	if st := r.Stats(); st.QueueDepth != 1 || st.LinesDelivered != 0 {
		t.Errorf("stats = %+v, want the line queued, nothing delivered", st)
	}
	if got := srv.Texts("#secure"); len(got) != 0 {
		t.Errorf("texts = %q, want none", got)
	}
	stopNow(r)
}

// TestCertFPAndSASLExternal: -e presents a client certificate, and SASL
// EXTERNAL logs in with it.
func TestCertFPAndSASLExternal(t *testing.T) {
	srv, ca := tlsServer(t, ircdtest.Config{SASL: map[string]string{}}, tls.RequireAndVerifyClientCert)
	_, clientPEM := ca.Issue(t, "relay")
	opts := fastOptions()
	opts.CAFile = ca.File(t)
	opts.CertFile = clientPEM
	opts.SASL = &SASL{Mechanism: "EXTERNAL"}
	r, _ := newRelay(t, opts)
	submit(r, `{"to":"ircs://%s/certfp","privmsg":"signed"}`, srv.Addr)
	srv.WaitTexts(t, "#certfp", 1, wait)
	if cl := srv.Clients(); len(cl) != 1 || cl[0].Account != "certfp" {
		t.Errorf("clients = %+v, want logged in by certificate", cl)
	}
}

// TestSASLPlain logs in with SASL PLAIN; a wrong password or a server
// without SASL never gets a line sent unauthenticated.
func TestSASLPlain(t *testing.T) {
	tests := []struct {
		name    string
		users   map[string]string
		pass    string
		ok      bool
		failLog string
	}{
		{"good", map[string]string{"relay": "pw"}, "pw", true, ""},
		{"wrong password", map[string]string{"relay": "pw"}, "nope", false, "SASL authentication failed"},
		{"no SASL on server", nil, "pw", false, "server did not complete SASL authentication"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := ircdtest.NewServer(t, ircdtest.Config{SASL: tt.users})
			opts := fastOptions()
			opts.SASL = &SASL{Mechanism: "PLAIN", User: "relay", Password: tt.pass}
			r, logs := newRelay(t, opts)
			submit(r, `{"to":%q,"privmsg":"hello"}`, url(srv, "sasl"))
			if !tt.ok {
				logs.waitFor(t, tt.failLog)
				time.Sleep(100 * time.Millisecond)
				if got := srv.Texts("#sasl"); len(got) != 0 {
					t.Errorf("texts = %q, want none without SASL", got)
				}
				stopNow(r)
				return
			}
			srv.WaitTexts(t, "#sasl", 1, wait)
			if cl := srv.Clients(); len(cl) != 1 || cl[0].Account != "relay" {
				t.Errorf("clients = %+v, want account relay", cl)
			}
		})
	}
}

// TestReloadTLS: Reload picks up a new CA file for new connections.
func TestReloadTLS(t *testing.T) {
	srv, ca := tlsServer(t, ircdtest.Config{}, tls.NoClientCert)
	opts := fastOptions()
	opts.CAFile = t.TempDir() + "/ca.pem"
	if _, err := New(opts, nil); err == nil {
		t.Fatalf("New with a missing CA file succeeded, want an error")
	}
	opts.CAFile = ircdtest.NewCA(t).File(t) // the wrong CA
	r, logs := newRelay(t, opts)
	submit(r, `{"to":"ircs://%s/reload","privmsg":"after reload"}`, srv.Addr)
	logs.waitFor(t, "certificate signed by unknown authority")
	right, err := os.ReadFile(ca.File(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(opts.CAFile, right, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := r.Reload(""); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if got := srv.WaitTexts(t, "#reload", 1, wait); len(got) != 1 {
		t.Errorf("texts = %q", got)
	}
}
