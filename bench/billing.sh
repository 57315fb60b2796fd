#!/usr/bin/env bash
# Billing benchmark (run it as bench/run.sh billing; see bench/README.md, "Billing"):
# the billing pass (bill_accounts) invoicing a period of SUBSCRIPTIONS postpaid
# subscriptions, timed, beside the same number of charge rows written by the
# engine's fastest bulk path (bench/rawinsert -charges: COPY on PostgreSQL, prepared
# multi-row INSERTs in one transaction on SQLite) on the same database; the server's
# peak RSS; and the p99 of a subscriptions page read every 20 ms during the pass
# against the same page read before it.
#
# For each engine: a fresh database seeded with `cascade seed --bench-plans 20
# --bench-accounts ACCOUNTS --bench-subscriptions SUBSCRIPTIONS --bench-billing-day
# DAY` (the subscriptions spread over the first 1,000 accounts, each with the blocked
# postpaid charges its sales order made, on a service term billed on DAY's day of
# the month), `cascade serve` with the test clock on it, and one POST
# /api/v3/test_clock/advance to DAY's midnight, which runs every due pass before it
# answers: here only the billing pass has work. It closes every charge, gathers
# each account's into an invoice and gives each invoice its payment; a run cut at
# half the scheduler's lease is run on by advances of a second, and the runs' times
# summed. Then a second advance, which must make nothing, the checks, and the
# baseline.
#
# rows are what the pass wrote: the charges it put in an invoice (each closed and
# linked: one row updated), the invoices and their payments. The baseline inserts
# as many charge rows.
#
# Settings (environment):
#   SUBSCRIPTIONS=    subscriptions billed; by default 100000 on SQLite and 1000000
#                     on PostgreSQL (the issue's sizes)
#   ACCOUNTS=1000     accounts seeded (the subscriptions go to the first 1,000)
#   PREPAID=0         the percentage of every account's subscriptions seeded prepaid
#                     and paid, their charges closed (--bench-prepaid-percent): the
#                     pass lists them in prepaid invoices, which have no payment
#   ENGINES="sqlite postgres"    the engines to measure (postgres only with the URL below)
#   CASCADE_BENCH_POSTGRES_URL   a PostgreSQL server to measure too; the script makes a
#                     schema of its own there and drops it at the end
#   IDLE=5s           how long the page is read before the pass
#   PROFILE=0         when N > 0, save a CPU profile of the server's first N seconds
#                     of the pass to bench/out/billing/cpu-ENGINE.pprof
#   CASCADE_BILLING_PAUSE   the server's pause between two transactions of the pass
#                     (5ms unless set; 0 for none), handed to the server as it is
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/out/billing
ACCOUNTS=${ACCOUNTS:-1000}
ENGINES=${ENGINES:-"sqlite postgres"}
IDLE=${IDLE:-5s}
PROFILE=${PROFILE:-0}
PREPAID=${PREPAID:-0}
declare -A SIZE=([sqlite]=${SUBSCRIPTIONS:-100000} [postgres]=${SUBSCRIPTIONS:-1000000})
TARGET_RATIO=0.3     # the pass's rows/s over the baseline's, at least
TARGET_RSS_MB=500    # the server's peak RSS, under
TARGET_P99_RATIO=3.0 # the page's p99 during the pass over before it, at most
PAGE="/api/v3/resellers/1/subscriptions?page[size]=50"

. bench/lib.sh
PG_URL=${CASCADE_BENCH_POSTGRES_URL:-}
command -v curl >/dev/null 2>&1 || die "curl is required"
[ -z "$PG_URL" ] || command -v psql >/dev/null 2>&1 || die "psql is required with CASCADE_BENCH_POSTGRES_URL"

rm -rf "$OUT"
mkdir -p "$OUT"
say "building"
go build -o "$OUT/cascade" ./cmd/cascade
go build -o "$OUT/rawinsert" ./bench/rawinsert
go build -o "$OUT/pageprobe" ./bench/pageprobe

# The seeding flag: the day the period's charges, made by the seeded orders, are billed.
SEED_FLAG=--bench-billing-day

JSONAPI="Content-Type: application/vnd.api+json"
# The billing day: two days ahead at least, so nothing is billed when the server
# starts, on a day of the month a service term can bill on (1 to 28).
DAY=$(date -u -d '+2 days' +%F)
while [ "$(date -u -d "$DAY" +%-d)" -gt 28 ]; do DAY=$(date -u -d "$DAY +1 day" +%F); done

# counts DB LABEL saves rawinsert -count's line of DB to $OUT/counts-LABEL.txt.
counts() { "$OUT/rawinsert" -db "$1" -count >"$OUT/counts-$2.txt" || die "counting rows failed"; }

# field NAME FILE prints the value of NAME=... in FILE.
field() { tr ' ' '\n' <"$2" | sed -n "s/^$1=//p"; }

