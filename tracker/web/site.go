package web

import (
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/notify"
)

// Config is one tracker's web configuration, filled by the caller from
// config.ini (this package reads no files).
type Config struct {
	// Name is the URL path segment (/NAME/); "" serves the tracker at /.
	Name        string
	TrackerName string // [tracker] name
	// Web is [tracker] web, the public base URL ending in "/".
	Web   string
	Email string // [tracker] email, full address
	// SecretKey is [web] secret_key (sessions, tokens).
	SecretKey string
	// NewWebUserRoles is [main] new_web_user_roles.
	NewWebUserRoles string
	// InstantRegistration is [main] instant_registration.
	InstantRegistration bool
	// HTTPAuth is [web] http_auth: accept HTTP Basic credentials.
	HTTPAuth bool
	// LoginAttemptsPerMin is [web] login_attempts_min (per user and
	// per client address).
	LoginAttemptsPerMin int
	// RegistrationDelay is [web] registration_delay: a form submitted
	// sooner after it was rendered is refused (bot trap).
	RegistrationDelay time.Duration
	// Debug shows error details to clients ([web] debug).
	Debug bool
	// AllowHTMLFile is [web] allow_html_file (serve uploaded HTML as HTML).
	AllowHTMLFile bool
	// SameSite is [web] samesite_cookie_setting.
	SameSite string
	// HTML overrides the embedded page templates (HOME/html).
	HTML fs.FS
	// Demo logs registration links to the log (corral-server --demo).
	Demo bool
	// PageSize is the default index page size (Roundup: 50).
	PageSize int
	// Timezone names the zone dates are shown in ([main] timezone).
	Timezone string
	// API configures the REST API (rest_config.go).
	API APIConfig
}

// Site is one tracker served by the web frontend.
type Site struct {
	cfg    Config
	svc    *tracker.Service
	mailer *notify.Mailer
	log    *slog.Logger
	pages  map[string]*template.Template
	loc    *time.Location
	base   *url.URL // path prefix: /NAME/

	limMu    sync.Mutex
	limiters map[string]*rate.Limiter
	now      func() time.Time
	rest     *restState
}

// NewSite prepares a tracker for serving. mailer may be nil (no mail:
// registration then needs instant_registration).
func NewSite(cfg Config, svc *tracker.Service, mailer *notify.Mailer, log *slog.Logger) (*Site, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 50
	}
	if cfg.LoginAttemptsPerMin <= 0 {
		cfg.LoginAttemptsPerMin = 3
	}
	if cfg.NewWebUserRoles == "" {
		cfg.NewWebUserRoles = "User"
	}
	if cfg.TrackerName == "" {
		cfg.TrackerName = "Tracker"
	}
	if cfg.Web != "" && !strings.HasSuffix(cfg.Web, "/") {
		cfg.Web += "/"
	}
	s := &Site{cfg: cfg, svc: svc, mailer: mailer, log: log.With("tracker", cfg.Name), limiters: map[string]*rate.Limiter{}, now: time.Now}
	s.loc = time.UTC
	if cfg.Timezone != "" {
		if loc, err := time.LoadLocation(cfg.Timezone); err == nil {
			s.loc = loc
		}
	}
	prefix := "/"
	if cfg.Name != "" {
		prefix = "/" + cfg.Name + "/"
	}
	s.base = &url.URL{Path: prefix}
	s.rest = newRESTState(cfg.SecretKey, cfg.API)
	t, err := loadTemplates(cfg.HTML, s.funcs())
	if err != nil {
		return nil, fmt.Errorf("tracker %s: loading page templates: %w", cfg.Name, err)
	}
	s.pages = t
	return s, nil
}

// Service returns the tracker.
func (s *Site) Service() *tracker.Service { return s.svc }

// Prefix returns the URL path prefix ("/NAME/").
func (s *Site) Prefix() string { return s.base.Path }

// limiter returns the token bucket for key (login, registration and
// reset attempts: [web] login_attempts_min per minute).
func (s *Site) limiter(key string) *rate.Limiter { return s.limiterN(key, 1) }

// limiterN is limiter with n times the allowance: a client address may
// try n logins per user's one, since many users share one address
// behind NAT or a proxy.
func (s *Site) limiterN(key string, n int) *rate.Limiter {
	s.limMu.Lock()
	defer s.limMu.Unlock()
	l := s.limiters[key]
	if l == nil {
		if len(s.limiters) > 10000 {
			s.limiters = map[string]*rate.Limiter{}
		}
		burst := n * s.cfg.LoginAttemptsPerMin
		l = rate.NewLimiter(rate.Every(time.Minute/time.Duration(burst)), burst)
		s.limiters[key] = l
	}
	return l
}
