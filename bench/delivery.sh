#!/usr/bin/env bash
# Delivery benchmark (run it as bench/run.sh delivery; see bench/README.md): EVENTS
# queued provisioning events (Subscription Creates of as many postpaid sales
# orders) delivered by Cascade's job workers to the example vendor service on
# loopback, timed, beside a plain Go HTTP client posting the same signed bodies to a
# fresh vendor service with the same concurrency; and the p99 of a subscriptions page
# read during the delivery against the same page read before it. bench/delivery does
# the work, in one process; this script gives it a fresh database per engine.
#
# Settings (environment):
#   EVENTS=20000      events to deliver
#   ENGINES="sqlite postgres"    the engines to measure (postgres only with the URL below)
#   CASCADE_BENCH_POSTGRES_URL   a PostgreSQL server to measure too; the script makes a
#                     schema of its own there and drops it at the end
#   IDLE=5s           how long the page is read before the delivery
#   PROFILE=1         (not 0) also write a CPU profile of the delivery per engine ($OUT/ENGINE.prof)
#   TRACE=1           (not 0) also write an execution trace of the delivery per engine
#                     ($OUT/ENGINE.trace; go tool trace, "User-defined regions": each API route)
#   FLOOR_PACE=0.5    hold the floor to this share of the baseline's events/s (default 0: as fast
#                     as it goes), to see what delivering no faster than the target does to the page
#   FLOOR_BATCH=16    the floor claims and writes this many events at once (default 0: one at a
#                     time), to see what batching a delivery's bookkeeping could reach
#   FLOOR_BATCH_EACH=1  with FLOOR_BATCH, write each event with its own statements in the
#                     batch's one transaction (default 0: one statement a table for the batch)
#   FLOOR_BATCH_READS=1  with FLOOR_BATCH, the batched floor also reads the payloads' rows
#                     after each claim and locks the outcomes' rows in each write (default 0)
#   THREADS=4         GOMAXPROCS of the benchmark's process (Cascade, the vendor service, the
#                     plain client and the page reads alike); default: the runtime's own
#   WORKERS_NODE=10   deliver with the job workers on a node of their own, cascade serve at this
#                     niceness (or WORKERS_NODE=idle: under chrt --idle, run only on a CPU
#                     nothing else wants), the benchmark's Cascade serving the page as an
#                     API-only node (default empty: the workers run in the benchmark's process)
#   VENDOR_PROCESS=0  run the vendor service in the benchmark's process (default 1: in a
#                     process of its own, as a vendor's service runs), for Cascade's delivery,
#                     the plain client and the floor alike
#   PAGE_TAIL=1       also print, for each window of page reads, its twelve slowest reads
#                     with when each started since the window's first, to standard error
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=bench/out/delivery
EVENTS=${EVENTS:-20000}
ENGINES=${ENGINES:-"sqlite postgres"}
IDLE=${IDLE:-5s}
PROFILE=${PROFILE:-0}
TRACE=${TRACE:-0}
FLOOR_PACE=${FLOOR_PACE:-0}
FLOOR_BATCH=${FLOOR_BATCH:-0}
FLOOR_BATCH_EACH=${FLOOR_BATCH_EACH:-0}
FLOOR_BATCH_READS=${FLOOR_BATCH_READS:-0}
THREADS=${THREADS:-0}
WORKERS_NODE=${WORKERS_NODE:-}
VENDOR_PROCESS=${VENDOR_PROCESS:-1}
TARGET_RATIO=0.5     # Cascade's events/s over the baseline's, at least
TARGET_P99_RATIO=2.0 # the page's p99 during delivery over before it, at most

. bench/lib.sh
PG_URL=${CASCADE_BENCH_POSTGRES_URL:-}
[ -z "$PG_URL" ] || command -v psql >/dev/null 2>&1 || die "psql is required with CASCADE_BENCH_POSTGRES_URL"

