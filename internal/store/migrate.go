package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/cascade-billing/cascade/internal/domain"
)

//go:embed migrations
var migrations embed.FS

// Migration is one numbered, append-only schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the migrations of engine e in order.
func Migrations(e Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(e))
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		body, err := migrations.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	if err := checkMigrations(out); err != nil {
		return nil, err
	}
	return out, nil
}

// checkMigrations refuses migrations, in order, of which two share a number or a
// title: renumberApplied knows an applied migration by its title, so a title used
// twice would move the record of one to the other's number.
func checkMigrations(ms []Migration) error {
	titles := make(map[string]string, len(ms))
	for i, m := range ms {
		if i > 0 && m.Version == ms[i-1].Version {
			return fmt.Errorf("migrations %s and %s share a number", ms[i-1].Name, m.Name)
		}
		if other, ok := titles[migrationTitle(m.Name)]; ok {
			return fmt.Errorf("migrations %s and %s share a title", other, m.Name)
		}
		titles[migrationTitle(m.Name)] = m.Name
	}
	return nil
}

// Migrate applies every migration the database has not seen, each in its own
// transaction together with its schema_migrations row. Several processes may migrate
// at once: the row insert serialises them, and a loser finds the version applied.
// It returns the versions it applied.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	applied, err := db.migrate(ctx, 0)
	if err == nil {
		db.noScopes, db.oldCounts = false, false // the schema is the current one
	}
	return applied, err
}

// migrate applies the migrations Migrate does, stopping after version last unless
// last is 0. Tests stop early to write data in an older schema and check what a
// later migration makes of it.
func (db *DB) migrate(ctx context.Context, last int) ([]int, error) {
	ms, err := Migrations(db.engine)
	if err != nil {
		return nil, err
	}
	err = db.InTx(ctx, func(c *Conn) error {
		return c.tx.script(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`)
	})
	if err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	err = db.InTx(ctx, func(c *Conn) error {
		recorded, err := c.recordedMigrations(ctx)
		if err != nil {
			return fmt.Errorf("read applied migrations: %w", err)
		}
		if err := refuseUnknownMigrations(recorded, ms); err != nil {
			return err
		}
		if err := c.renumberApplied(ctx, ms, recorded); err != nil {
			return fmt.Errorf("renumber applied migrations: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range ms {
		if last > 0 && m.Version > last {
			break
		}
		err := db.InTx(ctx, func(c *Conn) error {
			var seen int
			err := c.row(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, []any{m.Version}, &seen)
			if err != nil || seen > 0 {
				return err
			}
			if _, err := c.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.Version, m.Name, domain.SystemClock{}.Now().UnixMicro()); err != nil {
				return err
			}
			if err := c.tx.script(ctx, m.SQL); err != nil {
				return fmt.Errorf("apply %s: %w", m.Name, err)
			}
			applied = append(applied, m.Version)
			return nil
		})
		var dup *ErrUnique
		if errors.As(err, &dup) {
			continue // another process applied it first
		}
		if err != nil {
			return applied, err
		}
	}
	if p, ok := db.pool.(*sqlitePool); ok {
		// From migration 0044 on, commits index the accounts their writes noted.
		if err := p.noteSearchSchema(ctx); err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// migrationTitle is a migration file's name without its number: what stays when a
// migration is renumbered.
func migrationTitle(name string) string {
	_, title, _ := strings.Cut(name, "_")
	return title
}

// ErrNewerSchema is the error of a start on a database that a newer build of
// Cascade migrated: it holds a migration this build does not have, whose tables,
// triggers or columns this build's writes would not keep as that migration expects
// (an account created by a build before 0044 on SQLite, say, would never enter the
// name search), so it refuses to run rather than write what the newer build would
// then read wrong.
var ErrNewerSchema = errors.New("the database was migrated by a newer build of Cascade")

// recordedMigrations returns the migrations schema_migrations records, by version.
func (c *Conn) recordedMigrations(ctx context.Context) (map[int64]string, error) {
	recorded := map[int64]string{}
	err := eachRow(ctx, c, `SELECT version, name FROM schema_migrations`, nil, func(sc scanner) error {
		var v int64
		var name string
		err := sc.Scan(&v, &name)
		recorded[v] = name
		return err
	})
	return recorded, err
}

// refuseUnknownMigrations returns ErrNewerSchema, naming the migrations, when
// recorded holds one whose title none of ms has: migrations are append-only and
// keep their titles, so such a record was written by a newer build.
func refuseUnknownMigrations(recorded map[int64]string, ms []Migration) error {
	known := make(map[string]bool, len(ms))
	for _, m := range ms {
		known[migrationTitle(m.Name)] = true
	}
	var unknown []string
	for _, name := range recorded {
		if !known[migrationTitle(name)] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("%w: it has %s, which this build (last migration %s) does not; run that build or a later one",
		ErrNewerSchema, strings.Join(unknown, ", "), ms[len(ms)-1].Name)
}

// renumberApplied moves the rows of applied migrations that were renumbered since
// (the same title under another number, as when two changes made at once took the
// same number and one moved up) to their numbers now, so the migration is not
// applied twice and the one that took its old number is not taken for applied. The
// rows move through negative numbers, so two migrations may swap. A recorded number
// that another applied migration must take is refused: the history cannot be told.
// recorded is what schema_migrations holds (recordedMigrations).
func (c *Conn) renumberApplied(ctx context.Context, ms []Migration, recorded map[int64]string) error {
	now := make(map[string]Migration, len(ms))
	for _, m := range ms {
		now[migrationTitle(m.Name)] = m
	}
	moves := map[int64]Migration{} // recorded version -> the migration it is now
	for v, name := range recorded {
		if m, ok := now[migrationTitle(name)]; ok && int64(m.Version) != v {
			moves[v] = m
		}
	}
	for v, m := range moves {
		if other, taken := recorded[int64(m.Version)]; taken {
			if _, moving := moves[int64(m.Version)]; !moving {
				return fmt.Errorf("%s was applied as version %d, and version %d is recorded as %s",
					m.Name, v, m.Version, other)
			}
		}
		if _, err := c.exec(ctx, `UPDATE schema_migrations SET version = $1 WHERE version = $2`, -v, v); err != nil {
			return err
		}
	}
	for v, m := range moves {
		if _, err := c.exec(ctx, `UPDATE schema_migrations SET version = $1, name = $2 WHERE version = $3`,
			m.Version, m.Name, -v); err != nil {
			return err
		}
	}
	return nil
}
