#!/usr/bin/env bash
# Orders benchmark, two cases (run it as bench/run.sh orders; see bench/README.md):
#   orders  POST /api/v3/resellers/1/sales_order, every request a new subscription,
#           prepaid (order, subscription, payment) and postpaid (order, subscription,
#           provisioning job) in turn, at 1, 8 and 32 clients, side by side with
#           bench/rawinsert -orders: the subscription, order, payment and job rows
#           written by four single-row INSERT transactions per request.
#   list    GET /api/v3/resellers/1/subscriptions?page[size]=50&include=plan on a
#           database seeded with SUBSCRIPTIONS subscriptions, read-only and with a
#           sales order every 10th request, against the bare server with the page's body.
# On SQLite and, when CASCADE_BENCH_POSTGRES_URL is set, on PostgreSQL.
#
# Settings (environment):
#   DURATION=20      measured seconds per server and case, over ROUNDS alternations
#   ROUNDS=2         alternations between the servers of a case
#   WARMUP=3         seconds of unmeasured load on each server first
#   CASES="orders list"          the cases to run
#   CLIENTS="1 8 32" wrk connections of the orders case, one measurement each
#   CONNECTIONS=64   wrk connections of the list case
#   THREADS=2        wrk threads (at most the connections)
#   SUBSCRIPTIONS=100000 ACCOUNTS=10000 PLANS=20   the list case's database
#   ENGINES="sqlite postgres"    the engines to measure (postgres only with the URL below)
#   CASCADE_BENCH_POSTGRES_URL   a PostgreSQL server to measure too; the script makes
#                    schemas of its own there and drops them at the end
#   BASELINE=path    another build of Cascade measured in the same alternation, on a
#                    database of its own, for before/after figures: its sales orders in
#                    the orders case, its page read-only and mixed in the list case
#   FLOOR=1          on PostgreSQL, also measure bench/rawinsert -floor in the orders case:
#                    every row a sales order keeps written in one round trip, nothing read
#                    (0: not)
#   PROFILE=0        when > 0, after each engine's measurements of a case load each server
#                    PROFILE more seconds at PROFILE_CLIENTS (8) connections, save its
#                    CPU profile to bench/out/orders/cpu-TARGET-ENGINE.pprof and print
#                    its CPU time per request
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/out/orders
DURATION=${DURATION:-20}
ROUNDS=${ROUNDS:-2}
WARMUP=${WARMUP:-3}
CASES=${CASES:-"orders list"}
CLIENTS=${CLIENTS:-"1 8 32"}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SUBSCRIPTIONS=${SUBSCRIPTIONS:-100000}
ACCOUNTS=${ACCOUNTS:-10000}
PLANS=${PLANS:-20}
ENGINES=${ENGINES:-"sqlite postgres"}
BASELINE=${BASELINE:-}
PROFILE=${PROFILE:-0}
FLOOR=${FLOOR:-1}
PROFILE_CLIENTS=${PROFILE_CLIENTS:-8}
TARGET_ORDERS=0.25 # orders/s / raw single-row transactions/s, at least
TARGET_LIST=0.15   # mixed list requests/s / bare requests/s, at least
RAW_ROWS=4         # rows (and transactions) per request of rawinsert -orders

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
go build -o "$OUT/bare" ./bench/bare

API=/api/v3/resellers/1
ORDER=$API/sales_order
LIST="$API/subscriptions?page[size]=50&include=plan"
JSONAPI="Content-Type: application/vnd.api+json"

# database ENGINE NAME [SEED_ARGS...] sets DB to the URL of a fresh database seeded
# with the operator and SEED_ARGS (cascade seed's --bench-* flags), timed in
# $OUT/seed-NAME.out, by the build SEED_BIN (this tree's when unset).
database() {
	local engine=$1 name=$2
	shift 2
	if [ "$engine" = sqlite ]; then
		DB="sqlite:$OUT/$name.db"
	else
		new_pg_schema orders
		DB=$PG_SCHEMA_URL
	fi
	env CASCADE_ADMIN_TOKEN="$TOKEN" "${SEED_BIN:-$OUT/cascade}" seed --db "$DB" "$@" >"$OUT/seed-$name.out" 2>&1 ||
		die "seeding $name failed; see $OUT/seed-$name.out"
}

# start NAME CMD... starts a server, which cleanup stops, and sets PID[NAME].
start() {
	local name=$1
	shift
	"$@" >"$OUT/$name.out" 2>"$OUT/$name.log" &
	PIDS+=($!)
	PID[$name]=$!
}

