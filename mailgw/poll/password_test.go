package poll

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestReadPassword(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	file := write("pw", "s3cret pass\r\nsecond line\n")
	empty := write("empty", "\n")
	creds := filepath.Join(dir, "creds")
	os.Mkdir(creds, 0o700)
	os.WriteFile(filepath.Join(creds, CredentialName), []byte("from-systemd\n"), 0o600)

	tests := []struct {
		name, file, env, credDir string
		unsetEnv                 bool
		want                     string
		wantErr                  bool
	}{
		{name: "file wins", file: file, env: "from-env", credDir: creds, want: "s3cret pass"},
		{name: "env next", env: "from-env", credDir: creds, want: "from-env"},
		{name: "credential last", unsetEnv: true, credDir: creds, want: "from-systemd"},
		{name: "nothing", unsetEnv: true, wantErr: true},
		{name: "empty file is an error", file: empty, env: "from-env", wantErr: true},
		{name: "missing file is an error", file: filepath.Join(dir, "nope"), env: "from-env", wantErr: true},
		{name: "empty env is an error", env: "", credDir: creds, wantErr: true},
		{name: "credential dir without the file", unsetEnv: true, credDir: dir, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(PasswordEnv, tt.env)
			if tt.unsetEnv {
				os.Unsetenv(PasswordEnv)
			}
			t.Setenv("CREDENTIALS_DIRECTORY", tt.credDir)
			got, err := ReadPassword(tt.file)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ReadPassword(%q) = %q, %v, want %q (error %v)", tt.file, got, err, tt.want, tt.wantErr)
			}
		})
	}
	t.Run("ErrNoPassword", func(t *testing.T) {
		t.Setenv(PasswordEnv, "")
		os.Unsetenv(PasswordEnv)
		t.Setenv("CREDENTIALS_DIRECTORY", "")
		if _, err := ReadPassword(""); !errors.Is(err, ErrNoPassword) {
			t.Errorf("ReadPassword(\"\") error = %v, want ErrNoPassword", err)
		}
	})
}

func TestParseAfter(t *testing.T) {
	tests := []struct {
		in      string
		want    After
		wantErr bool
	}{
		{"", After{Action: AfterSeen}, false},
		{"seen", After{Action: AfterSeen}, false},
		{"SEEN", After{Action: AfterSeen}, false},
		{"delete", After{Action: AfterDelete}, false},
		{"move:Archive/Tracker", After{Action: AfterMove, Mailbox: "Archive/Tracker"}, false},
		{"Move: Done", After{Action: AfterMove, Mailbox: "Done"}, false},
		{"move:", After{}, true},
		{"expunge", After{}, true},
	}
	for _, tt := range tests {
		got, err := ParseAfter(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAfter(%q) = %+v, %v, want %+v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
