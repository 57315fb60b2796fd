package store

import "sync/atomic"

// statementCount counts the statements a DB runs, reads and writes alike, so tests
// can hold a use case to the statements its data needs (see Statements).
type statementCount struct{ n atomic.Uint64 }

// counted records one statement.
func (s *statementCount) counted() { s.n.Add(1) }

// Statements returns how many statements db has run since it was opened: every
// query and exec, on the read pool and in write transactions, BEGIN and COMMIT not
// included. Compare two readings around a call made while nothing else runs.
func (db *DB) Statements() uint64 { return db.statements.n.Load() }
