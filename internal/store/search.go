package store

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A "contains" filter asks for the rows whose folded text holds the folded term
// anywhere: LIKE '%term%' on the folded column, which no B-tree index serves.
// Migration 0009 gives every searchable column a substring index, and contains
// builds the condition that index answers, with the same matches as the LIKE:
//
//   - SQLite: an FTS5 table with the trigram tokenizer per column (column.search),
//     kept in step by triggers. The term, quoted as one FTS5 string, is a phrase of
//     its trigrams, which matches where the trigrams follow each other: exactly
//     where the term occurs. A term of fewer than three characters has no trigram
//     and is searched with LIKE on the folded column, reading every row the other
//     conditions leave. Accounts' names enter their table in batches, and until
//     then the rows waiting are searched by LIKE beside the match (column.pending,
//     search_at_commit.go).
//   - PostgreSQL: a pg_trgm GIN index on the folded column serves the LIKE itself.
//     pg_trgm takes trigrams only from runs of letters and digits, so a term
//     without three of them in a row would make the index read all of itself; such
//     a term is searched with strpos instead, which the planner does not try to
//     serve from the index.
//
// Each form is its own SQL text, so a prepared statement keeps a plan fit for it.

// minSearchRunes is the shortest term a trigram index can look up.
const minSearchRunes = 3

// contains returns the condition "the folded text of col holds term", term folded.
func (b *sqlBuilder) contains(col column, term string) string {
	switch {
	case b.engine == SQLite && col.search != "" && utf8.RuneCountInString(term) >= minSearchRunes:
		in := "SELECT rowid FROM " + col.search + " WHERE " + col.search + " MATCH " + b.arg(ftsString(term))
		if col.pending != "" {
			in += " UNION ALL " + fmt.Sprintf(col.pending, b.arg(likePattern(term)))
		}
		return rowID(col.folded) + " IN (" + in + ")"
	case b.engine == Postgres && !trigramTerm(term):
		return "strpos(" + col.folded + ", " + b.arg(term) + ") > 0"
	}
	return col.folded + " LIKE " + b.arg(likePattern(term)) + ` ESCAPE '\'`
}

// rowID returns the id column of the table that folded (e.g. "a.name_folded")
// belongs to: every searchable table has an INTEGER PRIMARY KEY id, which on SQLite
// is the rowid its FTS5 table is keyed by.
func rowID(folded string) string {
	alias, _, _ := strings.Cut(folded, ".")
	return alias + ".id"
}

// ftsString quotes term as an FTS5 string: inside double quotes every character
// stands for itself (operators such as AND, NEAR, * or ^ included) and a double
// quote is written twice.
func ftsString(term string) string {
	return `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
}

// trigramTerm reports whether pg_trgm can look term up: it holds three letters or
// digits in a row, a word of which pg_trgm takes at least one trigram.
func trigramTerm(term string) bool {
	run := 0
	for _, r := range term {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			run = 0
			continue
		}
		if run++; run >= minSearchRunes {
			return true
		}
	}
	return false
}

// likePattern is the LIKE pattern, with '\' as its escape, of the texts holding term.
func likePattern(term string) string { return "%" + escapeLike(term) + "%" }

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
