#!/usr/bin/env bash
# Renewals benchmark (run it as bench/run.sh renewals; see bench/README.md): the
# scheduler pass that makes the automatic renewal orders of RENEWALS subscriptions
# that all fall due at one instant, timed, beside the same rows written by plain
# single-row INSERT transactions (bench/rawinsert -rows) on the same database.
#
# For each engine: a fresh database seeded with `cascade seed --bench-plans 20
# --bench-accounts 1000 --bench-subscriptions RENEWALS --bench-renewal-day DAY`
# (every plan on a service term that renews 3 days ahead; half the subscriptions
# prepaid, half postpaid), `cascade serve` with the test clock on it, and one
# POST /api/v3/test_clock/advance to DAY's midnight, which runs every due pass before
# it answers: here only the renewal pass has work. Then a second advance, which must
# make nothing, the checks (every subscription renewed once), and the baseline.
# On SQLite and, when CASCADE_BENCH_POSTGRES_URL is set, on PostgreSQL.
#
# Settings (environment):
#   RENEWALS=100000   subscriptions due (the targets scale with it)
#   ENGINES="sqlite postgres"    the engines to measure (postgres only with the URL below)
#   CASCADE_BENCH_POSTGRES_URL   a PostgreSQL server to measure too; the script makes a
#                     schema of its own there and drops it at the end
#   PROFILE=0         when N > 0, save a CPU profile of the server's first N seconds
#                     of the pass to bench/out/renewals/cpu-ENGINE.pprof
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/out/renewals
RENEWALS=${RENEWALS:-100000}
ENGINES=${ENGINES:-"sqlite postgres"}
PROFILE=${PROFILE:-0}
# The targets, for 100,000 renewals: the pass's seconds, at most; scaled to RENEWALS.
declare -A TARGET_100K=([sqlite]=60 [postgres]=30)

. bench/lib.sh
PG_URL=${CASCADE_BENCH_POSTGRES_URL:-}
command -v curl >/dev/null 2>&1 || die "curl is required"
[ -z "$PG_URL" ] || command -v psql >/dev/null 2>&1 || die "psql is required with CASCADE_BENCH_POSTGRES_URL"

rm -rf "$OUT"
mkdir -p "$OUT"
say "building"
go build -o "$OUT/cascade" ./cmd/cascade
go build -o "$OUT/rawinsert" ./bench/rawinsert

JSONAPI="Content-Type: application/vnd.api+json"
# The day every renewal falls due: two days ahead, so none is due when the server
# starts; the test clock moves to its midnight (UTC, the server's zone here).
DAY=$(date -u -d '+2 days' +%F)

# counts DB LABEL saves rawinsert -count's line of DB to $OUT/counts-LABEL.txt.
counts() { "$OUT/rawinsert" -db "$1" -count >"$OUT/counts-$2.txt" || die "counting rows failed"; }

# field NAME FILE prints the value of NAME=... in FILE.
field() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"; }

# backends PID prints the process ids of the PostgreSQL server processes serving
# process PID's connections, when the server runs on this machine.
backends() {
	local ports
	ports=$(ss -tnpH 2>/dev/null | awk -v p="pid=$1," 'index($0, p) { n = split($4, a, ":"); print a[n] }' | paste -sd, -)
	[ -n "$ports" ] || return 0
	"$PSQL" -Atq "$PG_URL" -c "SELECT pid FROM pg_stat_activity WHERE client_port IN ($ports)" 2>/dev/null || true
}

# advance BASE BODY prints the seconds POST /api/v3/test_clock/advance took.
advance() {
	local status
	status=$(curl -s -o "$OUT/advance.json" -w '%{http_code} %{time_total}' -X POST -H "X-Api-Token: $TOKEN" \
		-H "$JSONAPI" "$1/api/v3/test_clock/advance" --data "$2")
	case $status in 200\ *) echo "${status#* }" ;; *) die "advance answered $status: $(cat "$OUT/advance.json")" ;; esac
}

