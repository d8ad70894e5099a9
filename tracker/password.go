package tracker

import (
	"crypto/md5"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Password is a stored password hash in Roundup's "{SCHEME}data" form
// (roundup/password.py). New passwords use PBKDF2S5 (PBKDF2-HMAC-SHA512);
// PBKDF2 (SHA1), SSHA, SHA, MD5 and plaintext hashes from an imported
// Roundup database verify as they are.
type Password string

// DefaultPasswordRounds is Roundup 2.x's password_pbkdf2_default_rounds.
const DefaultPasswordRounds = 250000

// h64 is Roundup's "variant of base64": alphabet with "./" instead of
// "+/", padding stripped.
var h64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./").WithPadding(base64.NoPadding)

// HashPassword hashes plaintext with PBKDF2S5 and the given rounds
// (0 means DefaultPasswordRounds).
func HashPassword(plaintext string, rounds int) (Password, error) {
	if rounds <= 0 {
		rounds = DefaultPasswordRounds
	}
	salt := make([]byte, 20)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("reading random salt: %w", err)
	}
	s, err := pbkdf2Encode("PBKDF2S5", plaintext, salt, rounds)
	if err != nil {
		return "", err
	}
	return Password("{PBKDF2S5}" + s), nil
}

func pbkdf2Encode(scheme, plaintext string, salt []byte, rounds int) (string, error) {
	if rounds < 1000 {
		return "", errors.New("invalid PBKDF2 hash (rounds too low)")
	}
	var key []byte
	var err error
	if scheme == "PBKDF2S5" {
		key, err = pbkdf2.Key(sha512.New, plaintext, salt, rounds, 64)
	} else {
		key, err = pbkdf2.Key(sha1.New, plaintext, salt, rounds, 20)
	}
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return strconv.Itoa(rounds) + "$" + h64.EncodeToString(salt) + "$" + h64.EncodeToString(key), nil
}

// Scheme returns the hash scheme ("PBKDF2S5", "SHA", ...); a value
// without "{...}" is Roundup's legacy unmarked SHA.
func (p Password) Scheme() string {
	s := string(p)
	if strings.HasPrefix(s, "{") {
		if i := strings.IndexByte(s, '}'); i > 0 {
			return s[1:i]
		}
	}
	return "SHA"
}

func (p Password) data() string {
	s := string(p)
	if strings.HasPrefix(s, "{") {
		if i := strings.IndexByte(s, '}'); i > 0 {
			return s[i+1:]
		}
	}
	return s
}

// Verify reports whether plaintext matches the stored hash.
func (p Password) Verify(plaintext string) bool {
	data := p.data()
	var want string
	switch p.Scheme() {
	case "PBKDF2", "PBKDF2S5":
		parts := strings.Split(data, "$")
		if len(parts) != 3 || strings.HasPrefix(parts[0], "0") {
			return false
		}
		rounds, err := strconv.Atoi(parts[0])
		if err != nil {
			return false
		}
		salt, err := h64.DecodeString(strings.TrimRight(parts[1], "="))
		if err != nil {
			return false
		}
		want, err = pbkdf2Encode(p.Scheme(), plaintext, salt, rounds)
		if err != nil {
			return false
		}
	case "SSHA":
		raw, err := base64.StdEncoding.DecodeString(data)
		if err != nil || len(raw) < 20 {
			return false
		}
		salt := raw[20:]
		h := sha1.New()
		h.Write([]byte(plaintext))
		h.Write(salt)
		want = base64.StdEncoding.EncodeToString(append(h.Sum(nil), salt...))
	case "SHA":
		sum := sha1.Sum([]byte(plaintext))
		want = hex.EncodeToString(sum[:])
	case "MD5":
		sum := md5.Sum([]byte(plaintext))
		want = hex.EncodeToString(sum[:])
	case "plaintext":
		want = plaintext
	default:
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(data)) == 1
}

// NeedsUpgrade reports whether the hash should be replaced on the next
// successful login (Roundup's migrate_passwords): anything but PBKDF2S5
// with at least the configured rounds.
func (p Password) NeedsUpgrade(rounds int) bool {
	if p.Scheme() != "PBKDF2S5" {
		return true
	}
	r, err := strconv.Atoi(strings.SplitN(p.data(), "$", 2)[0])
	return err != nil || r < rounds
}

// JournalString is what the journal keeps instead of the hash, as
// Roundup's JournalPassword: "{PBKDF2S5}*encrypted*".
func (p Password) JournalString() string { return "{" + p.Scheme() + "}*encrypted*" }

// GeneratePassword returns a random password of n letters and digits with
// at least one digit (Roundup's generatePassword).
func GeneratePassword(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	if n < 2 {
		n = 12
	}
	b := make([]byte, n)
	rnd := make([]byte, n+1)
	_, _ = rand.Read(rnd)
	for i := range b {
		b[i] = letters[int(rnd[i])%len(letters)]
	}
	b[int(rnd[n])%n] = "0123456789"[int(rnd[0])%10]
	return string(b)
}