# start_cascade NAME [BIN] sets BASE[NAME] to Cascade (this tree's build, or BIN)
# serving DB, with a profiling listener on PPROF[NAME] when PROFILE is set.
start_cascade() {
	local port env=(CASCADE_ADMIN_TOKEN="$TOKEN")
	port=$(free_port)
	[ "$PROFILE" -le 0 ] || [ -z "${PPROF[$1]:-}" ] || env+=(CASCADE_PPROF_ADDR="127.0.0.1:${PPROF[$1]}")
	start "$1" env "${env[@]}" "${2:-$OUT/cascade}" serve --addr "127.0.0.1:$port" --db "$DB"
	BASE[$1]="http://127.0.0.1:$port"
	wait_ready "$1" "${PID[$1]}" "${BASE[$1]}/readyz"
}

# stop NAME... stops servers.
stop() {
	local name
	for name in "$@"; do kill "${PID[$name]}" 2>/dev/null || true; done
	for name in "$@"; do wait "${PID[$name]}" 2>/dev/null || true; done
}

# api BASE METHOD PATH [BODY] prints Cascade's answer, failing on anything but 2xx.
api() {
	local status
	status=$(curl -sg -o "$OUT/answer.json" -w '%{http_code}' -X "$2" -H "X-Api-Token: $TOKEN" -H "$JSONAPI" \
		"$1$3" ${4:+--data "$4"})
	case $status in 2??) cat "$OUT/answer.json" ;; *) die "$2 $3 answered $status: $(cat "$OUT/answer.json")" ;; esac
}

# order_bodies BASE sets BODIES to two sales orders of the operator's first plan (its
# first period, each resource at its minimum): one for a new prepaid account, one
# for a new postpaid account, which it creates.
order_bodies() {
	local plan period resources="" id min prepaid postpaid account
	account='{"data":{"type":"accounts","attributes":{"account_type_id":2,"first_name":"Bench","last_name":"Buyer","email":"%s@example.com"%s}}}'
	# shellcheck disable=SC2059
	prepaid=$(api "$1" POST "$API/accounts" "$(printf "$account" "prepaid-$(random_hex 4)" "")" |
		grep -o '"id":"[0-9]*"' | head -1 | tr -dc 0-9)
	# shellcheck disable=SC2059
	postpaid=$(api "$1" POST "$API/accounts" "$(printf "$account" "postpaid-$(random_hex 4)" ',"account_class_key":"postpay"')" |
		grep -o '"id":"[0-9]*"' | head -1 | tr -dc 0-9)
	api "$1" GET "$API/plans?page[size]=1" >"$OUT/plan.json"
	plan=$(grep -o '"data":\[{"id":"[0-9]*"' "$OUT/plan.json" | tr -dc 0-9)
	period=$(grep -o '"periods":\[{"id":[0-9]*' "$OUT/plan.json" | tr -dc 0-9)
	while read -r id min; do
		[ "$min" -gt 0 ] || continue
		resources+="${resources:+,}{\"plan_resource_id\":$id,\"quantity\":$min}"
	done < <(grep -o '{"id":[0-9]*,"key":"[^"]*","name":"[^"]*","unit_of_measure":"[^"]*","measurable":[a-z]*,"included":[0-9]*,"minimum":[0-9]*' \
		"$OUT/plan.json" | sed 's/{"id":\([0-9]*\),.*"minimum":\([0-9]*\)$/\1 \2/')
	[ -n "$plan" ] && [ -n "$period" ] && [ -n "$prepaid" ] && [ -n "$postpaid" ] || die "no plan or accounts for the orders"
	local order='{"data":{"type":"sales_orders","attributes":{"account_id":%s,"plan_id":%s,"plan_period_id":%s,"payment_model":"%s","resources":{"data":[%s]}}}}'
	# shellcheck disable=SC2059
	BODIES=("$(printf "$order" "$prepaid" "$plan" "$period" prepay "$resources")"
		"$(printf "$order" "$postpaid" "$plan" "$period" postpay "$resources")")
	for b in "${BODIES[@]}"; do api "$1" POST "$ORDER" "$b" >/dev/null; done # both are accepted
}

