// Command rawinsert is the ceiling of the write benchmark (bench/run.sh writes): a
// net/http server whose every POST opens a transaction, inserts one account row of
// the shape Cascade writes into the same accounts table, commits, and answers a fixed
// body of the size Cascade's answer has. It is what a create costs with nothing but
// the one INSERT: no validation, no references, no owner user. With -orders it writes
// the four rows a sales order is about instead, each in a transaction of its own
// (orders.go); with -floor every row a sales order keeps, in one (floor.go).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	_ "net/http/pprof" // serves profiles on -pprof's address only
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cascade-billing/cascade/bench/rawdb"
)

// insert writes one account the way Cascade's store does: every column, the
// reseller's currency given.
const insert = `INSERT INTO accounts (reseller_id, account_type_id, account_class_key, name,
	primary_name, first_name, middle_name, last_name, email, country, region, city, street, building,
	office, zip, phone, inn, status, manager_id, owner_id, tech_user_id, currency, balance, credit_limit,
	credit_limit_use_system, external_key, custom_attributes, created_at, updated_at, name_folded)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
	$21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)`

func main() {
	addr := flag.String("addr", "127.0.0.1:18082", "listen address")
	dbURL := flag.String("db", "", "sqlite:PATH or postgres://... of a database Cascade has migrated and seeded (required)")
	bodyFile := flag.String("body", "", "file holding the body to answer (required)")
	pool := flag.Int("pool", 8, "PostgreSQL connections")
	pprofAddr := flag.String("pprof", "", "address to serve net/http/pprof on (off when empty)")
	orders := flag.Bool("orders", false, "write a subscription, order, payment and job per request, each its own transaction")
	floor := flag.Bool("floor", false, "write a sales order's rows per request in one round trip (PostgreSQL; floor.go)")
	flag.Parse()
	db, sqlite, err := rawdb.Open(*dbURL, *pool)
	if err != nil {
		log.Fatalf("rawinsert: %v", err)
	}
	if done, err := rowsMode(db, sqlite); done {
		if err != nil {
			log.Fatalf("rawinsert: %v", err)
		}
		return
	}
	body, err := os.ReadFile(*bodyFile)
	if err != nil {
		log.Fatalf("rawinsert: read body: %v", err)
	}
	query := insert
	if sqlite {
		query = strings.NewReplacer("$", "?").Replace(insert) // ?NNN keeps the numbering
	}
	stmt, err := db.Prepare(query)
	if err != nil {
		log.Fatalf("rawinsert: prepare: %v", err)
	}
	var seq atomic.Int64
	run := time.Now().UnixNano()
	write := func(ctx context.Context) error {
		return insertOne(ctx, db, stmt, fmt.Sprintf("raw%d-%d@example.com", run, seq.Add(1)))
	}
	if *orders {
		ow, err := newOrderWriter(db, sqlite)
		if err != nil {
			log.Fatalf("rawinsert: %v", err)
		}
		write = func(ctx context.Context) error { return ow.write(ctx, run, seq.Add(1)) }
	}
	if *floor {
		if sqlite {
			log.Fatal("rawinsert: -floor needs PostgreSQL")
		}
		f, err := newOrderFloor(context.Background(), *dbURL, *pool)
		if err != nil {
			log.Fatalf("rawinsert: %v", err)
		}
		write = func(ctx context.Context) error { return f.write(ctx, seq.Add(1)) }
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if err := write(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("X-Request-Id", "rawinsert")
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	})
	if *pprofAddr != "" {
		go func() { log.Print(http.ListenAndServe(*pprofAddr, nil)) }() // pprof's handlers are on the default mux
	}
	log.Printf("rawinsert: answering %d bytes on %s", len(body), *addr)
	log.Fatal(http.ListenAndServe(*addr, h))
}

// insertOne runs the transaction of one request.
func insertOne(ctx context.Context, db *sql.DB, stmt *sql.Stmt, email string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UnixMicro()
	if _, err := tx.StmtContext(ctx, stmt).ExecContext(ctx, 1, 2, "default", "Bench Writer", "", "Bench", "",
		"Writer", email, "", "", "", "", "", "", "", "", "", "active", nil, nil, nil, "USD", 0, 0, true, nil,
		"{}", now, now, "bench writer"); err != nil {
		return err
	}
	return tx.Commit()
}
