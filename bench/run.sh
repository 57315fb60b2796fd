#!/usr/bin/env bash
# Load benchmark of Cascade's reads on SQLite, measured with wrk side by side with a bare
# net/http server that returns a body of the same size (the machine's ceiling). See
# bench/README.md.
#
#   bench/run.sh          GET /api/v3/resellers/{id}, the hottest read, on the demo data
#   bench/run.sh lists    GET plans (pages of 50 with periods and resources) and GET
#                         accounts with filters, on a database seeded with 1,000 plans
#                         and 100,000 accounts (the seeding is timed)
#   bench/run.sh pg       GET /api/v3/resellers/{id} on PostgreSQL, against bench/rawpgx
#                         (the same query through pgx alone) and the bare server
#   bench/run.sh mixed    the accounts of one day and page 1 of the accounts, read-only
#                         and mixed with one account create per 10 requests, on the
#                         seeded database; on PostgreSQL too when
#                         CASCADE_BENCH_POSTGRES_URL is set (a database it may fill)
#   bench/run.sh memory   10,000 different account list requests (new filters, comma
#                         lists of 1 to 400 ids, page shapes), then the server's RSS
#   bench/run.sh writes   POST accounts against raw single-INSERT transactions, at 1, 8
#                         and 32 clients, on SQLite and PostgreSQL (bench/writes.sh)
#   bench/run.sh scale    uncached list requests at 10k and 1M accounts, the large
#                         figure divided by the small one (bench/scale.sh)
#   bench/run.sh orders   POST sales orders against raw single-row INSERT transactions,
#                         and the subscriptions page with orders mixed in against bare
#                         (bench/orders.sh)
#   bench/run.sh renewals the scheduler pass renewing 100,000 subscriptions due at one
#                         instant, against raw single-row INSERT transactions
#                         (bench/renewals.sh)
#   bench/run.sh billing  the billing pass invoicing a period of 100,000 postpaid
#                         subscriptions (1,000,000 on PostgreSQL), against the same
#                         charge rows by the bulk path; RSS, a page's p99 during it
#                         (bench/billing.sh)
#   bench/run.sh delivery queued provisioning events delivered to the example vendor
#                         service, against a plain Go HTTP client posting the same
#                         bodies; a page's p99 during delivery (bench/delivery.sh)
#
# Settings (environment):
#   DURATION=20      measured seconds per server, split over ROUNDS alternating runs
#   ROUNDS=2         alternations: bare, cascade, bare, cascade, ...
#   WARMUP=5         seconds of unmeasured load on each server first
#   CONNECTIONS=64   wrk connections
#   THREADS=2        wrk threads
#   RESELLER_ID=2    the reseller fetched (2 is a demo reseller with an upstream manager)
#   BASELINE=        path of another cascade binary (an older build) to measure in the
#                    same alternation, for a before/after comparison in one run
#   PROFILE=0        when > 0, after the measurement load Cascade for PROFILE more
#                    seconds and save a CPU profile to bench/out/cpu.pprof
#   PLANS=1000 ACCOUNTS=100000   the size of the lists scenario's database
#   ENGINES="sqlite postgres"    mixed and memory: the engines measured (postgres only
#                    with CASCADE_BENCH_POSTGRES_URL)
#   CASCADE_BENCH_POSTGRES_URL=  pg: the PostgreSQL server to use (each server gets a
#                    schema of its own, dropped afterwards); when unset, a throwaway
#                    cluster is started from the installed server binaries
#   POOL=            pg: connections of Cascade's pool and of rawpgx's (--db-pool-size);
#                    Cascade's default when unset
#   CASCADE_PORT, BASELINE_PORT, BARE_PORT, PPROF_PORT   free ports are picked when unset
set -euo pipefail
SCENARIO=${1:-reseller}
[ "$SCENARIO" != writes ] || exec "$(dirname "$0")/writes.sh"
[ "$SCENARIO" != scale ] || exec "$(dirname "$0")/scale.sh"
[ "$SCENARIO" != orders ] || exec "$(dirname "$0")/orders.sh"
[ "$SCENARIO" != renewals ] || exec "$(dirname "$0")/renewals.sh"
[ "$SCENARIO" != delivery ] || exec "$(dirname "$0")/delivery.sh"
[ "$SCENARIO" != billing ] || exec "$(dirname "$0")/billing.sh"

cd "$(dirname "$0")/.."
BENCH=bench
OUT=bench/out
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
RESELLER_ID=${RESELLER_ID:-2}
BASELINE=${BASELINE:-}
PROFILE=${PROFILE:-0}
PLANS=${PLANS:-1000}
ACCOUNTS=${ACCOUNTS:-100000}

