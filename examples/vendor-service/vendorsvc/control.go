package vendorsvc

import (
	"encoding/json"
	"net/http"
	"time"
)

// The control endpoints, served below /_control/ when Options.Control is on, let a
// test or a demo running the service in another process steer it:
//
//	POST /_control/faults        a Fault as JSON: answer calls with a failure
//	POST /_control/delay         {"delay": "2s"}: wait before every answer
//	POST /_control/limit         {"max_quantity": 10}: refuse resource validation above it
//	POST /_control/reset         no faults, delay or limit
//	POST /_control/usage         {"external_id", "key", "usage"}: units in use
//	POST /_control/consumption   {"external_id", "key", "at", "quantity"}: units consumed
//	GET  /_control/subscriptions every subscription
//	GET  /_control/users         every user
func (s *Server) routeControl(mux *http.ServeMux) {
	mux.HandleFunc("POST /_control/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if decodeControl(w, r, &f) {
			s.Faults.Add(f)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST /_control/delay", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Delay string }
		if decodeControl(w, r, &in) {
			d, err := time.ParseDuration(in.Delay)
			if err != nil || d < 0 {
				writeFailure(w, http.StatusBadRequest, "delay: want a duration such as 2s")
				return
			}
			s.Faults.Delay(d)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST /_control/limit", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			MaxQuantity int64 `json:"max_quantity"`
		}
		if decodeControl(w, r, &in) {
			s.Faults.LimitQuantity(in.MaxQuantity)
			w.WriteHeader(http.StatusNoContent)
		}
	})
	mux.HandleFunc("POST /_control/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Faults.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_control/usage", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			ExternalID string `json:"external_id"`
			Key        string `json:"key"`
			Usage      int64  `json:"usage"`
		}
		if decodeControl(w, r, &in) {
			controlResult(w, s.SetUsage(r.Context(), in.ExternalID, in.Key, in.Usage))
		}
	})
	mux.HandleFunc("POST /_control/consumption", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			ExternalID string      `json:"external_id"`
			Key        string      `json:"key"`
			At         time.Time   `json:"at"`
			Quantity   json.Number `json:"quantity"`
		}
		if decodeControl(w, r, &in) {
			controlResult(w, s.AddConsumption(r.Context(), in.ExternalID, in.Key, in.At, in.Quantity.String()))
		}
	})
	mux.HandleFunc("GET /_control/subscriptions", func(w http.ResponseWriter, r *http.Request) {
		subs, err := s.Subscriptions(r.Context())
		writeControl(w, subs, err)
	})
	mux.HandleFunc("GET /_control/users", func(w http.ResponseWriter, r *http.Request) {
		users, err := s.Users(r.Context())
		writeControl(w, users, err)
	})
}

// decodeControl reads a control request's JSON body into v, answering 400 when it
// cannot.
func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(v); err != nil {
		writeFailure(w, http.StatusBadRequest, "malformed body: "+err.Error())
		return false
	}
	return true
}

func controlResult(w http.ResponseWriter, err error) {
	if err != nil {
		writeFailure(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func writeControl(w http.ResponseWriter, v any, err error) {
	if err != nil {
		writeFailure(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