# run_wrk URL CONNECTIONS SECONDS NAME EVERY prints wrk's RESULT line; every EVERYth
# request POSTs one of BODIES to the order path (EVERY 0: none does).
run_wrk() {
	wrk -t"$(($2 < THREADS ? $2 : THREADS))" -c"$2" -d"${3}s" --latency -s bench/orders.lua \
		-H "X-Api-Token: $TOKEN" -H "$JSONAPI" "$1" -- "$5" "$ORDER" "${BODIES[@]}" >"$OUT/wrk-$4.txt"
	grep '^RESULT' "$OUT/wrk-$4.txt" || die "no RESULT line in $OUT/wrk-$4.txt"
}

# drain TARGET waits, when TARGET is a Cascade server making sales orders (DRAIN_DB),
# until it has run every job its orders queued, so that none runs during another
# target's measurement; it says how long that took (at most 120 s).
drain() {
	local t=$1 start=$SECONDS
	[ -n "${DRAIN_DB[$t]:-}" ] || return 0
	until "${DRAIN_BIN[$t]}" jobs list --db "${DRAIN_DB[$t]}" --status pending --limit 1 2>/dev/null | grep -q '^no jobs' &&
		"${DRAIN_BIN[$t]}" jobs list --db "${DRAIN_DB[$t]}" --status running --limit 1 2>/dev/null | grep -q '^no jobs'; do
		[ $((SECONDS - start)) -lt 120 ] || die "$t still runs the jobs of its orders after 120 s"
		sleep 0.2
	done
	[ $((SECONDS - start)) -lt 1 ] || say "$t ran the jobs its orders queued for $((SECONDS - start)) s more"
}

# baseline_drain ENGINE has drain wait for the BASELINE server's jobs too, on DB,
# except on SQLite for a build that cannot be read beside: before the store kept the
# -shm file open, another process opening the file (cascade jobs list) made a
# serving process's statements fail (docs/architecture.md, "Reading without
# querying"), so such a baseline's jobs are left to run when they do.
baseline_drain() {
	if [ "$1" = sqlite ] && ! grep -aq 'store.openSHM' "$BASELINE"; then
		say "baseline on SQLite: its jobs are not waited for (a build before the -shm fix)"
		return
	fi
	DRAIN_DB[baseline]=$DB DRAIN_BIN[baseline]=$BASELINE
}

# measure LABEL CONNECTIONS TARGET... loads each TARGET (URL[TARGET], EVERY[TARGET])
# with a warm-up and then ROUNDS alternating runs, and sets RPS, P99 and BAD of each,
# and CPU[TARGET] to what a request cost in CPU (see cpu_of).
measure() {
	local label=$1 c=$2 t round line segs m s d
	shift 2
	segs="$OUT/segments-$label.txt"
	: >"$segs"
	for t in "$@"; do
		say "$label: warm-up of $t, ${WARMUP}s"
		run_wrk "${URL[$t]}" "$c" "$WARMUP" "warmup-$label-$t" "${EVERY[$t]}" >/dev/null
		drain "$t"
	done
	for round in $(seq 1 "$ROUNDS"); do
		for t in "$@"; do
			say "$label, round $round/$ROUNDS: $t, $((DURATION / ROUNDS))s"
			m=$(machine_cpu) s=$(ticks "${PID[$t]:-}")
			postgres_snapshot "$OUT/postgres-ticks"
			line=$(run_wrk "${URL[$t]}" "$c" "$((DURATION / ROUNDS))" "$label-$t-$round" "${EVERY[$t]}")
			m=$(($(machine_cpu) - m))
			drain "$t"
			s=$(($(ticks "${PID[$t]:-}") - s)) d=$(postgres_since "$OUT/postgres-ticks")
			echo "$t $line machine_ticks=$m server_ticks=$s db_ticks=$d" >>"$segs"
		done
	done
	for t in "$@"; do
		read -r "RPS[$t]" "P99[$t]" "BAD[$t]" < <(result_of "$t" "$segs")
		CPU[$t]=$(cpu_of "$t" "$segs")
	done
}

# cpu_of TARGET SEGMENTS prints, in ms per request over a target's lines in SEGMENTS,
# the CPU its server process and the PostgreSQL processes used from the start of each
# run to the end of its drain (so the jobs a window deferred count), and the CPU the
# whole machine used during the runs alone, the load generator's too.
cpu_of() {
	awk -v t="$1" '$1 == t {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		req += v["requests"]; m += v["machine_ticks"]; s += v["server_ticks"]; d += v["db_ticks"]
	} END { printf "server %.3f, database %.3f, machine %.3f", s * 10 / req, d * 10 / req, m * 10 / req }' "$2"
}

