package daemon

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// LevelCritical is slog's level for "critical", one step above error,
// for daemons whose flags take Python logging's level names (irkerd -d).
const LevelCritical = slog.LevelError + 4

// ParseLevel reads a level name: debug, info, warn or warning, error,
// critical (any case).
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	case "critical":
		return LevelCritical, nil
	}
	return 0, fmt.Errorf("unknown log level %q (want debug, info, warning, error or critical)", s)
}

// NewLogger returns a logger writing to w (stderr for daemons: journald
// and docker collect it) in format "text" (logfmt, the default) or
// "json", dropping records below level. Keys are snake_case by
// convention (DESIGN §6).
func NewLogger(w io.Writer, format string, level slog.Leveler) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.LevelKey {
				if l, ok := a.Value.Any().(slog.Level); ok && l >= LevelCritical {
					a.Value = slog.StringValue("CRITICAL")
				}
			}
			return a
		},
	}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("unknown log format %q (want text or json)", format)
}
