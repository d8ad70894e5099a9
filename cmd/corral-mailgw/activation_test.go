package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate with the given serial
// number and its key.
func writeCert(t *testing.T, certFile, keyFile string, serial int64) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "tracker.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"tracker.example"}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	// Written to temporary names and renamed, as certbot does, so the
	// daemon never reads half a pair.
	os.WriteFile(certFile+".new", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile+".new", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	os.Rename(keyFile+".new", keyFile)
	os.Rename(certFile+".new", certFile)
}

// serialOverLMTP opens an LMTP session on the socket, starts TLS (by
// hand: go-smtp's client has STARTTLS for SMTP only) and returns the
// serial number of the certificate the daemon presented.
func serialOverLMTP(t *testing.T, sock string) int64 {
	t.Helper()
	conn, err := net.DialTimeout("unix", sock, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	tp := textproto.NewConn(conn)
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	tp.PrintfLine("LHLO mx.example")
	_, ext, err := tp.ReadResponse(250)
	if err != nil {
		t.Fatalf("LHLO: %v", err)
	}
	if !strings.Contains(ext, "STARTTLS") {
		t.Fatalf("no STARTTLS offered with [mailgw] tls_certfile set: %q", ext)
	}
	tp.PrintfLine("STARTTLS")
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	tc := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, ServerName: "tracker.example"})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("TLS handshake: %v", err)
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		t.Fatal("no certificate after STARTTLS")
	}
	return certs[0].SerialNumber.Int64()
}

// TestSocketActivationAndTLSReload runs the LMTP daemon the way
// contrib/systemd's corral-mailgw-lmtp@ units do: systemd holds the Unix
// socket and passes it as fd 3 named "lmtp" (LISTEN_FDS,
// LISTEN_FDNAMES, LISTEN_PID), where a socket file in use would make
// listening on the path fail. STARTTLS uses [mailgw] tls_certfile and
// tls_keyfile, and SIGHUP swaps in a renewed certificate.
func TestSocketActivationAndTLSReload(t *testing.T) {
	bin := binary(t)
	home := copyHome(t)
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeCert(t, certFile, keyFile, 1001)
	setIni(t, filepath.Join(home, "config.ini"), "mailgw", "tls_certfile", certFile)
	setIni(t, filepath.Join(home, "config.ini"), "mailgw", "tls_keyfile", keyFile)

	sock := filepath.Join(dir, "lmtp.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ul := ln.(*net.UnixListener)
	f, err := ul.File()
	if err != nil {
		t.Fatal(err)
	}
	ul.SetUnlinkOnClose(false)
	ln.Close() // the duplicate in f keeps the socket open and bound
	// LISTEN_PID must be the daemon's own pid: sh's $$ survives exec.
	cmd := exec.Command("/bin/sh", "-c", `LISTEN_PID=$$ exec "$0" "$@"`, bin, home, "lmtp", "unix:"+sock)
	cmd.Env = append(os.Environ(), "LISTEN_FDS=1", "LISTEN_FDNAMES=lmtp")
	cmd.ExtraFiles = []*os.File{f}
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()

	if got := serialOverLMTP(t, sock); got != 1001 {
		t.Fatalf("certificate serial %d, want 1001; log:\n%s", got, out.String())
	}
	writeCert(t, certFile, keyFile, 1002)
	cmd.Process.Signal(syscall.SIGHUP)
	waitLog(t, out, "configuration reloaded")
	deadline := time.Now().Add(15 * time.Second)
	for serialOverLMTP(t, sock) != 1002 {
		if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not load the renewed certificate; log:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	terminate(t, cmd, done, out)
}
