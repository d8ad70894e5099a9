package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"sync/atomic"

	"github.com/corral-tracker/corral/config"
)

// certStore holds the listener's certificate ([mailgw] tls_certfile and
// tls_keyfile); reload replaces it for new connections (SIGHUP), so a
// renewed certificate is used without restarting or dropping sessions.
type certStore struct {
	cur atomic.Pointer[tls.Certificate]
}

// load reads the configured pair; ok is false when none is configured.
func (c *certStore) load(cfg *config.Config) (ok bool, err error) {
	certFile, keyFile := cfg.Path("mailgw", "tls_certfile"), cfg.Path("mailgw", "tls_keyfile")
	if certFile == "" && keyFile == "" {
		return false, nil
	}
	if certFile == "" || keyFile == "" {
		return false, fmt.Errorf("config.ini: [mailgw] tls_certfile and tls_keyfile go together")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return false, fmt.Errorf("config.ini: [mailgw] tls_certfile/tls_keyfile: %w", err)
	}
	c.cur.Store(&cert)
	return true, nil
}

// tlsConfig serves the current certificate.
func (c *certStore) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return c.cur.Load(), nil
		},
	}
}

// withCertReload makes a SIGHUP reload re-read the certificate too; a
// broken pair fails the reload and the old certificate stays.
func withCertReload(reload func(context.Context) error, certs *certStore, cfgAt func() (*config.Config, error)) func(context.Context) error {
	return func(ctx context.Context) error {
		if err := reload(ctx); err != nil {
			return err
		}
		cfg, err := cfgAt()
		if err != nil {
			return err
		}
		_, err = certs.load(cfg)
		return err
	}
}