# The targets: what each scenario must reach, as ratios to the reference server REF.
TARGET_RSS_MB=150 # cascade peak RSS, under
REF=bare
[ "$SCENARIO" != pg ] || REF=rawpgx
case "$SCENARIO" in
reseller)
	TARGET_RATIO=0.35    # cascade rps / bare rps, at least
	TARGET_P99_RATIO=2.0 # cascade p99 / bare p99, at most
	CASES=("/api/v3/resellers/$RESELLER_ID")
	;;
pg)
	TARGET_RATIO=0.9     # cascade rps / rawpgx rps, at least
	TARGET_P99_RATIO=1.3 # cascade p99 / rawpgx p99, at most
	CASES=("/api/v3/resellers/$RESELLER_ID")
	;;
mixed)
	TARGET_RATIO=0.7     # mixed rps / read-only rps, at least
	TARGET_P99_RATIO=3.0 # mixed p99 / read-only p99, at most
	# A day of the seeded accounts (one a minute back from now): 30 days ago, or
	# half-way back when fewer were seeded.
	DAY_AGO_MIN=$((ACCOUNTS / 2 < 43200 ? ACCOUNTS / 2 : 43200))
	CASES=(
		"/api/v3/resellers/1/accounts?filter[created_at]=$(date -u -d "$DAY_AGO_MIN minutes ago" +%F)&page[size]=50"
		"/api/v3/resellers/1/accounts?page[size]=50"
	)
	;;
memory)
	DISTINCT=${DISTINCT:-10000} # different list requests
	CASES=("/api/v3/resellers/1/accounts")
	;;
lists)
	TARGET_RATIO=0.15
	TARGET_P99_RATIO= # none set; reported only
	CASES=(
		"/api/v3/resellers/1/plans?page[size]=50"
		"/api/v3/resellers/1/accounts?filter[email]=bench77777@example.com"
		"/api/v3/resellers/1/accounts?filter[created_at]=$(date -u -d '30 days ago' +%F)&page[size]=50"
	)
	;;
*)
	echo "bench: unknown scenario $SCENARIO (reseller, lists, pg, mixed or memory)" >&2
	exit 2
	;;
esac

. bench/lib.sh

need_wrk
command -v curl >/dev/null 2>&1 || die "curl is required"
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "BASELINE=$BASELINE is not an executable"

