package poll

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PasswordEnv is the environment variable ReadPassword consults.
const PasswordEnv = "CORRAL_MAIL_PASSWORD"

// CredentialName is the systemd credential ReadPassword reads from
// $CREDENTIALS_DIRECTORY (LoadCredential=mail-password:/path in the unit,
// systemd.exec(5) "Credentials").
const CredentialName = "mail-password"

// ErrNoPassword is returned by ReadPassword when no source holds a
// password.
var ErrNoPassword = errors.New("no mailbox password: set [mailgw] password_file, $" + PasswordEnv + " or the systemd credential " + CredentialName)

// ReadPassword returns the IMAP/POP3 mailbox password from, in this order,
// passwordFile ([mailgw] password_file; first line, without its line
// ending), the environment variable CORRAL_MAIL_PASSWORD, or the systemd
// credential $CREDENTIALS_DIRECTORY/mail-password (DESIGN §2.1: never the
// command line, where ps(1) shows it). A source that is configured but
// unreadable or empty is an error rather than a reason to try the next.
func ReadPassword(passwordFile string) (string, error) {
	if passwordFile != "" {
		return firstLine(passwordFile)
	}
	if pw, ok := os.LookupEnv(PasswordEnv); ok {
		if pw == "" {
			return "", fmt.Errorf("reading mailbox password: $%s is empty", PasswordEnv)
		}
		return pw, nil
	}
	if dir := os.Getenv("CREDENTIALS_DIRECTORY"); dir != "" {
		path := filepath.Join(dir, CredentialName)
		if _, err := os.Stat(path); err == nil {
			return firstLine(path)
		}
	}
	return "", ErrNoPassword
}

// firstLine reads the first line of path, as Roundup's password files and
// systemd credentials hold a password (a trailing newline is not part of
// it; other white space is).
func firstLine(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading mailbox password: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", fmt.Errorf("reading mailbox password: %s: first line is empty", path)
	}
	return line, nil
}