# delta NAME prints how much count NAME grew over the pass.
delta() { echo $(($(field "$1" "$AFTER") - $(field "$1" "$BEFORE"))); }

# advance BASE BODY PID prints the seconds POST /api/v3/test_clock/advance took. An
# advance longer than the server's write timeout (a minute) does its work but loses
# its answer: with the server PID still up, that counts as done (the pass's own log
# line tells whether it ran, and the counts what it wrote).
advance() {
	local status
	status=$(curl -s -o "$OUT/advance.json" -w '%{http_code} %{time_total}' -X POST -H "X-Api-Token: $TOKEN" \
		-H "$JSONAPI" "$1/api/v3/test_clock/advance" --data "$2" || true)
	case $status in
	200\ *) echo "${status#* }" ;;
	000\ *) kill -0 "$3" 2>/dev/null || die "the server died during the advance"
		say "the advance outlived the server's write timeout after ${status#* }s; its answer is lost"
		echo "${status#* }" ;;
	*) die "advance answered $status: $(cat "$OUT/advance.json" 2>/dev/null)" ;;
	esac
}

# measure ENGINE seeds, runs the pass and its baseline, and appends the engine's line.
measure() {
	local engine=$1 n=${SIZE[$1]} db port base pid secs again pass_secs rss
	if [ "$engine" = sqlite ]; then
		db="sqlite:$OUT/billing.db"
	else
		new_pg_schema billing
		db=$PG_SCHEMA_URL
	fi
	say "$engine: seeding $n subscriptions billed on $DAY"
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/cascade" seed --db "$db" --bench-plans 20 --bench-accounts "$ACCOUNTS" \
		--bench-subscriptions "$n" "$SEED_FLAG" "$DAY" --bench-prepaid-percent "$PREPAID" >"$OUT/seed-$engine.out" 2>&1 ||
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

	say "$engine: reading $PAGE every 20 ms for $IDLE"
	CASCADE_ADMIN_TOKEN=$TOKEN "$OUT/pageprobe" -url "$base$PAGE" -for "$IDLE" >"$OUT/page-idle-$engine.txt" ||
		die "the page reads failed"
	local prof= probe stop="$OUT/pass-done-$engine"
	if [ "$PROFILE" -gt 0 ]; then
		curl -s -o "$OUT/cpu-$engine.pprof" "http://${pprof[0]#*=}/debug/pprof/profile?seconds=$PROFILE" &
		prof=$!
	fi
	CASCADE_ADMIN_TOKEN=$TOKEN "$OUT/pageprobe" -url "$base$PAGE" -until "$stop" >"$OUT/page-pass-$engine.txt" &
	probe=$!
	PIDS+=("$probe")
	sleep 0.2
	say "$engine: advancing the test clock to $DAY, reading the page during the pass"
	secs=$(advance "$base" "{\"data\":{\"type\":\"test_clocks\",\"attributes\":{\"to\":\"${DAY}T00:00:00+00:00\"}}}" "$pid")
	counts "$db" "$engine-after"
	# The scheduler cuts a pass's run at half its lease (150 s of the default 5
	# minutes; another node takes over the lease of one that died), and the next run
	# goes on from there: while charges wait for their invoice, advance a second more
	# to run the pass on, as the scheduler's next tick would (at most 20 runs).
	local runs=1 more
	while [ "$(field charges_invoiced "$OUT/counts-$engine-after.txt")" -lt "$(field charges "$OUT/counts-$engine-after.txt")" ] &&
		[ "$runs" -lt 20 ]; do
		say "$engine: the pass's run ended with charges still to invoice; advancing a second to run it on"
		more=$(advance "$base" '{"data":{"type":"test_clocks","attributes":{"by":"PT1S"}}}' "$pid")
		secs=$(awk -v a="$secs" -v b="$more" 'BEGIN { printf "%.3f", a + b }')
		runs=$((runs + 1))
		counts "$db" "$engine-after"
	done
	touch "$stop"
	wait "$probe" || die "the page reads during the pass failed"
	rss=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
	# The pass's time is its runs' on the billing day, summed.
	pass_secs=$(grep '"scheduler pass ran"' "$OUT/serve-$engine.log" | grep '"bill_accounts"' | grep "\"at\":\"${DAY}T" |
		sed 's/.*"seconds":\([0-9.e-]*\).*/\1/' | awk '{ s += $1 } END { if (NR) printf "%.3f", s }')
	[ -n "$pass_secs" ] || die "no bill_accounts line at $DAY in $OUT/serve-$engine.log"
	say "$engine: advancing a minute more: nothing may be billed twice"
	again=$(advance "$base" '{"data":{"type":"test_clocks","attributes":{"by":"PT1M"}}}' "$pid")
	counts "$db" "$engine-again"
	[ -z "$prof" ] || wait "$prof" || die "the profile failed"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true

	BEFORE="$OUT/counts-$engine-before.txt" AFTER="$OUT/counts-$engine-after.txt"
	local invoiced invoices prepaid payments rows ok=true
	invoiced=$(delta charges_invoiced) invoices=$(delta invoices) payments=$(delta invoice_payments)
	prepaid=$(delta prepaid_invoices)
	rows=$((invoiced + invoices + payments))
	# Every charge of the period is in an invoice, closed, and every postpaid invoice
	# (all above zero) has its payment; prepaid invoices, none (and there are some
	# when PREPAID is set).
	if [ "$(field charges_invoiced "$AFTER")" -ne "$(field charges "$AFTER")" ] ||
		[ "$(field charges_closed "$AFTER")" -ne "$(field charges "$AFTER")" ] ||
		[ "$invoices" -eq 0 ] || [ "$payments" -ne $((invoices - prepaid)) ] ||
		{ [ "$PREPAID" -gt 0 ] && [ "$prepaid" -eq 0 ]; }; then
		say "$engine: the pass left $(cat "$AFTER") from $(cat "$BEFORE")"
		ok=false
	fi
	if ! cmp -s "$AFTER" "$OUT/counts-$engine-again.txt"; then
		say "$engine: the second advance wrote rows: $(cat "$OUT/counts-$engine-again.txt")"
		ok=false
	fi

	say "$engine: the baseline: $rows charge rows by the bulk path"
	"$OUT/rawinsert" -db "$db" -charges "$rows" >"$OUT/raw-$engine.txt" || die "rawinsert -charges failed"
	local raw_secs raw_rps pass_rps ratio idle_p99 pass_p99 p99_ratio verdict
	raw_secs=$(field seconds "$OUT/raw-$engine.txt")
	raw_rps=$(field rows_per_s "$OUT/raw-$engine.txt")
	pass_rps=$(awk -v r="$rows" -v s="$pass_secs" 'BEGIN { printf "%.1f", r / s }')
	ratio=$(ratio "$pass_rps" "$raw_rps" %.3f)
	idle_p99=$(field p99_ms "$OUT/page-idle-$engine.txt")
	pass_p99=$(field p99_ms "$OUT/page-pass-$engine.txt")
	p99_ratio=$(ratio "$pass_p99" "$idle_p99" %.2f)
	verdict=$(verdict "$ratio >= $TARGET_RATIO && $rss < $TARGET_RSS_MB && $p99_ratio <= $TARGET_P99_RATIO")
	$ok || verdict=FAIL
	[ "$verdict" = PASS ] || ALL_PASS=false
	printf '%-9s %8s %8s %7s %7.2f %7.2f %9s %7.2f %9s %6s %7s %7s %6s %7s %s\n' "$engine" "$n" "$invoiced" \
		"$invoices" "$pass_secs" "$secs" "$pass_rps" "$raw_secs" "$raw_rps" "$ratio" "$rss" "$idle_p99" "$pass_p99" \
		"$p99_ratio" "$verdict" >>"$OUT/billing.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=billing engine=$engine subscriptions=$n accounts=$ACCOUNTS" \
		"charges=$invoiced invoices=$invoices prepaid_invoices=$prepaid payments=$payments pass_s=$pass_secs pass_runs=$runs" \
		"advance_s=$secs rows=$rows" \
		"rows_per_s=$pass_rps raw_s=$raw_secs raw_rows_per_s=$raw_rps ratio=$ratio rss_mb=$rss" \
		"page_p99_idle_ms=$idle_p99 page_p99_pass_ms=$pass_p99 p99_ratio=$p99_ratio second_advance_s=$again" \
		"verdict=$verdict" >>bench/out/history.txt
}

