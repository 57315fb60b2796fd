#!/usr/bin/env bash
# Write benchmark: POST /api/v3/resellers/1/accounts (an account create with a new
# owner user) measured with wrk side by side with bench/rawinsert, a net/http server
# whose every request is one transaction holding one INSERT of an account row into
# the same table, answering a body of the same size. At 1, 8 and 32 clients, on
# SQLite and, when CASCADE_BENCH_POSTGRES_URL is set, on PostgreSQL. Run it as
# bench/run.sh writes; see bench/README.md.
#
# Settings (environment):
#   DURATION=20      measured seconds per server and client count, over ROUNDS alternations
#   ROUNDS=2         alternations: raw, cascade, raw, cascade, ...
#   WARMUP=3         seconds of unmeasured load on each server first
#   CLIENTS="1 8 32" wrk connections, one measurement each
#   THREADS=2        wrk threads (at most the connections)
#   ENGINES="sqlite postgres"   the engines to measure (postgres only with the URL below)
#   CASCADE_BENCH_POSTGRES_URL   a PostgreSQL server to measure too; each run makes two
#                    schemas of its own there and drops them at the end
#   BASELINE=path    another build of Cascade measured in the same alternation, for
#                    before/after figures; its ratio to raw is the last column
#   PROFILE=0        when > 0, after each engine's measurements load each server for
#                    PROFILE more seconds at PROFILE_CLIENTS (8) connections and save
#                    CPU profiles to bench/out/writes/cpu-{cascade,raw}-ENGINE.pprof
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/out/writes
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-3}
CLIENTS=${CLIENTS:-"1 8 32"}
THREADS=${THREADS:-2}
ENGINES=${ENGINES:-"sqlite postgres"}
PROFILE=${PROFILE:-0}
BASELINE=${BASELINE:-}
PROFILE_CLIENTS=${PROFILE_CLIENTS:-8}
TARGET_RATIO=0.6 # cascade creates/s / raw inserts/s, at least, at every client count

. bench/lib.sh
PG_URL=${CASCADE_BENCH_POSTGRES_URL:-}
need_wrk
command -v curl >/dev/null 2>&1 || die "curl is required"
[ -z "$PG_URL" ] || command -v psql >/dev/null 2>&1 || die "psql is required with CASCADE_BENCH_POSTGRES_URL"
[ $((DURATION / ROUNDS)) -ge 1 ] || die "DURATION must be at least ROUNDS seconds"

rm -rf "$OUT"
mkdir -p "$OUT"
say "building"
go build -o "$OUT/cascade" ./cmd/cascade
go build -o "$OUT/rawinsert" ./bench/rawinsert

CREATE=/api/v3/resellers/1/accounts

# database ENGINE NAME [BIN] sets DB to the URL of a fresh database seeded with the
# operator by Cascade built as BIN (this tree's by default).
database() {
	if [ "$1" = sqlite ]; then
		DB="sqlite:$OUT/$2.db"
	else
		new_pg_schema writes
		DB=$PG_SCHEMA_URL
	fi
	env CASCADE_ADMIN_TOKEN="$TOKEN" "${3:-$OUT/cascade}" seed --db "$DB" >"$OUT/seed-$2.out" 2>&1 ||
		die "seeding $2 failed; see $OUT/seed-$2.out"
}

# run_wrk URL CLIENTS SECONDS NAME prints wrk's RESULT line.
run_wrk() {
	wrk -t"$(($2 < THREADS ? $2 : THREADS))" -c"$2" -d"${3}s" --latency -s bench/writes.lua \
		-H "X-Api-Token: $TOKEN" -H "Content-Type: application/vnd.api+json" "$1" -- "$4" >"$OUT/wrk-$4.txt"
	grep '^RESULT' "$OUT/wrk-$4.txt" || die "no RESULT line in $OUT/wrk-$4.txt"
}

: >"$OUT/summary.txt"
ALL_PASS=true
TARGETS=(raw cascade)
[ -z "$BASELINE" ] || TARGETS+=(baseline)

# start_cascade NAME BIN ENGINE starts Cascade built as BIN on a fresh database of
# its own, with a profiling listener when PROFILE is set, and sets URL[NAME].
start_cascade() {
	local name=$1 bin=$2 engine=$3 port env=(CASCADE_ADMIN_TOKEN="$TOKEN")
	database "$engine" "$name-$engine" "$bin"
	port=$(free_port)
	[ "$PROFILE" -le 0 ] || env+=(CASCADE_PPROF_ADDR="127.0.0.1:${PPROF[$name]}")
	env "${env[@]}" "$bin" serve --addr "127.0.0.1:$port" --db "$DB" \
		>"$OUT/$name-$engine.out" 2>"$OUT/$name-$engine.log" &
	SERVERS+=($!)
	PIDS+=($!)
	URL[$name]="http://127.0.0.1:$port$CREATE"
	wait_ready "$name" "$!" "http://127.0.0.1:$port/readyz"
}