# orders_case ENGINE measures sales orders against raw single-row transactions (and
# BASELINE's sales orders, when set).
orders_case() {
	local engine=$1 c raw_tx ratio pass base floor t targets=(raw cascade) bodies
	[ -z "$BASELINE" ] || targets+=(baseline)
	[ "$engine" != postgres ] || [ "$FLOOR" = 0 ] || targets+=(floor)
	for t in "${targets[@]}"; do PPROF[$t]=$(free_port); done
	say "$engine: a database for Cascade and one for rawinsert"
	database "$engine" "orders-cascade-$engine" --bench-plans 1
	start_cascade cascade
	DRAIN_DB[cascade]=$DB DRAIN_BIN[cascade]=$OUT/cascade
	order_bodies "${BASE[cascade]}"
	cp "$OUT/answer.json" "$OUT/body-orders-$engine.json" # rawinsert answers a sales order's bytes
	if [ -n "$BASELINE" ]; then
		SEED_BIN=$BASELINE database "$engine" "orders-baseline-$engine" --bench-plans 1
		start_cascade baseline "$BASELINE"
		baseline_drain "$engine"
		bodies=("${BODIES[@]}")
		order_bodies "${BASE[baseline]}" # the same ids on a database seeded the same way
		[ "${bodies[*]}" = "${BODIES[*]}" ] || die "the baseline's orders differ from Cascade's"
		URL[baseline]="${BASE[baseline]}$ORDER" EVERY[baseline]=1
	fi
	local port
	if [[ " ${targets[*]} " == *" floor "* ]]; then
		# The floor copies the rows of the first sales orders Cascade made on its
		# database, one prepaid and one postpaid, made as the case's are.
		database "$engine" "orders-floor-$engine" --bench-plans 1
		start_cascade floor-setup
		bodies=("${BODIES[@]}")
		order_bodies "${BASE[floor-setup]}"
		[ "${bodies[*]}" = "${BODIES[*]}" ] || die "the floor's orders differ from Cascade's"
		stop floor-setup
		port=$(free_port)
		start floor "$OUT/rawinsert" -floor -addr "127.0.0.1:$port" -db "$DB" -body "$OUT/body-orders-$engine.json" \
			-pprof "$([ "$PROFILE" -le 0 ] || echo "127.0.0.1:${PPROF[floor]}")"
		URL[floor]="http://127.0.0.1:$port$ORDER" EVERY[floor]=1
		wait_ready "rawinsert -floor" "${PID[floor]}" "${URL[floor]}" -X POST
	fi
	database "$engine" "orders-raw-$engine" --bench-plans 1 --bench-accounts 1
	port=$(free_port)
	start raw "$OUT/rawinsert" -orders -addr "127.0.0.1:$port" -db "$DB" -body "$OUT/body-orders-$engine.json" \
		-pprof "$([ "$PROFILE" -le 0 ] || echo "127.0.0.1:${PPROF[raw]}")"
	URL[raw]="http://127.0.0.1:$port$ORDER" URL[cascade]="${BASE[cascade]}$ORDER"
	EVERY[raw]=1 EVERY[cascade]=1
	wait_ready rawinsert "${PID[raw]}" "${URL[raw]}" -X POST
	for c in $CLIENTS; do
		measure "orders-$engine-$c" "$c" "${targets[@]}"
		raw_tx=$(awk -v r="${RPS[raw]}" -v n="$RAW_ROWS" 'BEGIN { printf "%.1f", r * n }')
		ratio=$(ratio "${RPS[cascade]}" "$raw_tx" %.3f)
		pass=$(verdict "$ratio >= $TARGET_ORDERS && ${BAD[raw]} + ${BAD[cascade]} == 0")
		[ "$pass" = PASS ] || ALL_PASS=false
		base=- floor=-
		[ -z "$BASELINE" ] || base=$(ratio "${RPS[baseline]}" "$raw_tx" %.3f)
		[ -z "${URL[floor]:-}" ] || floor=$(ratio "${RPS[floor]}" "$raw_tx" %.3f)
		printf '%-9s %7s %10s %10s %10s %7s %7s %10s %10s %6s %-7s %8s %s\n' "$engine" "$c" "${RPS[raw]}" "$raw_tx" \
			"${RPS[cascade]}" "$ratio" ">=$TARGET_ORDERS" "${P99[raw]}" "${P99[cascade]}" \
			"$((BAD[raw] + BAD[cascade]))" "$pass" "$base" "$floor" >>"$OUT/orders.txt"
		for t in "${targets[@]}"; do
			printf '%-9s %7s %-9s %s\n' "$engine" "$c" "$t" "${CPU[$t]}" >>"$OUT/cpu.txt"
		done
		echo "RUN $(date -u +%FT%TZ) scenario=orders engine=$engine clients=$c raw_tx_per_s=$raw_tx" \
			"orders_per_s=${RPS[cascade]} ratio=$ratio raw_p99_us=${P99[raw]} cascade_p99_us=${P99[cascade]}" \
			"baseline_ratio=$base floor_ratio=$floor" >>bench/out/history.txt
	done
	[ "$PROFILE" -le 0 ] || for t in "${targets[@]}"; do profile "$engine" "$t"; done
	stop "${targets[@]}"
	unset 'URL[floor]' 'DRAIN_DB[cascade]' 'DRAIN_DB[baseline]'
}