ALL_PASS=true
: >"$OUT/billing.txt"
for engine in $ENGINES; do
	[ "$engine" = sqlite ] || [ -n "$PG_URL" ] || continue
	measure "$engine"
done

{
	echo
	echo "The billing pass invoicing a period of postpaid subscriptions, one pass; rows: the charges"
	echo "it invoiced, the invoices and their payments. Baseline: as many charge rows by the engine's bulk path."
	echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	printf '%-9s %8s %8s %7s %7s %7s %9s %7s %9s %6s %7s %7s %6s %7s %s\n' engine subs charges invoices "pass s" \
		"adv. s" "rows/s" "raw s" "raw rows/s" ratio "RSS MB" "p99 ms" "p99 ms" "p99 x" verdict
	printf '%-9s %8s %8s %7s %7s %7s %9s %7s %9s %6s %7s %7s %6s %7s\n' "" "" "" "" "" "" "" "" "" "" "" before pass ""
	cat "$OUT/billing.txt"
	echo
	echo "targets: ratio >= $TARGET_RATIO; RSS < $TARGET_RSS_MB MB; the page's p99 during the pass <=" \
		"${TARGET_P99_RATIO}x its p99 before it; a second advance writes nothing"
} | tee "$OUT/report.txt"
$ALL_PASS
