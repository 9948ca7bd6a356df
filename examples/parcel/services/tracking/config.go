package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config holds the settings read from the environment, validated once at start-up.
type Config struct {
	Host            string
	Port            int
	ShutdownTimeout time.Duration
}

// LoadConfig reads HOST, PORT and SHUTDOWN_TIMEOUT_SECONDS through getenv.
// Its error is the one line printed at start-up.
func LoadConfig(getenv func(string) string) (Config, error) {
	cfg := Config{Host: "0.0.0.0", Port: 8080, ShutdownTimeout: 8 * time.Second}
	if h := strings.TrimSpace(getenv("HOST")); h != "" {
		if strings.ContainsAny(h, " \t/") {
			return cfg, fmt.Errorf("HOST must be a host name or IP address, got %q", getenv("HOST"))
		}
		cfg.Host = h
	}
	port, err := intInRange(getenv, "PORT", 8080, 1, 65535)
	if err != nil {
		return cfg, err
	}
	cfg.Port = port
	secs, err := intInRange(getenv, "SHUTDOWN_TIMEOUT_SECONDS", 8, 1, 300)
	if err != nil {
		return cfg, err
	}
	cfg.ShutdownTimeout = time.Duration(secs) * time.Second
	return cfg, nil
}

func intInRange(getenv func(string) string, name string, def, low, high int) (int, error) {
	raw := getenv(name)
	text := strings.TrimSpace(raw)
	if text == "" {
		return def, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < low || n > high || strings.HasPrefix(text, "+") {
		return 0, fmt.Errorf("%s must be an integer from %d to %d, got %q", name, low, high, raw)
	}
	return n, nil
}