rm -rf "$OUT"
mkdir -p "$OUT"
say "building"
go build -o "$OUT/delivery" ./bench/delivery
node=()
if [ -n "$WORKERS_NODE" ]; then
	if [ "$WORKERS_NODE" = idle ]; then
		command -v chrt >/dev/null 2>&1 || die "chrt is required with WORKERS_NODE=idle"
	else
		command -v nice >/dev/null 2>&1 || die "nice is required with WORKERS_NODE"
	fi
	go build -o "$OUT/cascade" ./cmd/cascade
	node=(-workers-node "$OUT/cascade" -workers-node-priority "$WORKERS_NODE")
fi
[ "$VENDOR_PROCESS" = 0 ] || node+=(-vendor-process)

# field NAME LINE prints the value of NAME=... in LINE.
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }

ALL_PASS=true
: >"$OUT/delivery.txt"
: >"$OUT/times.txt"
: >"$OUT/batched.txt"
for engine in $ENGINES; do
	[ "$engine" = sqlite ] || [ -n "$PG_URL" ] || continue
	if [ "$engine" = sqlite ]; then
		db="sqlite:$OUT/cascade.db"
	else
		new_pg_schema delivery
		db=$PG_SCHEMA_URL
	fi
	say "$engine: queueing and delivering $EVENTS events"
	profile=()
	[ "$PROFILE" = 0 ] || profile=(-cpuprofile "$OUT/$engine.prof")
	[ "$TRACE" = 0 ] || profile+=(-trace "$OUT/$engine.trace")
	line=$("$OUT/delivery" -db "$db" -events "$EVENTS" -out "$OUT" -idle "$IDLE" -floor-pace "$FLOOR_PACE" -floor-batch "$FLOOR_BATCH" -floor-batch-each="$([ "$FLOOR_BATCH_EACH" = 0 ] && echo false || echo true)" -floor-batch-reads="$([ "$FLOOR_BATCH_READS" = 0 ] && echo false || echo true)" -threads "$THREADS" "${profile[@]}" "${node[@]}") ||
		die "bench/delivery failed on $engine"
	ratio=$(field ratio "$line")
	p99=$(field p99_ratio "$line")
	verdict=$(verdict "$ratio >= $TARGET_RATIO && $p99 <= $TARGET_P99_RATIO")
	[ "$verdict" = PASS ] || ALL_PASS=false
	printf '%-9s %7s %9s %9s %6s %10s %10s %6s %11s %13s %7s %7s %16s %16s %s\n' "$engine" "$EVENTS" \
		"$(field cascade_events_per_s "$line")" "$(field baseline_events_per_s "$line")" "$ratio" \
		"$(field page_p99_idle_ms "$line")" "$(field page_p99_delivery_ms "$line")" "$p99" \
		"$(field page_server_p99_idle_ms "$line")/$(field page_server_p99_delivery_ms "$line")" \
		"$(field sched_p99_idle_ms "$line")/$(field sched_p99_delivery_ms "$line")" \
		"$(field floor_ratio "$line")" "$(field floor_p99_ratio "$line")" \
		"$(field cpu_busy "$line")/$(field baseline_cpu_busy "$line")/$(field floor_cpu_busy "$line")" \
		"$(field cpu_ms_per_event "$line")/$(field baseline_cpu_ms_per_event "$line")/$(field floor_cpu_ms_per_event "$line")" \
		"$verdict" >>"$OUT/delivery.txt"
	job=$(field job_ms "$line") call=$(field call_ms "$line")
	printf '%-9s %9s %9s %9s %9s %9s\n' "$engine" "$(field event_ms "$line")" "$job" "$call" \
		"$(awk -v j="$job" -v c="$call" 'BEGIN { printf "%.2f", j - c }')" "$(field baseline_call_ms "$line")" >>"$OUT/times.txt"
	[ "$FLOOR_BATCH" = 0 ] || printf '%-9s %7s %9s %9s %9s %9s %11s %9s\n' "$engine" "$(field floor_ratio "$line")" \
		"$(field floor_batched_ratio "$line")" "$(field floor_batched_p99_ratio "$line")" \
		"$(field floor_cpu_ms_per_event "$line")" "$(field floor_batched_cpu_ms_per_event "$line")" \
		"$(field floor_postgres_ms_per_event "$line")/$(field floor_batched_postgres_ms_per_event "$line")" \
		"$(field floor_batched_events_per_write "$line")" >>"$OUT/batched.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=delivery engine=$engine $line verdict=$verdict" >>bench/out/history.txt
