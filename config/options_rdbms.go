package config

import (
	"fmt"
	"strconv"
)

// The [rdbms], [sessiondb] and [logging] sections. [rdbms] keeps
// Roundup's names (`name host port user password`); `backend` is limited
// to Corral's two stores and defaults to sqlite where Roundup has no
// default (DESIGN.md §2.1). MySQL options and [sessiondb] are read and
// ignored.

func rdbmsOptions() []Option {
	return []Option{
		{Name: "backend", Kind: Choice, Default: "sqlite", Choices: []string{"sqlite", "postgresql"},
			Help: "Database backend. sqlite keeps the tracker in [main] database;\npostgresql uses the server below (PostgreSQL 12 or later)."},
		{Name: "debug_filter", Kind: Bool, Default: "no",
			Help: "Permission filter debugging: check results with the permission\ncheck functions instead of the SQL filter functions."},
		{Name: "name", Kind: String, Default: "roundup", Aliases: []string{"MYSQL_DBNAME"},
			Help: "Name of the database to use. For PostgreSQL this can be\ndatabase.schema to use a specific schema."},
		{Name: "host", Kind: String, Default: "localhost", Aliases: []string{"MYSQL_DBHOST"},
			Help: "Database server host, or the directory of its Unix socket\n(then peer authentication and no password)."},
		{Name: "port", Kind: String, Default: "", check: checkPort,
			Help: "TCP port number of the database server; empty for the backend\ndefault (5432 for PostgreSQL)."},
		{Name: "user", Kind: String, Default: "roundup", Aliases: []string{"MYSQL_DBUSER"},
			Help: "Database user name that the tracker should use."},
		{Name: "password", Kind: String, Default: "roundup", Secret: true, Aliases: []string{"MYSQL_DBPASSWORD"},
			Help: "Database user password."},
		{Name: "service", Kind: String, Default: "",
			Help: "Name of a PostgreSQL connection service (pg_service.conf)\nto connect with."},
		{Name: "read_default_file", Kind: String, Default: "~/.my.cnf", Ignored: true,
			Help: "MySQL defaults file (MySQL only; not supported by Corral)."},
		{Name: "read_default_group", Kind: String, Default: "roundup", Ignored: true,
			Help: "Group in the MySQL defaults file (MySQL only)."},
		{Name: "mysql_charset", Kind: String, Default: "utf8mb4", Ignored: true,
			Help: "MySQL connection charset (MySQL only)."},
		{Name: "mysql_collation", Kind: String, Default: "utf8mb4_unicode_ci", Ignored: true,
			Help: "MySQL collation (MySQL only)."},
		{Name: "mysql_binary_collation", Kind: String, Default: "utf8mb4_0900_bin", Ignored: true,
			Help: "MySQL case-sensitive collation (MySQL only)."},
		{Name: "sqlite_timeout", Kind: Int, Default: "30", Min: 0, HasMin: true,
			Help: "Seconds to wait when the SQLite database is locked."},
		{Name: "cache_size", Kind: Int, Default: "100", Min: 0, HasMin: true,
			Help: "Size of the item cache (in items)."},
		{Name: "allow_create", Kind: Bool, Default: "yes",
			Help: "Setting this to 'no' protects the database against\ntable creations."},
		{Name: "allow_alter", Kind: Bool, Default: "yes",
			Help: "Setting this to 'no' protects the database against\ntable alterations."},
		{Name: "allow_drop", Kind: Bool, Default: "yes",
			Help: "Setting this to 'no' protects the database against\ntable drops."},
		{Name: "template", Kind: String, Default: "",
			Help: "PostgreSQL template database used to create the database; set\nit (e.g. template0) if creation fails because the template's\nencoding is not UTF8."},
		{Name: "isolation_level", Kind: Choice, Default: "read committed",
			Choices: []string{"read uncommitted", "read committed", "repeatable read", "serializable"},
			Help:    "Database transaction isolation level (PostgreSQL)."},
		{Name: "serverside_cursor", Kind: Bool, Default: "yes",
			Help: "Use a server-side cursor for large filter queries (PostgreSQL)."},
	}
}

func sessiondbOptions() []Option {
	return []Option{
		{Name: "backend", Kind: String, Default: "",
			Help: "Backend of the session and one-time-key store. Corral keeps them\nin the tracker database and ignores this."},
		{Name: "redis_url", Kind: String, Default: "redis://localhost:6379/0?health_check_interval=2", Secret: true,
			Help: "URL of the Redis session store (not used by Corral)."},
	}
}

func loggingOptions() []Option {
	return []Option{
		{Name: "config", Kind: Path, Default: "",
			Help: "Path to a logging configuration file. If it is set, 'filename'\nand 'level' below are ignored."},
		{Name: "filename", Kind: Path, Default: "",
			Help: "Log file name. If empty, log messages are written to stderr."},
		{Name: "level", Kind: Choice, Default: "ERROR", Choices: []string{"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"},
			Help: "Minimal severity level of messages written to the log."},
		{Name: "format", Kind: String, Default: "%(asctime)s %(trace_id)s %(levelname)s %(message)s", check: checkLogFormat,
			Help: "Format of the log messages, with every '%' sign doubled so\nthe config file does not interpolate it."},
		{Name: "disable_loggers", Kind: Bool, Default: "no",
			Help: "If set to yes, only the loggers configured in this section are\nused."},
	}
}

// checkPort wants an empty value or a TCP port number.
func checkPort(text string) error {
	if text == "" {
		return nil
	}
	if n, err := strconv.Atoi(text); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("%q is not a TCP port number", text)
	}
	return nil
}
