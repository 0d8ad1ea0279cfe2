package lambdaconfig

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/cqmon/cqmon/internal/quota"
)

// The parsers below read one variable each into its field, and leave the
// field at its default when the value does not parse.

func parseNumber(name, v string, dst *float64) error {
	f, err := quota.ParseNumber(v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	*dst = f
	return nil
}

func parseWhole(name, v string, dst *int) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%s: %q is not a whole number", name, v)
	}
	*dst = n
	return nil
}

func parseBool(name, v string, dst *bool) error {
	switch strings.ToLower(v) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		return fmt.Errorf("%s: %q is not true or false", name, v)
	}
	return nil
}

// parseDuration reads a Go duration ("90m", "36h") or a number of days
// ("7d"), as the CLI's flags do.
func parseDuration(name, v string, dst *time.Duration) error {
	d, err := quota.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%s: %q is not a duration such as 90m, 36h or 7d", name, v)
	}
	*dst = d
	return nil
}

func parseLevel(name, v string, dst *slog.Level) error {
	switch strings.ToUpper(v) {
	case "DEBUG":
		*dst = slog.LevelDebug
	case "INFO":
		*dst = slog.LevelInfo
	case "WARN", "WARNING":
		*dst = slog.LevelWarn
	case "ERROR":
		*dst = slog.LevelError
	default:
		return fmt.Errorf("%s: %q is not one of DEBUG, INFO, WARN, ERROR", name, v)
	}
	return nil
}

// splitList reads a comma-separated list, dropping empty entries.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
