// Command tracking serves parcel tracking events over HTTP.
//
//	tracking              serve on HOST:PORT until SIGTERM/SIGINT, then shut down gracefully
//	tracking healthcheck  GET http://127.0.0.1:$PORT/healthz; exit 0 when it answers 200, else 1
//	                      (for the exec-form HEALTHCHECK of a distroless image: no shell, no curl)
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && (os.Args[1] == "healthcheck" || os.Args[1] == "-healthcheck") {
		os.Exit(healthcheck(os.Getenv))
	}
	if len(os.Args) > 1 {
		fmt.Fprintf(os.Stderr, "tracking: unknown argument %q (usage: tracking [healthcheck])\n", os.Args[1])
		os.Exit(2)
	}
	cfg, err := LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracking: %v\n", err)
		os.Exit(1)
	}
	if err := serve(cfg); err != nil {
		fmt.Fprintf(os.Stderr, "tracking: %v\n", err)
		os.Exit(1)
	}
}

func serve(cfg Config) error {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var draining atomic.Bool
	srv := &http.Server{
		Handler:           NewHandler(SampleStore(), &draining),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", addr)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // a second signal now kills the process the default way
	draining.Store(true)
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func healthcheck(getenv func(string) string) int {
	port, err := intInRange(getenv, "PORT", 8080, 1, 65535)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracking healthcheck: %v\n", err)
		return 1
	}
	client := &http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + strconv.Itoa(port) + "/healthz")
	if err != nil {
		fmt.Fprintf(os.Stderr, "tracking healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "tracking healthcheck: status %d\n", resp.StatusCode)
		return 1
	}
	return 0
}
