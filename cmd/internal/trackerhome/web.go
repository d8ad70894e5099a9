package trackerhome

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/tracker/web"
)

// WebConfig maps the home's config.ini to the web frontend's settings
// for the tracker served under /name/ ("" serves it at /):
//
//   - [tracker] name, web, email;
//   - [web] secret_key, http_auth, debug, allow_html_file,
//     samesite_cookie_setting, login_attempts_min, registration_delay;
//   - [main] new_web_user_roles, instant_registration, timezone;
//   - [web] enable_rest, api_calls_per_interval, api_interval_in_sec,
//     api_failed_login_limit, api_failed_login_interval_in_sec and
//     allowed_api_origins for the REST API;
//   - [main] templates (HOME/html by default) as the directory whose page
//     templates override the embedded ones, when it exists — as a Roundup
//     tracker's html/ directory does.
//
// Demo and PageSize are left for the caller.
func (h *Home) WebConfig(name string) web.Config {
	cfg := h.Config
	wc := web.Config{
		Name:                name,
		TrackerName:         cfg.String("tracker", "name"),
		Web:                 cfg.String("tracker", "web"),
		Email:               cfg.Address("tracker", "email"),
		SecretKey:           cfg.String("web", "secret_key"),
		NewWebUserRoles:     strings.Join(cfg.List("main", "new_web_user_roles"), ","),
		InstantRegistration: cfg.Bool("main", "instant_registration"),
		HTTPAuth:            cfg.Bool("web", "http_auth"),
		LoginAttemptsPerMin: cfg.Int("web", "login_attempts_min"),
		RegistrationDelay:   time.Duration(cfg.Int("web", "registration_delay")) * time.Second,
		Debug:               cfg.Bool("web", "debug"),
		AllowHTMLFile:       cfg.Bool("web", "allow_html_file"),
		SameSite:            cfg.String("web", "samesite_cookie_setting"),
		Timezone:            zoneName(cfg.String("main", "timezone")),
	}
	wc.API = web.APIConfig{
		Disabled:            !cfg.Bool("web", "enable_rest"),
		CallsPerInterval:    cfg.Int("web", "api_calls_per_interval"),
		Interval:            time.Duration(cfg.Int("web", "api_interval_in_sec")) * time.Second,
		FailedLoginLimit:    cfg.Int("web", "api_failed_login_limit"),
		FailedLoginInterval: time.Duration(cfg.Int("web", "api_failed_login_interval_in_sec")) * time.Second,
		AllowedOrigins:      cfg.List("web", "allowed_api_origins"),
	}
	if wc.API.FailedLoginLimit == 0 { // Roundup's 0 turns the limit off
		wc.API.FailedLoginLimit = -1
	}
	if dir := htmlDir(cfg); dir != "" {
		wc.HTML = os.DirFS(dir)
	}
	return wc
}

// htmlDir is [main] templates when it names an existing directory.
func htmlDir(cfg *config.Config) string {
	if cfg.Raw("main", "templates") == "" {
		return ""
	}
	p := cfg.Path("main", "templates")
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return p
	}
	return ""
}

// zoneName turns [main] timezone into a name time.LoadLocation knows:
// Roundup also accepts an offset from UTC in whole hours ("2", "-5"),
// which is the IANA zone Etc/GMT∓N (the sign is inverted there).
// Fractional offsets have no such zone and are passed on unchanged (the
// web then shows UTC).
func zoneName(tz string) string {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(tz), "+"))
	if err != nil {
		return tz
	}
	switch {
	case n == 0:
		return "UTC"
	case n > 0 && n <= 14:
		return "Etc/GMT-" + strconv.Itoa(n)
	case n < 0 && n >= -12:
		return "Etc/GMT+" + strconv.Itoa(-n)
	}
	return tz
}