# profile ENGINE TARGET loads TARGET for PROFILE seconds at PROFILE_CLIENTS clients
# while saving its CPU profile, and prints its CPU time per request.
profile() {
	local engine=$1 t=$2 curl_pid bin
	say "$engine: ${PROFILE}s of CPU profile of $t at $PROFILE_CLIENTS clients"
	curl -sf -o "$OUT/cpu-$t-$engine.pprof" "http://127.0.0.1:${PPROF[$t]}/debug/pprof/profile?seconds=$PROFILE" &
	curl_pid=$!
	run_wrk "${URL[$t]}" "$PROFILE_CLIENTS" "$((PROFILE + 2))" "profile-$engine-$t" "${EVERY[$t]}" >"$OUT/profile-$engine-$t.txt"
	wait "$curl_pid" || die "no CPU profile of $t"
	case $t in
	raw | floor) bin="$OUT/rawinsert" ;;
	baseline*) bin=$BASELINE ;;
	*) bin="$OUT/cascade" ;;
	esac
	cpu_per_request "$t" "$engine" "$bin" "$PROFILE" "$OUT/cpu-$t-$engine.pprof" "$(wrk_requests "$OUT/profile-$engine-$t.txt")" |
		tee -a "$OUT/profile.txt"
}

# list_case ENGINE measures the subscriptions page, read-only and mixed with orders,
# against the bare server (and BASELINE's page the same two ways, when set).
list_case() {
	local engine=$1 port ratio ro pass targets=(bare read-only cascade) bodies t base_ro=- base_mixed=- bad=0
	[ -z "$BASELINE" ] || targets+=(baseline-ro baseline)
	PPROF[cascade]=$(free_port) PPROF[baseline]=$(free_port)
	say "$engine: seeding $PLANS plans, $ACCOUNTS accounts, $SUBSCRIPTIONS subscriptions"
	database "$engine" "list-$engine" --bench-plans "$PLANS" --bench-accounts "$ACCOUNTS" \
		--bench-subscriptions "$SUBSCRIPTIONS"
	start_cascade cascade
	DRAIN_DB[cascade]=$DB DRAIN_BIN[cascade]=$OUT/cascade
	order_bodies "${BASE[cascade]}"
	curl -sgf -o "$OUT/list-$engine.json" -H "X-Api-Token: $TOKEN" "${BASE[cascade]}$LIST" || die "GET $LIST failed"
	if [ -n "$BASELINE" ]; then
		say "$engine: the same database for the baseline"
		SEED_BIN=$BASELINE database "$engine" "list-baseline-$engine" --bench-plans "$PLANS" \
			--bench-accounts "$ACCOUNTS" --bench-subscriptions "$SUBSCRIPTIONS"
		start_cascade baseline "$BASELINE"
		baseline_drain "$engine"
		bodies=("${BODIES[@]}")
		order_bodies "${BASE[baseline]}" # the same ids on a database seeded the same way
		[ "${bodies[*]}" = "${BODIES[*]}" ] || die "the baseline's orders differ from Cascade's"
		URL[baseline]="${BASE[baseline]}$LIST" URL[baseline-ro]="${BASE[baseline]}$LIST"
		EVERY[baseline]=10 EVERY[baseline-ro]=0
	fi
	port=$(free_port)
	start bare "$OUT/bare" -addr "127.0.0.1:$port" -body "$OUT/list-$engine.json"
	URL[bare]="http://127.0.0.1:$port$LIST" URL[cascade]="${BASE[cascade]}$LIST" URL[read-only]="${BASE[cascade]}$LIST"
	EVERY[bare]=0 EVERY[read-only]=0 EVERY[cascade]=10
	wait_ready bare "${PID[bare]}" "${URL[bare]}"
	measure "list-$engine" "$CONNECTIONS" "${targets[@]}"
	ratio=$(ratio "${RPS[cascade]}" "${RPS[bare]}" %.3f)
	ro=$(ratio "${RPS[read-only]}" "${RPS[bare]}" %.3f)
	for t in "${targets[@]}"; do bad=$((bad + BAD[$t])); done
	if [ -n "$BASELINE" ]; then
		base_ro=$(ratio "${RPS[baseline-ro]}" "${RPS[bare]}" %.3f)
		base_mixed=$(ratio "${RPS[baseline]}" "${RPS[bare]}" %.3f)
	fi
	pass=$(verdict "$ratio >= $TARGET_LIST && $bad == 0")
	[ "$pass" = PASS ] || ALL_PASS=false
	printf '%-9s %7s %10s %10s %10s %7s %7s %8s %10s %10s %6s %-7s %7s %7s\n' "$engine" "$CONNECTIONS" "${RPS[bare]}" \
		"${RPS[read-only]}" "${RPS[cascade]}" "$ro" "$ratio" ">=$TARGET_LIST" "${P99[bare]}" "${P99[cascade]}" \
		"$bad" "$pass" "$base_ro" "$base_mixed" >>"$OUT/list.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=orders-list engine=$engine subscriptions=$SUBSCRIPTIONS" \
		"bare_rps=${RPS[bare]} read_only_rps=${RPS[read-only]} mixed_rps=${RPS[cascade]} ratio=$ratio" \
		"bare_p99_us=${P99[bare]} mixed_p99_us=${P99[cascade]} baseline_ro=$base_ro baseline_mixed=$base_mixed" \
		>>bench/out/history.txt
	if [ "$PROFILE" -gt 0 ]; then
		PPROF[read-only]=${PPROF[cascade]} PPROF[baseline-ro]=${PPROF[baseline]}
		for t in "${targets[@]}"; do [ "$t" = bare ] || profile "$engine" "$t"; done
	fi
	stop bare cascade
	[ -z "$BASELINE" ] || stop baseline
	unset 'DRAIN_DB[cascade]' 'DRAIN_DB[baseline]'
}

