package trackerhome

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWebConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pd")
	settings := map[string]string{
		"tracker_web": "https://bugs.example.org/", "tracker_email": "tracker", "mail_domain": "example.org",
		"web_secret_key": "s3cret", "web_http_auth": "no", "web_debug": "yes", "web_allow_html_file": "yes",
		"web_samesite_cookie_setting": "Strict", "web_login_attempts_min": "7", "web_registration_delay": "2",
		"new_web_user_roles": "User, Developer", "instant_registration": "yes", "timezone": "Europe/Warsaw",
		"web_enable_rest": "no", "web_api_calls_per_interval": "120", "web_api_interval_in_sec": "60",
		"web_api_failed_login_limit": "0", "web_api_failed_login_interval_in_sec": "30",
		"web_allowed_api_origins": "https://a.example.org, https://b.example.org",
	}
	if err := Install(dir, "python-dev", "sqlite", settings); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := LoadConfig(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	h := &Home{Dir: dir, Config: cfg}
	wc := h.WebConfig("python-dev")
	checks := []struct {
		name      string
		got, want any
	}{
		{"Name", wc.Name, "python-dev"},
		{"TrackerName", wc.TrackerName, "Python tracker"},
		{"Web", wc.Web, "https://bugs.example.org/"},
		{"Email", wc.Email, "tracker@example.org"},
		{"SecretKey", wc.SecretKey, "s3cret"},
		{"HTTPAuth", wc.HTTPAuth, false},
		{"Debug", wc.Debug, true},
		{"AllowHTMLFile", wc.AllowHTMLFile, true},
		{"SameSite", wc.SameSite, "Strict"},
		{"LoginAttemptsPerMin", wc.LoginAttemptsPerMin, 7},
		{"RegistrationDelay", wc.RegistrationDelay, 2 * time.Second},
		{"NewWebUserRoles", wc.NewWebUserRoles, "User,Developer"},
		{"InstantRegistration", wc.InstantRegistration, true},
		{"Timezone", wc.Timezone, "Europe/Warsaw"},
		{"HTML", wc.HTML == nil, true},
		{"API.Disabled", wc.API.Disabled, true},
		{"API.CallsPerInterval", wc.API.CallsPerInterval, 120},
		{"API.Interval", wc.API.Interval, time.Minute},
		{"API.FailedLoginLimit", wc.API.FailedLoginLimit, -1}, // Roundup's 0: no limit
		{"API.FailedLoginInterval", wc.API.FailedLoginInterval, 30 * time.Second},
		{"API.AllowedOrigins", strings.Join(wc.API.AllowedOrigins, " "), "https://a.example.org https://b.example.org"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("WebConfig().%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	// HOME/html overrides the embedded templates when it exists.
	os.MkdirAll(filepath.Join(dir, "html"), 0o755)
	os.WriteFile(filepath.Join(dir, "html", "page.html"), []byte("x"), 0o644)
	wc = h.WebConfig("")
	if wc.HTML == nil {
		t.Fatal("WebConfig().HTML = nil with HOME/html present")
	}
	if b, err := fs.ReadFile(wc.HTML, "page.html"); err != nil || string(b) != "x" {
		t.Errorf("HTML page.html = %q, %v", b, err)
	}
}

func TestZoneName(t *testing.T) {
	for in, want := range map[string]string{"UTC": "UTC", "0": "UTC", "2": "Etc/GMT-2", "+3": "Etc/GMT-3",
		"-5": "Etc/GMT+5", "5.5": "5.5", "EET": "EET", "20": "20"} {
		if got := zoneName(in); got != want {
			t.Errorf("zoneName(%q) = %q, want %q", in, got, want)
		}
	}
}
