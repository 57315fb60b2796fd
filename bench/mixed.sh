# The mixed and memory scenarios of bench/run.sh, which sources this file after its
# setup (functions, ports, token, the seeded SQLite database in $SEED_DB); see
# bench/README.md.

# The engines: SQLite on a copy of the seeded file, and PostgreSQL in a schema of its
# own, seeded the same way, when CASCADE_BENCH_POSTGRES_URL names a server.
# ENGINES="postgres" (or "sqlite") in the environment measures that engine alone.
WANT_ENGINES=" ${ENGINES:-sqlite postgres} "
ENGINES=()
[ "${WANT_ENGINES/ sqlite /}" = "$WANT_ENGINES" ] || ENGINES+=(sqlite)
declare -A DB_URL=([sqlite]="sqlite:$OUT/cascade-sqlite.db")
if [ -n "${CASCADE_BENCH_POSTGRES_URL:-}" ] && [ "${WANT_ENGINES/ postgres /}" != "$WANT_ENGINES" ]; then
	command -v psql >/dev/null 2>&1 || die "psql is required with CASCADE_BENCH_POSTGRES_URL"
	PG_URL=$CASCADE_BENCH_POSTGRES_URL
	new_pg_schema "$SCENARIO"
	DB_URL[postgres]=$PG_SCHEMA_URL
	say "seeding $PLANS plans and $ACCOUNTS accounts into PostgreSQL schema $PG_SCHEMA"
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/cascade" seed --db "${DB_URL[postgres]}" \
		--bench-plans "$PLANS" --bench-accounts "$ACCOUNTS" | tee "$OUT/seed-postgres.out" >&2
	# What autovacuum does a minute after a bulk load, done now, so the measurement
	# does not share the machine with it: table statistics for the planner, the
	# visibility map for index-only scans, and the trigram indexes' pending lists.
	PGOPTIONS="-c search_path=$PG_SCHEMA" psql -q "$PG_URL" -c "VACUUM ANALYZE" >/dev/null ||
		die "cannot vacuum schema $PG_SCHEMA"
	ENGINES+=(postgres)
fi
[ "${#ENGINES[@]}" -gt 0 ] || die "ENGINES=$WANT_ENGINES names no engine to measure (sqlite, or postgres with CASCADE_BENCH_POSTGRES_URL)"
# BASELINE (an older build) serves the same engines beside this build: on SQLite a
# copy of the seeded file of its own, on PostgreSQL the same schema (the two builds
# must share the schema's migrations), and is measured in the same alternation.
for e in "${ENGINES[@]}"; do
	port=$(free_port)
	start_cascade "cascade-$e" "$OUT/cascade" "$port" "${DB_URL[$e]}"
	if [ -n "$BASELINE" ]; then
		db=${DB_URL[$e]}
		[ "$e" != sqlite ] || db="sqlite:$OUT/baseline-$e.db"
		start_cascade "baseline-$e" "$BASELINE" "$(free_port)" "$db"
	fi
done

: >"$OUT/summary.txt"
ALL_PASS=true

# writer_counters URL prints what the /metrics of the server at URL shows of its one
# write connection (SQLite): busy seconds, transactions, commits, and the waits for
# the write turn (seconds, count); nothing when it has none.
writer_counters() {
	curl -sf "$1/metrics" | awk '
		/^cascade_db_writer_busy_seconds_total / { b = $2 }
		/^cascade_db_writer_transactions_total / { t = $2 }
		/^cascade_db_writer_commits_total / { c = $2 }
		/^cascade_db_wait_seconds_total\{pool="write"\} / { ws = $2 }
		/^cascade_db_wait_count_total\{pool="write"\} / { wn = $2 }
		END { if (b != "") printf "%.6f %d %d %.6f %d\n", b, t, c, ws, wn }'
}

# writer_line SECONDS BEFORE AFTER describes the write connection's work between two
# writer_counters readings, over SECONDS of writing load.
writer_line() {
	awk -v s="$1" -v before="$2" -v after="$3" 'BEGIN {
		split(before, a); split(after, b)
		tx = b[2] - a[2]; commits = b[3] - a[3]; waits = b[5] - a[5]
		printf "busy %.0f%% of the mixed runs; %d transactions in %d commits (%.1f each);", \
			100 * (b[1] - a[1]) / s, tx, commits, commits ? tx / commits : 0
		printf " %.0f%% waited for the turn, %.2f ms on average\n", tx ? 100 * waits / tx : 0, \
			waits ? 1000 * (b[4] - a[4]) / waits : 0
	}'
}

