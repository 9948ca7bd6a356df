package main

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sync/atomic"
	"time"
)

// Event is one step of a parcel's journey.
type Event struct {
	ID       int       `json:"id"`
	Time     time.Time `json:"time"`
	Status   string    `json:"status"`
	Location string    `json:"location"`
}

// parcelID is the shape of a parcel number: "PCL" and 8 digits.
var parcelID = regexp.MustCompile(`^PCL[0-9]{8}$`)

// Store is a read-only, in-memory set of parcels and their events.
type Store map[string][]Event

// SampleStore returns the demo parcels.
func SampleStore() Store {
	t0 := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	return Store{
		"PCL00000001": {
			{1, t0, "label_created", "Lyon, FR"},
			{2, t0.Add(3 * time.Hour), "picked_up", "Lyon, FR"},
			{3, t0.Add(20 * time.Hour), "in_transit", "Frankfurt, DE"},
			{4, t0.Add(44 * time.Hour), "delivered", "Berlin, DE"},
		},
		"PCL00000002": {
			{1, t0.Add(time.Hour), "label_created", "Porto, PT"},
		},
	}
}

// NewHandler routes the API; draining turns /healthz into a 503 during shutdown.
func NewHandler(store Store, draining *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if draining.Load() {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /parcels/{id}/events", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if !parcelID.MatchString(id) {
			writeError(w, http.StatusBadRequest, "bad_request", "parcel id must be PCL followed by 8 digits")
			return
		}
		events, ok := store[id]
		if !ok {
			writeError(w, http.StatusNotFound, "not_found", "unknown parcel "+id)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"parcel": id, "events": events})
	})
	return jsonErrors(mux)
}

// jsonErrors turns the mux's plain-text 404 and 405 answers into JSON ones.
func jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern == "" {
			// No route matched; ask the mux which error it would give (404 or 405 with Allow).
			rec := &statusOnly{header: http.Header{}}
			mux.ServeHTTP(rec, r)
			if allow := rec.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			if rec.status == http.StatusMethodNotAllowed {
				writeError(w, rec.status, "method_not_allowed", "method "+r.Method+" not allowed")
				return
			}
			writeError(w, http.StatusNotFound, "not_found", "no route for "+r.URL.Path)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// statusOnly records the status and headers of a response and drops its body.
type statusOnly struct {
	header http.Header
	status int
}

func (s *statusOnly) Header() http.Header         { return s.header }
func (s *statusOnly) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusOnly) WriteHeader(code int)        { s.status = code }

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]string{"error": code, "message": message})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
