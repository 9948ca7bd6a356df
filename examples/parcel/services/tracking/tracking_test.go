package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := LoadConfig(env(nil))
	if err != nil || cfg.Port != 8080 || cfg.Host != "0.0.0.0" {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	for _, bad := range []map[string]string{
		{"PORT": "x"}, {"PORT": "0"}, {"PORT": "65536"}, {"PORT": "+80"},
		{"HOST": "a b"}, {"SHUTDOWN_TIMEOUT_SECONDS": "0"},
	} {
		if _, err := LoadConfig(env(bad)); err == nil || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: want a one-line error, got %v", bad, err)
		}
	}
}

func TestAPI(t *testing.T) {
	var draining atomic.Bool
	srv := httptest.NewServer(NewHandler(SampleStore(), &draining))
	defer srv.Close()

	cases := []struct {
		method, path string
		status       int
		key, value   string
	}{
		{"GET", "/healthz", 200, "status", "ok"},
		{"GET", "/parcels/PCL00000001/events", 200, "parcel", "PCL00000001"},
		{"GET", "/parcels/PCL99999999/events", 404, "error", "not_found"},
		{"GET", "/parcels/nope/events", 400, "error", "bad_request"},
		{"GET", "/nowhere", 404, "error", "not_found"},
		{"POST", "/healthz", 405, "error", "method_not_allowed"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
			t.Fatalf("%s %s: not JSON: %v", c.method, c.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status || body[c.key] != c.value {
			t.Errorf("%s %s: got %d %v", c.method, c.path, resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: content type %q", c.method, c.path, ct)
		}
	}

	draining.Store(true)
	resp, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("draining healthz: %d", resp.StatusCode)
	}
}

func TestHealthcheck(t *testing.T) {
	var draining atomic.Bool
	srv := httptest.NewServer(NewHandler(SampleStore(), &draining))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	env := func(k string) string {
		if k == "PORT" {
			return u.Port()
		}
		return ""
	}
	if code := healthcheck(env); code != 0 {
		t.Errorf("healthy: exit %d", code)
	}
	draining.Store(true)
	if code := healthcheck(env); code != 1 {
		t.Errorf("draining: exit %d", code)
	}
}