ALL_PASS=true
declare -A PID=() BASE=() URL=() EVERY=() RPS=() P99=() BAD=() CPU=() PPROF=() DRAIN_DB=() DRAIN_BIN=()
BODIES=()
: >"$OUT/orders.txt"
: >"$OUT/cpu.txt"
: >"$OUT/list.txt"
: >"$OUT/profile.txt"
for engine in $ENGINES; do
	[ "$engine" = sqlite ] || [ -n "$PG_URL" ] || continue
	for c in $CASES; do
		case $c in
		orders) orders_case "$engine" ;;
		list) list_case "$engine" ;;
		*) die "unknown case $c (orders or list)" ;;
		esac
	done
done

{
	echo
	echo "${DURATION}s per server and measurement in $ROUNDS rounds;" \
		"$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	if [ -s "$OUT/orders.txt" ]; then
		echo
		echo "POST $ORDER (prepaid and postpaid in turn) against rawinsert -orders ($RAW_ROWS single-row INSERT transactions per request)"
		printf '%-9s %7s %10s %10s %10s %7s %7s %10s %10s %6s %-7s %8s %s\n' engine clients "raw req/s" "raw tx/s" \
			"orders/s" ratio target "raw p99us" "order p99us" errors verdict baseline floor
		cat "$OUT/orders.txt"
		echo
		echo "CPU per request in ms: each server's process and PostgreSQL's from each run's start to the end of its"
		echo "wait for the jobs it queued; the whole machine during the runs"
		cat "$OUT/cpu.txt"
		[ ! -s "$OUT/profile.txt" ] || { echo; cat "$OUT/profile.txt"; }
	fi
	if [ -s "$OUT/list.txt" ]; then
		echo
		echo "GET $LIST on $SUBSCRIPTIONS subscriptions; mixed: a sales order every 10th request; ratios to bare"
		printf '%-9s %7s %10s %10s %10s %7s %7s %8s %10s %10s %6s %-7s %7s %7s\n' engine conns "bare/s" "read-only/s" \
			"mixed/s" "ro" mixed target "bare p99us" "mixed p99us" errors verdict "base ro" "base mx"
		cat "$OUT/list.txt"
	fi
} | tee "$OUT/report.txt"
$ALL_PASS