mkdir -p "$OUT"
rm -rf "$OUT"/*.db "$OUT"/*.db-* "$OUT"/*.log "$OUT"/*.out "$OUT"/wrk-*.txt "$OUT"/body*.json \
	"$OUT"/cpu.pprof "$OUT"/segments*.txt "$OUT"/summary.txt "$OUT"/mixed-*.txt

say "building"
go build -o "$OUT/cascade" ./cmd/cascade
go build -o "$OUT/bare" ./bench/bare
[ "$SCENARIO" != pg ] || go build -o "$OUT/rawpgx" ./bench/rawpgx

CASCADE_PORT=${CASCADE_PORT:-$(free_port)}
BASELINE_PORT=${BASELINE_PORT:-$(free_port)}
BARE_PORT=${BARE_PORT:-$(free_port)}
PPROF_PORT=${PPROF_PORT:-$(free_port)}
for port in "$CASCADE_PORT" "$BARE_PORT"; do
	if in_use "$port"; then die "port $port is already in use; set CASCADE_PORT/BARE_PORT"; fi
done

declare -A URL PID DB_URL

# The pg scenario's PostgreSQL: the given server, or a throwaway cluster started the
# way .ci/run starts one. Each Cascade server gets a schema of its own (search_path).
if [ "$SCENARIO" = pg ]; then
	pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r | head -1)
	PSQL=psql
	[ -x "$pg_bin/psql" ] && PSQL="$pg_bin/psql"
	command -v "$PSQL" >/dev/null 2>&1 || die "psql is required for the pg scenario"
	PG_URL=${CASCADE_BENCH_POSTGRES_URL:-}
	if [ -z "$PG_URL" ]; then
		[ -x "$pg_bin/initdb" ] || die "set CASCADE_BENCH_POSTGRES_URL, or install the PostgreSQL server (apt-get install postgresql)"
		as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd "$pg_dir" && runuser -u postgres -- "$@"); else (cd "$pg_dir" && "$@"); fi; }
		pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/cascade-bench-pg.XXXXXX")
		[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$pg_dir"
		chmod 700 "$pg_dir"
		pg_stop() {
			as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
			rm -rf "$pg_dir"
		}
		pg_port=$(free_port)
		say "starting a throwaway PostgreSQL cluster in $pg_dir on port $pg_port"
		as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U cascade -E UTF8 --locale=C >"$OUT/pg-initdb.log" 2>&1 ||
			die "initdb failed; see $OUT/pg-initdb.log"
		as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 \
			-o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300" \
			start >/dev/null || die "PostgreSQL did not start; see $pg_dir/log"
		PG_URL="postgres://cascade@127.0.0.1:$pg_port/postgres?sslmode=disable"
	fi
	"$PSQL" -q "$PG_URL" -c "SELECT 1" >/dev/null || die "PostgreSQL at $PG_URL does not answer"
	POOL=${POOL:-}
	[ -n "$POOL" ] || POOL=$(( $(nproc) * 4 > 8 ? $(nproc) * 4 : 8 ))
fi

# The database of the lists, mixed and memory scenarios is seeded once, timed, and
# copied for each server; reseller and pg serve the demo data.
SEED_DB=
if [ "$SCENARIO" != reseller ] && [ "$SCENARIO" != pg ]; then
	SEED_DB="$OUT/seed.db"
	say "seeding $PLANS plans and $ACCOUNTS accounts into $SEED_DB"
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/cascade" seed --db "sqlite:$SEED_DB" \
		--bench-plans "$PLANS" --bench-accounts "$ACCOUNTS" | tee "$OUT/seed.out" >&2
fi

# start_cascade NAME BINARY PORT starts a server on a fresh SQLite database (or, in the
# pg scenario, a fresh PostgreSQL schema): the demo data, or a copy of the seeded one. The access log stays on, as in production: one
# JSON line per request, written to a file ($OUT/NAME.log) rather than a terminal.
start_cascade() {
	local name=$1 bin=$2 port=$3 db=${4:-sqlite:$OUT/$1.db} pprof_env=() data=(--demo) pool=()
	if [ "$name" = cascade ] && [ "$PROFILE" -gt 0 ]; then
		pprof_env=(CASCADE_PPROF_ADDR="127.0.0.1:$PPROF_PORT")
	fi
	if [ -n "$SEED_DB" ]; then
		[ "${db#sqlite:}" = "$db" ] || cp "$SEED_DB" "$OUT/$name.db"
		data=()
	fi
	if [ "$SCENARIO" = pg ]; then
		new_pg_schema "$name"
		db=$PG_SCHEMA_URL
		DB_URL[$name]=$db
		pool=(--db-pool-size "$POOL")
		say "starting $name on PostgreSQL (a pool of $POOL, access log $OUT/$name.log)"
	else
		say "starting $name on ${db%%:*} (access log $OUT/$name.log)"
	fi
	env CASCADE_ADMIN_TOKEN="$TOKEN" "${pprof_env[@]}" \
		"$bin" serve "${data[@]}" --addr "127.0.0.1:$port" --db "$db" "${pool[@]}" \
		>"$OUT/$name.out" 2>"$OUT/$name.log" &
	PID[$name]=$!
	PIDS+=("$!")
	URL[$name]="http://127.0.0.1:$port"
	wait_ready "$name" "${PID[$name]}" "${URL[$name]}/readyz"
}

# run_wrk NAME URL SECONDS [SCRIPT ARGS...] prints wrk's RESULT line and keeps the full
# output; SCRIPT (default report.lua) gets the ARGS.
run_wrk() {
	local name=$1 url=$2 secs=$3 script=${4:-$BENCH/report.lua}
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency -s "$script" \
		-H "X-Api-Token: $TOKEN" "$url" -- "${@:5}" >"$OUT/wrk-$name.txt"
	grep '^RESULT' "$OUT/wrk-$name.txt" || die "no RESULT line in $OUT/wrk-$name.txt"
}

if [ "$SCENARIO" = mixed ] || [ "$SCENARIO" = memory ]; then
	. "$BENCH/mixed.sh"
	exit
fi

SERVERS=(cascade)
start_cascade cascade "$OUT/cascade" "$CASCADE_PORT"
if [ -n "$BASELINE" ]; then
	start_cascade baseline "$BASELINE" "$BASELINE_PORT"
	SERVERS+=(baseline)
fi

# The pg scenario's reference: rawpgx on Cascade's database, with a pool as large.
REFS=()
if [ "$SCENARIO" = pg ]; then
	RAW_PORT=$(free_port)
	say "starting rawpgx on Cascade's database (a pool of $POOL)"
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/rawpgx" -addr "127.0.0.1:$RAW_PORT" -db "${DB_URL[cascade]}" \
		-pool "$POOL" 2>"$OUT/rawpgx.log" &
	PID[rawpgx]=$!
	PIDS+=("$!")
	URL[rawpgx]="http://127.0.0.1:$RAW_PORT"
	wait_ready rawpgx "${PID[rawpgx]}" "${URL[rawpgx]}${CASES[0]}" -H "X-Api-Token: $TOKEN"
	REFS=(rawpgx)
fi

# measure CASE_NUMBER PATH runs one case: Cascade's answer to GET PATH against the bare
# server serving the same bytes, in alternating rounds, then prints the summary and
# sets ALL_PASS to false when a target fails.
ALL_PASS=true
measure() {
	local n=$1 path=$2 t status
	for t in "${SERVERS[@]}"; do
		status=$(curl -sg -o "$OUT/body-$t-$n.json" -w '%{http_code}' -H "X-Api-Token: $TOKEN" "${URL[$t]}$path")
		[ "$status" = 200 ] || die "$t: GET $path answered $status: $(cat "$OUT/body-$t-$n.json")"
	done
	local body="$OUT/body-$n.json" bytes
	cp "$OUT/body-cascade-$n.json" "$body"
	bytes=$(wc -c <"$body")
	if [ -n "$BASELINE" ]; then
		local b
		b=$(wc -c <"$OUT/body-baseline-$n.json")
		[ "$b" = "$bytes" ] || say "warning: baseline answers $b bytes, cascade $bytes"
	fi
	for t in "${REFS[@]}"; do
		local b
		status=$(curl -sg -o "$OUT/body-$t-$n.json" -w '%{http_code}' -H "X-Api-Token: $TOKEN" "${URL[$t]}$path")
		[ "$status" = 200 ] || die "$t: GET $path answered $status: $(cat "$OUT/body-$t-$n.json")"
		b=$(wc -c <"$OUT/body-$t-$n.json")
		say "$t answers $b bytes, cascade $bytes"
	done

	say "case $n: GET $path; bare server with the same $bytes-byte body"
	"$OUT/bare" -addr "127.0.0.1:$BARE_PORT" -body "$body" 2>"$OUT/bare-$n.log" &
	PID[bare]=$!
	PIDS+=("$!")
	URL[bare]="http://127.0.0.1:$BARE_PORT"
	wait_ready bare "${PID[bare]}" "${URL[bare]}$path"
	local bare_bytes
	bare_bytes=$(curl -sgf "${URL[bare]}$path" | wc -c)
	[ "$bare_bytes" = "$bytes" ] || die "bare body is $bare_bytes bytes, want $bytes"

	local targets=(bare "${REFS[@]}" "${SERVERS[@]}")
	say "warm-up: ${WARMUP}s each"
	for t in "${targets[@]}"; do
		run_wrk "warmup-$t-$n" "${URL[$t]}$path" "$WARMUP" >/dev/null
	done
	local seg=$((DURATION / ROUNDS)) round line
	[ "$seg" -ge 1 ] || die "DURATION must be at least ROUNDS seconds"
	local segs="$OUT/segments-$n.txt"
	: >"$segs"
	for round in $(seq 1 "$ROUNDS"); do
		for t in "${targets[@]}"; do
			say "case $n round $round/$ROUNDS: $t, ${seg}s"
			line=$(run_wrk "$t-$n-$round" "${URL[$t]}$path" "$seg")
			echo "$t $round $line" | tee -a "$segs" >&2
		done
	done

	declare -A RPS P99 BAD RSS
	for t in "${targets[@]}"; do
		# rps over all of a server's segments, p99 as the mean of its segments' p99s
		read -r "RPS[$t]" "P99[$t]" "BAD[$t]" < <(result_of "$t" "$segs")
		RSS[$t]=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/${PID[$t]}/status")
	done
	kill "${PID[bare]}" 2>/dev/null || true
	wait "${PID[bare]}" 2>/dev/null || true

	local RATIO P99_RATIO V_RATIO V_P99=reported V_RSS V_ERR p99_target=-
	RATIO=$(ratio "${RPS[cascade]}" "${RPS[$REF]}" %.3f)
	P99_RATIO=$(ratio "${P99[cascade]}" "${P99[$REF]}" %.2f)
	V_RATIO=$(verdict "$RATIO >= $TARGET_RATIO")
	if [ -n "$TARGET_P99_RATIO" ]; then
		V_P99=$(verdict "$P99_RATIO <= $TARGET_P99_RATIO")
		p99_target="<=$TARGET_P99_RATIO"
	fi
	V_RSS=$(verdict "${RSS[cascade]} < $TARGET_RSS_MB")
	V_ERR=$(verdict "${BAD[bare]} + ${BAD[$REF]} + ${BAD[cascade]} == 0")
	{
		echo
		echo "GET $path, body $bytes bytes; wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per server in $ROUNDS rounds"
		echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION)," \
			"$(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo
		row() {
			printf '%-24s' "$1"
			shift
			printf ' %12s' "$@"
			printf '\n'
		}
		# The reference (rawpgx) stands between bare and cascade; the ratios are to it.
		local ref_hdr=() ref_rps=() ref_p99=() ref_rss=() ref_bad=()
		if [ "$REF" != bare ]; then
			ref_hdr=("$REF")
			ref_rps=("${RPS[$REF]}")
			ref_p99=("${P99[$REF]}")
			ref_rss=("${RSS[$REF]}")
			ref_bad=("${BAD[$REF]}")
		fi
		local base_hdr=() base_rps=() base_p99=() base_rss=() base_bad=()
		if [ -n "$BASELINE" ]; then
			base_hdr=(baseline ratio)
			base_rps=("${RPS[baseline]}" "$(ratio "${RPS[baseline]}" "${RPS[$REF]}" %.3f)")
			base_p99=("${P99[baseline]}" "$(ratio "${P99[baseline]}" "${P99[$REF]}" %.2f)")
			base_rss=("${RSS[baseline]}" "")
			base_bad=("${BAD[baseline]}" "")
		fi
		row "" bare "${ref_hdr[@]}" cascade "ratio" target "${base_hdr[@]}"
		row "requests/s" "${RPS[bare]}" "${ref_rps[@]}" "${RPS[cascade]}" "$RATIO" ">=$TARGET_RATIO" "${base_rps[@]}"
		row "p99 latency (us)" "${P99[bare]}" "${ref_p99[@]}" "${P99[cascade]}" "$P99_RATIO" "$p99_target" "${base_p99[@]}"
		row "peak RSS (MB)" "${RSS[bare]}" "${ref_rss[@]}" "${RSS[cascade]}" "" "<$TARGET_RSS_MB" "${base_rss[@]}"
		row "errors (socket+non2xx)" "${BAD[bare]}" "${ref_bad[@]}" "${BAD[cascade]}" "" "0" "${base_bad[@]}"
		echo
		[ "$REF" = bare ] || echo "ratios are cascade / $REF; cascade / bare: requests/s" \
			"$(ratio "${RPS[cascade]}" "${RPS[bare]}" %.3f), p99 $(ratio "${P99[cascade]}" "${P99[bare]}" %.2f)"
		echo "ratio $V_RATIO, p99 $V_P99, RSS $V_RSS, errors $V_ERR"
	} | tee -a "$OUT/summary.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=$SCENARIO path=$path bare_rps=${RPS[bare]} cascade_rps=${RPS[cascade]}" \
		"ratio=$RATIO bare_p99_us=${P99[bare]} cascade_p99_us=${P99[cascade]} p99_ratio=$P99_RATIO" \
		"cascade_rss_mb=${RSS[cascade]}${BASELINE:+ baseline_rps=${RPS[baseline]} baseline_p99_us=${P99[baseline]}}" \
		"${REFS[*]:+ref=$REF ref_rps=${RPS[$REF]} ref_p99_us=${P99[$REF]}}" \
		>>"$OUT/history.txt"
	[ "$V_RATIO$V_RSS$V_ERR" = PASSPASSPASS ] && [ "$V_P99" != FAIL ] || ALL_PASS=false
}

: >"$OUT/summary.txt"
[ -z "$SEED_DB" ] || cat "$OUT/seed.out" >>"$OUT/summary.txt"
for i in "${!CASES[@]}"; do
	measure "$((i + 1))" "${CASES[$i]}"
done
echo "access log: $(wc -l <"$OUT/cascade.log") lines in $OUT/cascade.log"

if [ "$PROFILE" -gt 0 ]; then
	say "profiling: ${PROFILE}s of CPU profile under the load of the first case"
	curl -sf -o "$OUT/cpu.pprof" "http://127.0.0.1:$PPROF_PORT/debug/pprof/profile?seconds=$PROFILE" &
	prof_pid=$!
	run_wrk profile "${URL[cascade]}${CASES[0]}" "$((PROFILE + 2))" >/dev/null
	wait "$prof_pid" || die "no profile from 127.0.0.1:$PPROF_PORT"
	echo
	echo "CPU profile: $OUT/cpu.pprof (go tool pprof -top $OUT/cascade $OUT/cpu.pprof)"
	go tool pprof -top -nodecount=25 "$OUT/cascade" "$OUT/cpu.pprof" 2>/dev/null | sed -n '1,35p'
fi

$ALL_PASS