# measure_mixed ENGINE CASE_NUMBER PATH measures GET PATH read-only and mixed with
# account creates, on one engine, beside a bare server with the same body, in
# alternating rounds.
measure_mixed() {
	local e=$1 n=$2 path=$3 name="cascade-$1" status body bytes
	local base=${URL[$name]} creates=/api/v3/resellers/1/accounts
	body="$OUT/body-$e-$n.json"
	status=$(curl -sg -o "$body" -w '%{http_code}' -H "X-Api-Token: $TOKEN" "$base$path")
	[ "$status" = 200 ] || die "$e: GET $path answered $status: $(cat "$body")"
	bytes=$(wc -c <"$body")
	"$OUT/bare" -addr "127.0.0.1:$BARE_PORT" -body "$body" 2>"$OUT/bare-$e-$n.log" &
	PID[bare]=$!
	PIDS+=("$!")
	wait_ready bare "${PID[bare]}" "http://127.0.0.1:$BARE_PORT$path"
	declare -A TARGET_URL=([bare]="http://127.0.0.1:$BARE_PORT$path" [read]="$base$path" [mixed]="$base$path")
	local targets=(bare read mixed)
	if [ -n "$BASELINE" ]; then
		TARGET_URL[base-read]="${URL[baseline-$e]}$path"
		TARGET_URL[base-mixed]="${URL[baseline-$e]}$path"
		targets+=(base-read base-mixed)
	fi
	# Every target runs through mixed.lua's request function, the GETs of bare and
	# read-only too: a script's request function costs wrk more per request than its
	# prebuilt one, on the CPUs the servers share.
	run_target() { # run_target TARGET LABEL SECONDS
		if [ "${1#base-}" = mixed ]; then
			run_wrk "$2" "${TARGET_URL[$1]}" "$3" "$BENCH/mixed.lua" "$creates"
		else
			run_wrk "$2" "${TARGET_URL[$1]}" "$3" "$BENCH/mixed.lua"
		fi
	}
	say "$e case $n: GET $path ($bytes bytes); warm-up ${WARMUP}s each"
	local t round seg=$((DURATION / ROUNDS)) segs="$OUT/segments-$e-$n.txt" line
	[ "$seg" -ge 1 ] || die "DURATION must be at least ROUNDS seconds"
	for t in "${targets[@]}"; do
		run_target "$t" "warmup-$t-$e-$n" "$WARMUP" >/dev/null
	done
	: >"$segs"
	local writer_before writer_after writer=""
	writer_before=$(writer_counters "$base")
	for round in $(seq 1 "$ROUNDS"); do
		for t in "${targets[@]}"; do
			line=$(run_target "$t" "$t-$e-$n-$round" "$seg")
			echo "$t $round $line" | tee -a "$segs" >&2
		done
	done
	writer_after=$(writer_counters "$base")
	[ -z "$writer_before" ] || [ -z "$writer_after" ] ||
		writer=$(writer_line "$((ROUNDS * seg))" "$writer_before" "$writer_after")
	kill "${PID[bare]}" 2>/dev/null || true
	wait "${PID[bare]}" 2>/dev/null || true

	declare -A RPS P99 BAD
	for t in "${targets[@]}"; do
		read -r "RPS[$t]" "P99[$t]" "BAD[$t]" < <(result_of "$t" "$segs")
	done
	local rss ratio p99_ratio v_ratio v_p99 v_rss v_err
	rss=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/${PID[$name]}/status")
	ratio=$(ratio "${RPS[mixed]}" "${RPS[read]}" %.3f)
	p99_ratio=$(ratio "${P99[mixed]}" "${P99[read]}" %.2f)
	v_ratio=$(verdict "$ratio >= $TARGET_RATIO")
	v_p99=$(verdict "$p99_ratio <= $TARGET_P99_RATIO")
	v_rss=$(verdict "$rss < $TARGET_RSS_MB")
	v_err=$(verdict "${BAD[bare]} + ${BAD[read]} + ${BAD[mixed]} == 0")
	{
		echo
		echo "$e: GET $path, body $bytes bytes; mixed: 1 account create (POST) per 10 requests"
		echo "wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per target in $ROUNDS rounds; $(nproc) CPUs," \
			"load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		printf '%-24s %12s %12s %12s %12s %10s\n' "" bare read-only mixed mixed/read target
		printf '%-24s %12s %12s %12s %12s %10s\n' "requests/s" "${RPS[bare]}" "${RPS[read]}" "${RPS[mixed]}" \
			"$ratio" ">=$TARGET_RATIO"
		printf '%-24s %12s %12s %12s %12s %10s\n' "  ratio to bare" 1 "$(ratio "${RPS[read]}" "${RPS[bare]}" %.3f)" \
			"$(ratio "${RPS[mixed]}" "${RPS[bare]}" %.3f)" "" ""
		printf '%-24s %12s %12s %12s %12s %10s\n' "p99 latency (us)" "${P99[bare]}" "${P99[read]}" "${P99[mixed]}" \
			"$p99_ratio" "<=$TARGET_P99_RATIO"
		printf '%-24s %12s %12s %12s %12s %10s\n' "errors (socket+non2xx)" "${BAD[bare]}" "${BAD[read]}" "${BAD[mixed]}" "" 0
		[ -z "$BASELINE" ] || printf '%-24s %12s %12s %12s %12s %10s\n' "baseline requests/s" "" \
			"${RPS[base-read]}" "${RPS[base-mixed]}" "$(ratio "${RPS[base-mixed]}" "${RPS[base-read]}" %.3f)" ""
		[ -z "$BASELINE" ] || printf '%-24s %12s %12s %12s %12s %10s\n' "baseline p99 (us)" "" \
			"${P99[base-read]}" "${P99[base-mixed]}" "$(ratio "${P99[base-mixed]}" "${P99[base-read]}" %.2f)" ""
		[ -z "$writer" ] || echo "write connection: $writer"
		echo "cascade peak RSS ${rss} MB (<$TARGET_RSS_MB)"
		echo "ratio $v_ratio, p99 $v_p99, RSS $v_rss, errors $v_err"
	} | tee -a "$OUT/summary.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=mixed engine=$e path=$path bare_rps=${RPS[bare]} read_rps=${RPS[read]}" \
		"mixed_rps=${RPS[mixed]} ratio=$ratio read_p99_us=${P99[read]} mixed_p99_us=${P99[mixed]}" \
		"p99_ratio=$p99_ratio cascade_rss_mb=$rss" \
		${BASELINE:+"baseline_ratio=$(ratio "${RPS[base-mixed]}" "${RPS[base-read]}" %.3f)"} >>"$OUT/history.txt"
	[ "$v_ratio$v_p99$v_rss$v_err" = PASSPASSPASSPASS ] || ALL_PASS=false
}

