# Shell functions every benchmark script of bench/ sources: messages and free ports.

say() { printf '== %s\n' "$*" >&2; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 1
}

# in_use PORT succeeds when something listens on 127.0.0.1:PORT.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port prints a port of 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 30000))
		in_use "$p" || {
			echo "$p"
			return
		}
	done
	die "no free port found"
}

# The processes a script started (PIDS) and the PostgreSQL schemas it made on PG_URL
# (PG_SCHEMAS, with PSQL), which cleanup stops and drops on exit.
PIDS=()
PG_URL=
PG_SCHEMAS=()
PSQL=psql
cleanup() {
	local pid schema
	for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	for schema in "${PG_SCHEMAS[@]}"; do
		"$PSQL" -q "$PG_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
	done
	pg_stop
}
pg_stop() { :; } # replaced by a script that starts a PostgreSQL cluster of its own
trap cleanup EXIT
trap 'exit 130' INT TERM

# random_hex N prints N random bytes in hex.
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# new_pg_schema LABEL creates a fresh schema bench_LABEL_<random> on PG_URL, which
# cleanup drops, and sets PG_SCHEMA to its name and PG_SCHEMA_URL to the URL of a
# connection that uses it. It sets variables rather than printing, so that it is not
# called in a subshell, which would lose the schema from PG_SCHEMAS.
new_pg_schema() {
	PG_SCHEMA="bench_$1_$(random_hex 6)"
	"$PSQL" -q "$PG_URL" -c "CREATE SCHEMA $PG_SCHEMA" >/dev/null || die "cannot create schema $PG_SCHEMA"
	PG_SCHEMAS+=("$PG_SCHEMA")
	case "$PG_URL" in
	*\?*) PG_SCHEMA_URL="$PG_URL&search_path=$PG_SCHEMA" ;;
	*) PG_SCHEMA_URL="$PG_URL?search_path=$PG_SCHEMA" ;;
	esac
}