# measure ENGINE seeds, runs the pass and its baseline, and appends the engine's line.
measure() {
	local engine=$1 db port base pid secs pass_secs again before after rows spec t d renewed orders
	if [ "$engine" = sqlite ]; then
		db="sqlite:$OUT/renewals.db"
	else
		new_pg_schema renewals
		db=$PG_SCHEMA_URL
	fi
	say "$engine: seeding $RENEWALS subscriptions renewing on $DAY"
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/cascade" seed --db "$db" --bench-plans 20 --bench-accounts 1000 \
		--bench-subscriptions "$RENEWALS" --bench-renewal-day "$DAY" >"$OUT/seed-$engine.out" 2>&1 ||
		die "seeding failed; see $OUT/seed-$engine.out"
	counts "$db" "$engine-before"
	port=$(free_port)
	local pprof=()
	if [ "$PROFILE" -gt 0 ]; then pprof=(CASCADE_PPROF_ADDR="127.0.0.1:$(free_port)"); fi
	env CASCADE_ADMIN_TOKEN="$TOKEN" CASCADE_TEST_CLOCK=1 "${pprof[@]}" "$OUT/cascade" serve \
		--addr "127.0.0.1:$port" --db "$db" --timezone UTC >"$OUT/serve-$engine.out" 2>"$OUT/serve-$engine.log" &
	pid=$!
	PIDS+=("$pid")
	base="http://127.0.0.1:$port"
	wait_ready cascade "$pid" "$base/readyz"
	local prof=
	if [ "$PROFILE" -gt 0 ]; then
		curl -s -o "$OUT/cpu-$engine.pprof" "http://${pprof[0]#*=}/debug/pprof/profile?seconds=$PROFILE" &
		prof=$!
		sleep 0.2
	fi
	say "$engine: advancing the test clock to $DAY"
	local pg_pids=() cpu0 pg0 cpu pg_cpu=
	[ "$engine" = sqlite ] || mapfile -t pg_pids < <(backends "$pid")
	cpu0=$(ticks "$pid") pg0=$(ticks "${pg_pids[@]}")
	secs=$(advance "$base" "{\"data\":{\"type\":\"test_clocks\",\"attributes\":{\"to\":\"${DAY}T00:00:00+00:00\"}}}")
	cpu=$(awk -v a="$cpu0" -v b="$(ticks "$pid")" 'BEGIN { printf "%.2f", (b - a) / 100 }')
	if [ "$engine" != sqlite ]; then
		# Connections the pool opened during the pass count from their start.
		mapfile -t pg_pids < <(printf '%s\n' "${pg_pids[@]}" $(backends "$pid") | sort -u)
		pg_cpu=$(awk -v a="$pg0" -v b="$(ticks "${pg_pids[@]}")" 'BEGIN { printf "%.2f", (b - a) / 100 }')
	fi
	counts "$db" "$engine-after"
	say "$engine: advancing a minute more: nothing may be renewed twice"
	again=$(advance "$base" '{"data":{"type":"test_clocks","attributes":{"by":"PT1M"}}}')
	counts "$db" "$engine-again"
	[ -z "$prof" ] || wait "$prof" || die "the profile failed"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	pass_secs=$(grep '"scheduler pass ran"' "$OUT/serve-$engine.log" | grep '"renew_subscriptions"' | head -1 |
		sed 's/.*"seconds":\([0-9.e-]*\).*/\1/')
	[ -n "$pass_secs" ] || die "no renew_subscriptions line in $OUT/serve-$engine.log"

	# What the pass wrote: the rows it added to each table.
	before="$OUT/counts-$engine-before.txt" after="$OUT/counts-$engine-after.txt"
	rows=0 spec=""
	for t in orders order_lines payments jobs; do
		d=$(($(field "$t" "$after") - $(field "$t" "$before")))
		rows=$((rows + d))
		[ "$d" -eq 0 ] || spec+="${spec:+,}$t=$d"
	done
	renewed=$(($(field renewed "$after") - $(field renewed "$before")))
	orders=$(($(field renewal_orders "$after") - $(field renewal_orders "$before")))
	local ok=true
	if [ "$renewed" -ne "$RENEWALS" ] || [ "$orders" -ne "$RENEWALS" ]; then
		say "$engine: $orders renewal orders for $renewed subscriptions, want $RENEWALS each"
		ok=false
	fi
	if ! cmp -s "$after" "$OUT/counts-$engine-again.txt"; then
		say "$engine: the second advance wrote rows: $(cat "$OUT/counts-$engine-again.txt")"
		ok=false
	fi

	say "$engine: the baseline: $spec, a transaction each"
	"$OUT/rawinsert" -db "$db" -rows "$spec" >"$OUT/raw-$engine.txt" || die "rawinsert -rows failed"
	local raw_secs raw_rps pass_rps target ratio verdict raw_cpu raw_pg
	raw_secs=$(field seconds "$OUT/raw-$engine.txt")
	raw_rps=$(field rows_per_s "$OUT/raw-$engine.txt")
	raw_cpu=$(field cpu_s "$OUT/raw-$engine.txt")
	raw_pg=$(field server_cpu_s "$OUT/raw-$engine.txt")
	pass_rps=$(awk -v r="$rows" -v s="$pass_secs" 'BEGIN { printf "%.1f", r / s }')
	ratio=$(ratio "$pass_rps" "$raw_rps" %.2f)
	target=$(awk -v t="${TARGET_100K[$engine]}" -v n="$RENEWALS" 'BEGIN { printf "%.1f", t * n / 100000 }')
	verdict=$(verdict "$pass_secs < $target")
	$ok || verdict=FAIL
	[ "$verdict" = PASS ] || ALL_PASS=false
	printf '%-9s %8s %8s %7.2f %7.2f %7s %9s %7.2f %9s %6s %6s %s\n' "$engine" "$RENEWALS" "$renewed" "$pass_secs" \
		"$secs" "$rows" "$pass_rps" "$raw_secs" "$raw_rps" "$ratio" "<$target" "$verdict" >>"$OUT/renewals.txt"
	printf '%-9s %14s %14s %20s %20s\n' "$engine" "$cpu" "${pg_cpu:--}" "$raw_cpu" "${raw_pg:--}" >>"$OUT/cpu.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=renewals engine=$engine renewals=$RENEWALS renewed=$renewed" \
		"pass_s=$pass_secs advance_s=$secs rows=$rows rows_per_s=$pass_rps raw_s=$raw_secs raw_rows_per_s=$raw_rps" \
		"ratio=$ratio cascade_cpu_s=$cpu postgres_cpu_s=${pg_cpu:--} raw_cpu_s=$raw_cpu raw_postgres_cpu_s=${raw_pg:--}" \
		"second_advance_s=$again verdict=$verdict" >>bench/out/history.txt
}

ALL_PASS=true
: >"$OUT/renewals.txt"
: >"$OUT/cpu.txt"
for engine in $ENGINES; do
	[ "$engine" = sqlite ] || [ -n "$PG_URL" ] || continue
	measure "$engine"
done

{
	echo
	echo "The automatic renewals of $RENEWALS subscriptions due on one day (half prepaid, half postpaid), one pass;"
	echo "baseline: the rows the pass added, each INSERT in a transaction of its own, on the same database."
	echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	printf '%-9s %8s %8s %7s %7s %7s %9s %7s %9s %6s %6s %s\n' engine due renewed "pass s" "adv. s" rows \
		"rows/s" "raw s" "raw rows/s" ratio target verdict
	cat "$OUT/renewals.txt"
	echo
	echo "CPU seconds: of Cascade and of its PostgreSQL server processes during the advance, of rawinsert and its"
	echo "server process while it wrote the baseline's rows (these move less than the seconds on a busy machine)"
	printf '%-9s %14s %14s %20s %20s\n' engine "cascade cpu s" "postgres cpu s" "rawinsert cpu s" "its postgres cpu s"
	cat "$OUT/cpu.txt"
} | tee "$OUT/report.txt"
$ALL_PASS
