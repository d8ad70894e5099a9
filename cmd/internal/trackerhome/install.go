package trackerhome

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/corral-tracker/corral/config"
	"github.com/corral-tracker/corral/templates"
	"github.com/corral-tracker/corral/tracker"
	"github.com/corral-tracker/corral/tracker/schemafile"
)

// Install creates a tracker home from a template, as `roundup-admin
// install TEMPLATE BACKEND key=value,...` does: the template's files are
// copied and config.ini is written fresh with the template's settings,
// working local values for every required option (DESIGN.md §2.1: mail
// domain localhost, web http://localhost:8080/NAME/), the backend and the
// given settings (Roundup option names such as tracker_web, mail_domain,
// rdbms_name). A home that already has a config.ini is refused.
func Install(dir, template, backend string, settings map[string]string) error {
	tfs, err := templates.FS(template)
	if err != nil {
		return fmt.Errorf("template %q: %w (available: %s)", template, err, strings.Join(templates.Names(), ", "))
	}
	if _, err := os.Stat(filepath.Join(dir, config.IniFile)); err == nil {
		return fmt.Errorf("%s already holds a tracker (config.ini exists)", dir)
	}
	if backend == "" {
		backend = "sqlite"
	}
	if backend != "sqlite" && backend != "postgresql" {
		return fmt.Errorf("backend %q is not supported (sqlite, postgresql)", backend)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	name := filepath.Base(abs)
	values := map[string]string{
		"tracker_name":  name,
		"tracker_web":   "http://localhost:8080/" + name + "/",
		"mail_domain":   "localhost",
		"mail_host":     "localhost",
		"rdbms_backend": backend,
		"rdbms_name":    "corral_" + sanitize(name),
		"tracker_email": "issue_tracker",
	}
	if b, err := fs.ReadFile(tfs, config.IniFile); err == nil {
		f, err := config.Parse(template+"/config.ini", bytes.NewReader(b))
		if err != nil {
			return err
		}
		for _, sec := range f.Sections() {
			for _, opt := range f.Options(sec) {
				if v, _, ok := f.Raw(sec, opt); ok {
					key := sec + "_" + opt
					if sec == "main" { // Roundup names [main] options bare
						key = opt
					}
					values[key] = v
				}
			}
		}
	}
	for k, v := range settings {
		values[k] = v
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return err
	}
	err = fs.WalkDir(tfs, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == "." {
			return err
		}
		dst := filepath.Join(abs, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if p == config.IniFile {
			return nil
		}
		b, err := fs.ReadFile(tfs, p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("copying template %s: %w", template, err)
	}
	var buf bytes.Buffer
	if err := config.WriteFresh(&buf, values); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(abs, "db"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(abs, config.IniFile), buf.Bytes(), 0o640)
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// Exists reports whether the home's database already holds a tracker.
func Exists(ctx context.Context, cfg *config.Config) (bool, error) {
	switch cfg.String("rdbms", "backend") {
	case "sqlite":
		st, err := os.Stat(SQLitePath(cfg))
		return err == nil && st.Size() > 0, nil
	case "postgresql":
		c, err := pgx.Connect(ctx, PostgresDSN(cfg, ""))
		if err != nil {
			return false, nil // missing database: Initialise creates it
		}
		defer c.Close(ctx)
		var n int
		err = c.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '__migrations'`).Scan(&n)
		return n > 0, err
	}
	return false, nil
}

// wipe removes the home's database (SQLite files; PostgreSQL: the
// database is dropped and created again when the role may, else the
// tables of its current schema are dropped).
func wipe(ctx context.Context, cfg *config.Config) error {
	switch cfg.String("rdbms", "backend") {
	case "sqlite":
		p := SQLitePath(cfg)
		for _, f := range []string{p, p + "-wal", p + "-shm"} {
			if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		return nil
	case "postgresql":
		return wipePostgres(ctx, cfg)
	}
	return nil
}

func wipePostgres(ctx context.Context, cfg *config.Config) error {
	name := cfg.String("rdbms", "name")
	admin, err := pgx.Connect(ctx, PostgresDSN(cfg, "postgres"))
	if err == nil {
		defer admin.Close(ctx)
		ident := pgx.Identifier{name}.Sanitize()
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident); err == nil {
			if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err == nil {
				return nil
			}
		}
	}
	// No right to drop/create databases: empty the schema instead.
	c, err := pgx.Connect(ctx, PostgresDSN(cfg, ""))
	if err != nil {
		return ensurePostgresDB(ctx, cfg)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT format('%I', table_name) FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, t := range tables {
		if _, err := c.Exec(ctx, "DROP TABLE IF EXISTS "+t+" CASCADE"); err != nil {
			return fmt.Errorf("emptying database %s: %w", name, err)
		}
	}
	rows, err = c.Query(ctx, `SELECT format('%I', sequence_name) FROM information_schema.sequences WHERE sequence_schema = current_schema()`)
	if err != nil {
		return err
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	for _, s := range seqs {
		if _, err := c.Exec(ctx, "DROP SEQUENCE IF EXISTS "+s); err != nil {
			return err
		}
	}
	return nil
}

// ensurePostgresDB creates the configured database when it is missing
// and the role may (DESIGN.md §2.1).
func ensurePostgresDB(ctx context.Context, cfg *config.Config) error {
	if c, err := pgx.Connect(ctx, PostgresDSN(cfg, "")); err == nil {
		c.Close(ctx)
		return nil
	}
	admin, err := pgx.Connect(ctx, PostgresDSN(cfg, "postgres"))
	if err != nil {
		return fmt.Errorf("database %q is missing and the server cannot be reached to create it: %w", cfg.String("rdbms", "name"), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{cfg.String("rdbms", "name")}.Sanitize()); err != nil {
		return fmt.Errorf("creating database %q: %w", cfg.String("rdbms", "name"), err)
	}
	return nil
}

// Initialise creates the tracker's database and loads initial_data.py
// with the admin password, as `roundup-admin initialise` does. An
// existing database is wiped only when wipe is true (else ErrExists).
func Initialise(ctx context.Context, dir, adminPassword string, wipeExisting bool, opts Options) (*Home, error) {
	cfg, _, err := LoadConfig(dir, nil)
	if err != nil {
		return nil, err
	}
	exists, err := Exists(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if exists {
		if !wipeExisting {
			return nil, ErrExists
		}
		if err := wipe(ctx, cfg); err != nil {
			return nil, fmt.Errorf("removing the old database: %w", err)
		}
	}
	if cfg.String("rdbms", "backend") == "postgresql" {
		if err := ensurePostgresDB(ctx, cfg); err != nil {
			return nil, err
		}
	}
	h, err := Open(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	if err := LoadInitialData(ctx, h, adminPassword); err != nil {
		h.Close()
		return nil, err
	}
	return h, nil
}

// LoadInitialData runs HOME/initial_data.py in one transaction as admin.
func LoadInitialData(ctx context.Context, h *Home, adminPassword string) error {
	path := filepath.Join(h.Dir, "initial_data.py")
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	vars := map[string]any{"adminpw": adminPassword, "admin_email": h.Config.Address("main", "admin_email")}
	creates, err := schemafile.LoadInitialData("initial_data.py", src, vars)
	if err != nil {
		return err
	}
	return h.Service.Update(ctx, tracker.AdminID, func(tx *tracker.Tx) error {
		return schemafile.Apply(tx, creates)
	})
}