# measure_memory ENGINE sends DISTINCT different list requests to the engine's server
# and reports its resident memory after them, now (VmRSS) and at its peak (VmHWM).
measure_memory() {
	local e=$1 name="cascade-$1" done=0 line got bad=0 rss hwm
	say "$e: $DISTINCT different account list requests"
	while [ "$done" -lt "$DISTINCT" ]; do
		line=$(THREADS=1 run_wrk "distinct-$e-$done" "${URL[$name]}${CASES[0]}" 5 "$BENCH/distinct.lua" \
			"${CASES[0]}" "$done")
		got=$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")
		bad=$((bad + $(sed -E 's/.* socket_errors=([0-9]+) non2xx=([0-9]+).*/\1 + \2/' <<<"$line")))
		done=$((done + got))
	done
	rss=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/${PID[$name]}/status")
	hwm=$(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/${PID[$name]}/status")
	{
		echo
		echo "$e: $done different account list requests ($ACCOUNTS accounts), $bad errors"
		echo "cascade RSS ${rss} MB now, ${hwm} MB at peak (target <$TARGET_RSS_MB)"
		echo "RSS $(verdict "$hwm < $TARGET_RSS_MB"), errors $(verdict "$bad == 0")"
	} | tee -a "$OUT/summary.txt"
	echo "RUN $(date -u +%FT%TZ) scenario=memory engine=$e requests=$done rss_mb=$rss hwm_mb=$hwm errors=$bad" \
		>>"$OUT/history.txt"
	[ "$(verdict "$hwm < $TARGET_RSS_MB")$(verdict "$bad == 0")" = PASSPASS ] || ALL_PASS=false
}

[ -z "$SEED_DB" ] || cat "$OUT/seed.out" >>"$OUT/summary.txt"
for e in "${ENGINES[@]}"; do
	if [ "$SCENARIO" = memory ]; then
		measure_memory "$e"
		continue
	fi
	for i in "${!CASES[@]}"; do
		measure_mixed "$e" "$((i + 1))" "${CASES[$i]}"
	done
done
$ALL_PASS
