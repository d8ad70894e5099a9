package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestPostgres runs some golden scripts on a classic tracker installed
// on PostgreSQL (CORRAL_TEST_POSTGRES holds a DSN of a role that may
// create databases) and expects the very transcripts SQLite gives, then
// checks initialise's refusal and -y on PostgreSQL.
func TestPostgres(t *testing.T) {
	dsn := os.Getenv("CORRAL_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CORRAL_TEST_POSTGRES not set")
	}
	if *update {
		t.Skip("golden files are written from SQLite")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("corral_admin_test_%d", time.Now().UnixNano()%1e9)
	settings := []string{"rdbms_name=" + name}
	for k, v := range map[string]string{"rdbms_host": u.Hostname(), "rdbms_port": u.Port(), "rdbms_user": u.User.Username()} {
		if v != "" {
			settings = append(settings, k+"="+v)
		}
	}
	if pw, ok := u.User.Password(); ok {
		settings = append(settings, "rdbms_password="+pw)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if c, err := pgx.Connect(ctx, dsn); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	home := filepath.Join(t.TempDir(), "demo")
	mustRun(t, home, "install", "classic", "postgresql", strings.Join(settings, ","))
	mustRun(t, home, "initialise", testAdminPW)
	if r := runAdmin(t, "", "-i", home, "initialise", "x"); r.code != 1 || !strings.Contains(r.err, "already initialised") {
		t.Errorf("initialise on an existing PostgreSQL database = %d, %q", r.code, r.err)
	}
	// Each script starts from a freshly initialised database.
	for _, script := range []string{"find-filter", "set", "history", "retire-restore", "table"} {
		t.Run(script, func(t *testing.T) {
			mustRun(t, home, "-y", "initialise", testAdminPW)
			golden(t, "classic/"+script, runScript(t, home, classicScripts[script]))
		})
	}
}
