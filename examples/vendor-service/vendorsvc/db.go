package vendorsvc

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"

	"github.com/cascade-billing/cascade/vendorkit"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schema is the service's state. Every row names the installation (ap_guid) it
// belongs to: one service can serve several Cascade installations, and none may
// touch another's subscriptions or users.
const schema = `
CREATE TABLE IF NOT EXISTS subscriptions (
	external_id     TEXT PRIMARY KEY,
	ap_guid         TEXT NOT NULL,
	reseller_id     TEXT NOT NULL,
	subscription_id TEXT NOT NULL,
	tenant_id       INTEGER NOT NULL,
	plan_sku        TEXT NOT NULL,
	status          TEXT NOT NULL,
	resources       TEXT NOT NULL,
	usage           TEXT NOT NULL DEFAULT '{}',
	attributes      TEXT NOT NULL,
	renewals        INTEGER NOT NULL DEFAULT 0,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	UNIQUE (ap_guid, subscription_id)
);
CREATE TABLE IF NOT EXISTS consumption (
	external_id TEXT NOT NULL REFERENCES subscriptions (external_id),
	resource    TEXT NOT NULL,
	at          TEXT NOT NULL,
	quantity    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS consumption_by_subscription ON consumption (external_id, at);
CREATE TABLE IF NOT EXISTS users (
	id            TEXT PRIMARY KEY,
	ap_guid       TEXT NOT NULL,
	reseller_id   TEXT NOT NULL,
	email         TEXT NOT NULL,
	first_name    TEXT NOT NULL,
	last_name     TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	status        TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
	event_id TEXT PRIMARY KEY,
	status   INTEGER NOT NULL,
	body     BLOB NOT NULL,
	at       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
`

// openDB opens the SQLite database at path (in memory for ":memory:" or "") with
// the schema in place.
func openDB(ctx context.Context, path string) (*sql.DB, error) {
	dsn := "file::memory:"
	if path != "" && path != ":memory:" {
		dsn = "file:" + (&url.URL{Path: path}).EscapedPath()
	}
	db, err := sql.Open("sqlite", dsn+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, fmt.Errorf("vendorsvc: open %s: %w", path, err)
	}
	// One connection: an in-memory database lives in its connection, and one writer
	// at a time is all a small service needs.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	db.SetConnMaxLifetime(0)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("vendorsvc: create the schema in %s: %w", path, err)
	}
	return db, nil
}

// stampLayout is how the database keeps times: RFC 3339 in UTC with a fixed number
// of digits, so the text sorts as the times do.
const stampLayout = "2006-01-02T15:04:05.000000000Z07:00"

func stamp(t time.Time) string { return t.UTC().Format(stampLayout) }

// dedupRetention is how long answers are remembered: Cascade's default retry
// schedule spans under nine hours, so a week is plenty.
const dedupRetention = 7 * 24 * time.Hour

// dedup is a vendorkit.Deduplicator over the events table, so answers survive a
// restart of the service.
type dedup struct {
	db  *sql.DB
	now func() time.Time
}

// Lookup implements vendorkit.Deduplicator.
func (d *dedup) Lookup(ctx context.Context, eventID string) (vendorkit.Answer, bool, error) {
	var a vendorkit.Answer
	err := d.db.QueryRowContext(ctx, `SELECT status, body FROM events WHERE event_id = ?`, eventID).Scan(&a.Status, &a.Body)
	if err == sql.ErrNoRows {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("look up event %s: %w", eventID, err)
	}
	return a, true, nil
}

// Record implements vendorkit.Deduplicator, forgetting answers past the retention.
func (d *dedup) Record(ctx context.Context, eventID string, a vendorkit.Answer) error {
	now := d.now()
	if _, err := d.db.ExecContext(ctx, `INSERT INTO events (event_id, status, body, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (event_id) DO NOTHING`, eventID, a.Status, a.Body, stamp(now)); err != nil {
		return fmt.Errorf("record event %s: %w", eventID, err)
	}
	if _, err := d.db.ExecContext(ctx, `DELETE FROM events WHERE at < ?`, stamp(now.Add(-dedupRetention))); err != nil {
		return fmt.Errorf("forget old events: %w", err)
	}
	return nil
}