done

{
	echo
	echo "$EVENTS queued Subscription Creates delivered to the example vendor service on loopback, by Cascade's"
	echo "job workers and by a plain Go HTTP client posting the same signed bodies with the same concurrency;"
	echo "floor: the same events delivered by plain SQL writing only the durable state (its rate over the"
	echo "baseline's, and the page's p99 during it over before$([ "$FLOOR_PACE" = 0 ] || echo "; held to $FLOOR_PACE of the baseline's events/s"));"
	echo "server p99: the p99 of the server's own part of each read (its Server-Timing header), before the delivery"
	echo "and during it; a page p99 well above it, the slowest reads waited outside the server's handling."
	echo "sched p99: how long the process's goroutines waited to run, before the delivery and during it."
	echo "CPU busy and CPU ms/ev: the machine's, while Cascade (c), the plain client (b) and the floor (f) delivered."
	[ -z "$WORKERS_NODE" ] || echo "The job workers ran on a node of their own (cascade serve at priority $WORKERS_NODE); sched p99 is the benchmark process's, where the API node runs."
	if [ "$VENDOR_PROCESS" = 0 ]; then
		echo "The vendor service ran in the benchmark's process, beside Cascade."
	else
		echo "The vendor service ran in a process of its own."
	fi
	echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo
	printf '%-9s %7s %9s %9s %6s %10s %10s %6s %11s %13s %7s %7s %16s %16s %s\n' engine events "events/s" "base e/s" ratio \
		"p99 ms" "p99 deliv." "p99 x" "server p99" "sched p99 ms" floor "floor x" "CPU busy c/b/f" "CPU ms/ev c/b/f" verdict
	cat "$OUT/delivery.txt"
	echo
	echo "A worker's time per event (ms): the workers over Cascade's rate; its job's run and its call (GET /metrics,"
	echo "docs/jobs.md \"Metrics\"), and Cascade's own part of the run; the plain client's time per call the same way."
	printf '%-9s %9s %9s %9s %9s %9s\n' engine event job call own "base call"
	cat "$OUT/times.txt"
	if [ "$FLOOR_BATCH" != 0 ]; then
		echo
		echo "The floor one event at a time, and batched: $FLOOR_BATCH claimed in one statement, the answers written"
		echo "$([ "$FLOOR_BATCH_EACH" = 0 ] && echo "by one statement a table for all (on SQLite once an event)" || echo "by the floor's own statements, once an event,") in one transaction (bench/delivery/floor_batched.go)$([ "$FLOOR_BATCH_READS" = 0 ] || echo ", reading the payloads' rows and locking the outcomes' (floor_reads.go)");"
		echo "their ratios to the baseline, the batched one's p99 ratio, the machine's CPU ms per event (PostgreSQL's"
		echo "part, each), and the events a batched write transaction carried on average."
		printf '%-9s %7s %9s %9s %9s %9s %11s %9s\n' engine floor batched "p99 x" "CPU ms" batched "PG ms" "ev/write"
		cat "$OUT/batched.txt"
	fi
	echo
	echo "targets: ratio >= $TARGET_RATIO; p99 during delivery <= ${TARGET_P99_RATIO}x the p99 before it"
} | tee "$OUT/report.txt"
$ALL_PASS