for engine in $ENGINES; do
	[ "$engine" = sqlite ] || [ -n "$PG_URL" ] || continue
	say "$engine: seeding a database per server"
	declare -A URL=() PPROF=()
	for t in "${TARGETS[@]}"; do PPROF[$t]=$(free_port); done
	SERVERS=()
	start_cascade cascade "$OUT/cascade" "$engine"
	[ -z "$BASELINE" ] || start_cascade baseline "$BASELINE" "$engine"

	# The raw server answers with the bytes of one of Cascade's answers.
	status=$(curl -s -o "$OUT/body-$engine.json" -w '%{http_code}' -X POST -H "X-Api-Token: $TOKEN" \
		-H "Content-Type: application/vnd.api+json" "${URL[cascade]}" \
		--data '{"data":{"type":"accounts","attributes":{"account_type_id":2,"first_name":"Bench","last_name":"Writer","email":"probe@example.com"}}}')
	[ "$status" = 201 ] || die "cascade: POST $CREATE answered $status: $(cat "$OUT/body-$engine.json")"
	database "$engine" "raw-$engine"
	raw_port=$(free_port)
	"$OUT/rawinsert" -addr "127.0.0.1:$raw_port" -db "$DB" -body "$OUT/body-$engine.json" \
		-pprof "$([ "$PROFILE" -le 0 ] || echo "127.0.0.1:${PPROF[raw]}")" 2>"$OUT/raw-$engine.log" &
	SERVERS+=($!)
	PIDS+=($!)
	URL[raw]="http://127.0.0.1:$raw_port$CREATE"
	wait_ready rawinsert "$!" "${URL[raw]}" -X POST

	for c in $CLIENTS; do
		segs="$OUT/segments-$engine-$c.txt"
		: >"$segs"
		for t in "${TARGETS[@]}"; do
			say "$engine, $c clients: warm-up of $t, ${WARMUP}s"
			run_wrk "${URL[$t]}" "$c" "$WARMUP" "warmup-$engine-$c-$t" >/dev/null
		done
		for round in $(seq 1 "$ROUNDS"); do
			for t in "${TARGETS[@]}"; do
				say "$engine, $c clients, round $round/$ROUNDS: $t, $((DURATION / ROUNDS))s"
				line=$(run_wrk "${URL[$t]}" "$c" "$((DURATION / ROUNDS))" "$engine-$c-$t-$round")
				echo "$t $line" >>"$segs"
			done
		done
		declare -A RPS P99 BAD
		for t in "${TARGETS[@]}"; do
			read -r "RPS[$t]" "P99[$t]" "BAD[$t]" < <(result_of "$t" "$segs")
		done
		ratio=$(ratio "${RPS[cascade]}" "${RPS[raw]}" %.3f)
		pass=$(verdict "$ratio >= $TARGET_RATIO && ${BAD[raw]} + ${BAD[cascade]} == 0")
		[ "$pass" = PASS ] || ALL_PASS=false
		base=-
		[ -z "$BASELINE" ] || base=$(ratio "${RPS[baseline]}" "${RPS[raw]}" %.3f)
		printf '%-9s %7s %12s %12s %7s %8s %14s %14s %7s %-7s %s\n' "$engine" "$c" "${RPS[raw]}" "${RPS[cascade]}" \
			"$ratio" ">=$TARGET_RATIO" "${P99[raw]}" "${P99[cascade]}" "$((BAD[raw] + BAD[cascade]))" "$pass" \
			"$base" >>"$OUT/summary.txt"
		echo "RUN $(date -u +%FT%TZ) scenario=writes engine=$engine clients=$c raw_rps=${RPS[raw]}" \
			"cascade_rps=${RPS[cascade]} ratio=$ratio raw_p99_us=${P99[raw]} cascade_p99_us=${P99[cascade]}" \
			"baseline_ratio=$base" >>bench/out/history.txt
	done
	if [ "$PROFILE" -gt 0 ]; then
		for t in "${TARGETS[@]}"; do
			say "$engine: ${PROFILE}s of CPU profile of $t at $PROFILE_CLIENTS clients"
			curl -sf -o "$OUT/cpu-$t-$engine.pprof" \
				"http://127.0.0.1:${PPROF[$t]}/debug/pprof/profile?seconds=$PROFILE" &
			curl_pid=$!
			postgres_snapshot "$OUT/postgres-ticks"
			run_wrk "${URL[$t]}" "$PROFILE_CLIENTS" "$((PROFILE + 2))" "profile-$engine-$t" >"$OUT/profile-$engine-$t.txt"
			pg_used=$(postgres_since "$OUT/postgres-ticks")
			wait "$curl_pid" || die "no CPU profile of $t"
			reqs=$(wrk_requests "$OUT/profile-$engine-$t.txt")
			case $t in
			cascade) bin="$OUT/cascade" ;;
			raw) bin="$OUT/rawinsert" ;;
			baseline) bin=$BASELINE ;;
			esac
			cpu_per_request "$t" "$engine" "$bin" "$PROFILE" "$OUT/cpu-$t-$engine.pprof" "$reqs" |
				tee -a "$OUT/profile.txt"
			[ "$engine" = postgres ] && [ "$pg_used" -gt 0 ] &&
				awk -v t="$t" -v n="$reqs" -v j="$pg_used" -v hz="$(getconf CLK_TCK)" \
					'BEGIN { printf "%s postgres: %.3f ms CPU of the PostgreSQL server processes per request\n", t, j * 1000 / hz / n }' |
				tee -a "$OUT/profile.txt"
		done
	fi
	kill "${SERVERS[@]}" 2>/dev/null || true
	wait "${SERVERS[@]}" 2>/dev/null || true
done

{
	echo
	echo "POST $CREATE (new owner each time) against one INSERT per transaction;" \
		"${DURATION}s per server and client count in $ROUNDS rounds"
	echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	printf '%-9s %7s %12s %12s %7s %8s %14s %14s %7s %-7s %s\n' engine clients "raw/s" "cascade/s" ratio target \
		"raw p99 us" "cascade p99 us" errors verdict baseline
	cat "$OUT/summary.txt"
} | tee "$OUT/report.txt"
$ALL_PASS
