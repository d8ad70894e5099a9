// Package trackerhome opens a tracker home directory — config.ini,
// schema.py, detectors/config.ini and the database — into a running
// tracker.Service. Every binary (corral-admin, corral-server,
// corral-mailgw) opens homes through it, so they agree on where the
// database lives and how the schema and detectors are applied; it is the
// one place outside main packages that reads configuration (DESIGN.md §3:
// cmd/* wires everything).
package trackerhome

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/detectors"
	"github.com/corral-tracker/corral/tracker/schemafile"
	"github.com/corral-tracker/corral/tracker/store/postgres"
	"github.com/corral-tracker/corral/tracker/store/sqlite"
	"github.com/corral-tracker/corral/tracker/store/sqlstore"
)

// Home is an opened tracker home.
type Home struct {
	Dir       string
	Name      string // [tracker] name
	Config    *config.Config
	Detectors *config.Detectors
	Schema    *tracker.Schema
	Store     *sqlstore.Store
	Service   *tracker.Service
	// Changes lists what syncing the schema changed in the database.
	Changes []string
}

// Close closes the database.
func (h *Home) Close() error {
	if h.Store == nil {
		return nil
	}
	return h.Store.Close()
}

// Options tune Open.
type Options struct {
	Logger *slog.Logger
	// NoDetectors skips the detectors named in detectors/config.ini
	// [detectors] enabled (bulk tools that must not trigger them).
	NoDetectors bool
	// InstallDetectors replaces detectors.Install (tests).
	InstallDetectors func(s *tracker.Service, names []string) error
	// Now replaces the clock (tests with fixed dates).
	Now func() time.Time
}

// LoadConfig reads and validates HOME/config.ini and the detectors'
// config; warnings go to the logger.
func LoadConfig(dir string, log *slog.Logger) (*config.Config, *config.Detectors, error) {
	cfg, err := config.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if log != nil {
		for _, w := range cfg.Warnings() {
			log.Warn(w.Error())
		}
	}
	det, err := config.LoadDetectors(dir)
	if err != nil {
		return nil, nil, err
	}
	return cfg, det, nil
}

// Open opens the tracker home at dir: configuration, schema, database
// (created and synced to the schema as needed) and the Service with its
// detectors.
func Open(ctx context.Context, dir string, opts Options) (*Home, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("tracker home %s: not a directory", dir)
	}
	cfg, det, err := LoadConfig(abs, log)
	if err != nil {
		return nil, err
	}
	schema, err := schemafile.Load(filepath.Join(abs, "schema.py"))
	if err != nil {
		return nil, err
	}
	if cfg.String("rdbms", "backend") == "postgresql" {
		if err := ensurePostgresDB(ctx, cfg); err != nil {
			return nil, err
		}
	}
	store, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	h := &Home{Dir: abs, Name: cfg.String("tracker", "name"), Config: cfg, Detectors: det, Schema: schema, Store: store}
	if h.Changes, err = store.Sync(ctx, schema); err != nil {
		store.Close()
		return nil, fmt.Errorf("applying schema.py to the database: %w", err)
	}
	for _, c := range h.Changes {
		log.Info("schema change", "change", c)
	}
	so := ServiceOptions(cfg, det)
	so.Now = opts.Now
	h.Service = tracker.New(schema, store, so, log)
	if !opts.NoDetectors {
		install := opts.InstallDetectors
		if install == nil {
			install = detectors.Install
		}
		if err := install(h.Service, EnabledDetectors(det)); err != nil {
			store.Close()
			return nil, fmt.Errorf("detectors/config.ini: %w", err)
		}
	}
	return h, nil
}

// EnabledDetectors reads [detectors] enabled of detectors/config.ini;
// without it a tracker runs Roundup's always-present core detectors.
func EnabledDetectors(det *config.Detectors) []string {
	v, ok, err := det.Lookup("detectors", "enabled")
	if err != nil || !ok {
		return []string{"messagesummary", "nosyreaction"}
	}
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' }) {
		out = append(out, f)
	}
	return out
}

// ServiceOptions builds tracker.Options from the configuration.
func ServiceOptions(cfg *config.Config, det *config.Detectors) tracker.Options {
	cutoff := 0.85
	if v, ok, _ := det.Lookup("main", "spambayes_spam_cutoff"); ok {
		fmt.Sscan(v, &cutoff)
	}
	return tracker.Options{
		Name:           cfg.String("tracker", "name"),
		PasswordRounds: cfg.Int("main", "password_pbkdf2_default_rounds"),
		SpamCutoff:     cutoff,
		Config:         configSettings{cfg},
		Detectors:      detectorSettings{det},
		Stopwords:      cfg.List("main", "indexer_stopwords"),
	}
}

var registered = sync.OnceValue(func() map[[2]string]bool {
	m := map[[2]string]bool{}
	for _, o := range config.Options() {
		m[[2]string{o.Section, o.Name}] = true
	}
	return m
})

// configSettings adapts config.Config to tracker.Settings: registered
// options answer with their effective value, others as found in the file.
type configSettings struct{ c *config.Config }

func (s configSettings) Get(section, option string) (string, bool) {
	if registered()[[2]string{section, option}] {
		return s.c.Raw(section, option), true
	}
	v, ok, err := s.c.File().Get(section, option)
	return v, ok && err == nil
}

type detectorSettings struct{ d *config.Detectors }

func (s detectorSettings) Get(section, option string) (string, bool) {
	v, ok, err := s.d.Lookup(section, option)
	return v, ok && err == nil
}

// SQLitePath is where a home's SQLite database lives: [main] database/db,
// the file Roundup's sqlite backend uses.
func SQLitePath(cfg *config.Config) string {
	return filepath.Join(cfg.Path("main", "database"), "db")
}

// OpenStore opens the database the configuration names ([rdbms] backend).
func OpenStore(ctx context.Context, cfg *config.Config) (*sqlstore.Store, error) {
	switch b := cfg.String("rdbms", "backend"); b {
	case "sqlite":
		p := SQLitePath(cfg)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, fmt.Errorf("creating database directory: %w", err)
		}
		busy := time.Duration(cfg.Int("rdbms", "sqlite_timeout")) * time.Second
		if busy == 0 {
			busy = -1 // Roundup's 0: do not wait
		}
		return sqlite.OpenWith(ctx, p, sqlite.Options{BusyTimeout: busy})
	case "postgresql":
		return postgres.Open(ctx, PostgresDSN(cfg, ""), postgres.Options{})
	default:
		return nil, fmt.Errorf("config.ini: [rdbms] backend: %q is not supported (sqlite, postgresql)", b)
	}
}

// PostgresDSN builds a libpq key=value DSN from [rdbms] name, host, port,
// user and password (host may be a Unix-socket directory). dbname
// overrides [rdbms] name when set.
func PostgresDSN(cfg *config.Config, dbname string) string {
	if dbname == "" {
		dbname = cfg.String("rdbms", "name")
	}
	kv := []string{"dbname=" + quoteDSN(dbname)}
	add := func(key, val string) {
		if val != "" {
			kv = append(kv, key+"="+quoteDSN(val))
		}
	}
	add("host", cfg.String("rdbms", "host"))
	add("port", cfg.Raw("rdbms", "port"))
	add("user", cfg.String("rdbms", "user"))
	add("password", cfg.String("rdbms", "password"))
	return strings.Join(kv, " ")
}

func quoteDSN(v string) string {
	if v != "" && !strings.ContainsAny(v, ` '\`) {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// ErrExists is returned by Initialise when the database holds a tracker
// and wipe was not confirmed.
var ErrExists = errors.New("the tracker database already exists")
