package notify

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"

	"github.com/corral-tracker/corral/tracker"
)

func parseKey(pemBytes []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
		return nil, errors.New("key cannot sign")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, errors.New("not a PKCS#8 or PKCS#1 private key")
}

// UnsubscribeToken signs "remove user from the nosy list of designator"
// with the tracker's [web] secret_key: USERID.MAC, MAC = the first 16
// bytes of HMAC-SHA256(key, "corral-unsubscribe\x00" designator "\x00"
// userid), base64url. The web's one-click endpoint (RFC 8058) checks it
// with VerifyUnsubscribe; the token names one issue and one user, so it
// can do nothing else.
func UnsubscribeToken(secret, designator, userID string) string {
	return userID + "." + base64.RawURLEncoding.EncodeToString(unsubscribeMAC(secret, designator, userID))
}

func unsubscribeMAC(secret, designator, userID string) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte("corral-unsubscribe\x00" + designator + "\x00" + userID))
	return h.Sum(nil)[:16]
}

// VerifyUnsubscribe checks a token for designator and returns the user
// id it names.
func VerifyUnsubscribe(secret, designator, token string) (string, bool) {
	uid, mac, ok := strings.Cut(token, ".")
	if !ok || !tracker.ValidID(uid) || secret == "" {
		return "", false
	}
	got, err := base64.RawURLEncoding.DecodeString(mac)
	if err != nil {
		return "", false
	}
	return uid, hmac.Equal(got, unsubscribeMAC(secret, designator, uid))
}
