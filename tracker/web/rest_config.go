package web

import (
	"crypto/rand"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// APIConfig holds the settings of the REST API (Roundup 2.x's [web]
// options of the same names, roundup/configuration.py). The zero value
// is Roundup's default: REST on, no call rate limit, 4 failed logins per
// 600 s, no cross-origin access.
type APIConfig struct {
	// Disabled is [web] enable_rest = no: /rest/ answers 404.
	Disabled bool
	// CallsPerInterval and Interval are [web] api_calls_per_interval and
	// api_interval_in_sec: a burst of CallsPerInterval calls, refilled
	// evenly over Interval (Roundup's GCRA, roundup/rate_limit.py).
	// 0 calls turns the limit off; Interval defaults to an hour.
	CallsPerInterval int
	Interval         time.Duration
	// FailedLoginLimit and FailedLoginInterval are [web]
	// api_failed_login_limit and api_failed_login_interval_in_sec: how
	// many wrong HTTP Basic (or bearer token) credentials a user name or
	// client address may send per interval before it is locked out with
	// 429. 0 means Roundup's default (4 per 600 s); a negative limit
	// turns the limiter off (Roundup's 0).
	FailedLoginLimit    int
	FailedLoginInterval time.Duration
	// AllowedOrigins is [web] allowed_api_origins: origins (scheme://host)
	// whose browser scripts may call the API with CORS. "*" first allows
	// any origin, without credentials (anonymous access only). Empty:
	// CORS is off, only same-origin pages may use the API.
	AllowedOrigins []string
	// MaxRows caps the rows of one collection answer (Roundup's
	// RestfulInstance.max_response_row_size); default 10000.
	MaxRows int
}

// restState is the REST API's per-site memory: the ETag key, the call
// and failed-login limiters, verified Basic credentials and the CORS
// origin check.
type restState struct {
	cfg     APIConfig
	etagKey []byte
	cop     *http.CrossOriginProtection // same checks as the server's, plus the allowed origins
	origins map[string]bool
	anyOrig bool

	mu       sync.Mutex
	tat      map[string]time.Time     // GCRA theoretical arrival times by client key
	failures map[string]*rate.Limiter // failed-login buckets by user name and address
	basic    map[[32]byte]basicEntry  // verified Basic credentials
	// verifying holds the Basic credentials being checked right now.
	verifying map[[32]byte]*verification
	tokens    map[[32]byte]tokenEntry // verified bearer tokens
}

func newRESTState(secret string, cfg APIConfig) *restState {
	if cfg.Interval <= 0 {
		cfg.Interval = time.Hour
	}
	if cfg.FailedLoginLimit == 0 {
		cfg.FailedLoginLimit = 4
	}
	if cfg.FailedLoginInterval <= 0 {
		cfg.FailedLoginInterval = 600 * time.Second
	}
	if cfg.MaxRows <= 0 {
		cfg.MaxRows = 10000
	}
	rs := &restState{cfg: cfg, tat: map[string]time.Time{}, failures: map[string]*rate.Limiter{},
		basic: map[[32]byte]basicEntry{}, verifying: map[[32]byte]*verification{}, tokens: map[[32]byte]tokenEntry{}, origins: map[string]bool{}}
	// ETags are signed with [web] secret_key so they stay the same across
	// restarts and processes (DESIGN.md §2.1); without one each process
	// makes up its own, as Roundup's doc/rest.txt warns.
	if secret == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		secret = string(b)
	}
	k := sha256.Sum256([]byte("corral rest etag\x00" + secret))
	rs.etagKey = k[:]
	rs.cop = http.NewCrossOriginProtection()
	for i, o := range cfg.AllowedOrigins {
		o = strings.TrimSpace(o)
		switch {
		case o == "*" && i == 0:
			rs.anyOrig = true
		case o != "" && o != "*":
			rs.origins[o] = true
			_ = rs.cop.AddTrustedOrigin(o)
		}
	}
	return rs
}

// corsEnabled reports whether cross-origin API access is configured.
func (rs *restState) corsEnabled() bool { return rs.anyOrig || len(rs.origins) > 0 }

// TrustAPIOrigins lets the server's cross-origin protection pass this
// site's REST requests when [web] allowed_api_origins names origins:
// the REST handler then applies the same check itself, trusting those
// origins for the API only (Roundup uses allowed_api_origins for /rest
// and /xmlrpc only, not for the HTML pages).
func (s *Site) TrustAPIOrigins(cop *http.CrossOriginProtection) {
	if s.rest.corsEnabled() && !s.cfg.API.Disabled {
		cop.AddInsecureBypassPattern(s.base.Path + "rest/")
	}
}
