package service

import (
	"encoding/json"
	"time"

	"github.com/cascade-billing/cascade/internal/domain"
	"github.com/cascade-billing/cascade/internal/store"
)

// enqueueLater writes, in tx, a job of kind for the reseller with payload, sent with
// the commit (store.Conn.EnqueueJobLater): the outbox of a move whose follow-up
// must lock rows the move's transaction may not. maxAttempts 0 takes the runner's
// default.
func enqueueLater(tx *store.Conn, kind string, resellerID int64, payload any, maxAttempts int, now time.Time) error {
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	j := &domain.Job{Kind: kind, ResellerID: resellerID, Payload: raw, MaxAttempts: maxAttempts}
	j.CreatedAt = now
	return tx.EnqueueJobLater(j)
}
