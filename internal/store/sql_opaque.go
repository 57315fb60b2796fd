package store

import "strconv"

// opaqueInt is the SQL of bound argument n as an integer whose value SQLite's
// planner does not read.
//
// SQLite plans some statements with the values bound to them: a LIMIT of a bound
// argument, and, in a statement it plans as a join, an equality with a bound 0 or 1
// (its estimate for a truth value). Such a statement is prepared again whenever it
// is bound a value that could change the plan: any other LIMIT, or an id that moves
// between 1 and anything else. A prepared statement cached for the writer then cost
// a compile on nearly every run in a workload that alternates two values, such as
// the job claim, whose limit is 1 for a busy worker's next job and the free
// workers' count for a poll, or a sale read of an account joined with its class
// when one of the accounts is the first. The CAST is an expression the planner does
// not evaluate, so the plan stays and the statement runs as prepared; PostgreSQL
// reads it as the same bigint. TestStatementsKeepTheirPlans holds this.
func opaqueInt(n int) string {
	return "CAST($" + strconv.Itoa(n) + " AS BIGINT)"
}
