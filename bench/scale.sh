#!/usr/bin/env bash
# The scale scenario of bench/run.sh: what one list request costs, with no cache to
# help, on a small and a large database, and the large figure divided by the small
# one (the target is at most 2: a page costs the same at a million rows as at ten
# thousand). See bench/README.md, "Lists at scale".
#
# Settings (environment):
#   SMALL=10000 LARGE=1000000   accounts of the operator in the two databases
#   N=300                       timed requests per case (each after an untimed write)
#   CASCADE_BENCH_POSTGRES_URL  when set, PostgreSQL is measured too, in schemas
#                               cascade_scale_SMALL and cascade_scale_LARGE of it
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out
SMALL=${SMALL:-10000}
LARGE=${LARGE:-1000000}
N=${N:-300}
TARGET=2

. bench/lib.sh
command -v curl >/dev/null 2>&1 || die "curl is required"
[ -z "${CASCADE_BENCH_POSTGRES_URL:-}" ] || command -v psql >/dev/null 2>&1 ||
	die "psql is required with CASCADE_BENCH_POSTGRES_URL"

mkdir -p "$OUT"
rm -f "$OUT"/scale-*
say "building"
go build -o "$OUT/cascade" ./cmd/cascade
go build -o "$OUT/bare" ./bench/bare
go build -o "$OUT/scale" ./bench/scale

# db_url ENGINE SIZE prints the database URL of one size on one engine.
db_url() {
	case "$1" in
	sqlite) echo "sqlite:$OUT/scale-$2.db" ;;
	postgres)
		local sep='?'
		case "$CASCADE_BENCH_POSTGRES_URL" in *\?*) sep='&' ;; esac
		echo "${CASCADE_BENCH_POSTGRES_URL}${sep}search_path=cascade_scale_$2"
		;;
	esac
}

# run ENGINE SIZE seeds a database, serves it and measures every case into
# $OUT/scale-ENGINE-SIZE.txt; the first case's body is kept for the bare server.
run() {
	local engine=$1 size=$2 url port pid
	url=$(db_url "$engine" "$size")
	if [ "$engine" = postgres ]; then
		PGOPTIONS="-c client_min_messages=warning" psql -q "$CASCADE_BENCH_POSTGRES_URL" -c "DROP SCHEMA IF EXISTS cascade_scale_$size CASCADE" \
			-c "CREATE SCHEMA cascade_scale_$size" >/dev/null || die "cannot create schema cascade_scale_$size"
	else
		rm -f "$OUT/scale-$size.db"*
	fi
	say "$engine: seeding $size accounts"
	local t0=$SECONDS
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/cascade" seed --db "$url" --bench-accounts "$size" \
		>"$OUT/scale-seed-$engine-$size.out"
	echo "seed $engine $size: $((SECONDS - t0))s" >>"$OUT/scale-seed.txt"
	port=$(free_port)
	env CASCADE_ADMIN_TOKEN="$TOKEN" "$OUT/cascade" serve --addr "127.0.0.1:$port" --db "$url" \
		>"$OUT/scale-$engine-$size.out" 2>"$OUT/scale-$engine-$size.log" &
	pid=$!
	PIDS+=("$pid")
	wait_ready cascade "$pid" "http://127.0.0.1:$port/readyz"
	say "$engine, $size accounts: $N uncached requests per case"
	"$OUT/scale" measure -url "http://127.0.0.1:$port" -token "$TOKEN" -accounts "$size" -n "$N" \
		>"$OUT/scale-$engine-$size.txt"
	curl -sg -H "X-Api-Token: $TOKEN" -o "$OUT/scale-body.json" \
		"http://127.0.0.1:$port/api/v3/resellers/1/accounts?page[size]=50"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

ENGINES=(sqlite)
[ -z "${CASCADE_BENCH_POSTGRES_URL:-}" ] || ENGINES+=(postgres)
: >"$OUT/scale-seed.txt"
for engine in "${ENGINES[@]}"; do
	run "$engine" "$SMALL"
	run "$engine" "$LARGE"
done

bare_port=$(free_port)
"$OUT/bare" -addr "127.0.0.1:$bare_port" -body "$OUT/scale-body.json" 2>"$OUT/scale-bare.log" &
PIDS+=("$!")
wait_ready bare "$!" "http://127.0.0.1:$bare_port/"
"$OUT/scale" bare -url "http://127.0.0.1:$bare_port" -n "$N" >"$OUT/scale-bare.txt"

# field FILE CASE KEY prints one figure of a measurement.
field() { awk -v c="$2" -v k="$3" '$1 == "CASE" && $2 == c { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"; }

ALL_PASS=true
{
	echo "Uncached list requests (a write before each read), $N per case; times in microseconds."
	echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $(go env GOVERSION), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	cat "$OUT/scale-seed.txt"
	printf 'bare handler: median %s, p99 %s\n' "$(field "$OUT/scale-bare.txt" bare median_us)" \
		"$(field "$OUT/scale-bare.txt" bare p99_us)"
	for engine in "${ENGINES[@]}"; do
		small="$OUT/scale-$engine-$SMALL.txt"
		large="$OUT/scale-$engine-$LARGE.txt"
		echo
		printf '%-26s %10s %10s %10s %10s %8s %8s %s\n' "$engine" "med@$SMALL" "p99@$SMALL" \
			"med@$LARGE" "p99@$LARGE" "med x" "p99 x" "target <=$TARGET"
		for c in $(awk '$1 == "CASE" { print $2 }' "$small"); do
			sm=$(field "$small" "$c" median_us)
			sp=$(field "$small" "$c" p99_us)
			lm=$(field "$large" "$c" median_us)
			lp=$(field "$large" "$c" p99_us)
			rm_=$(awk -v a="$lm" -v b="$sm" 'BEGIN { printf "%.2f", a / b }')
			rp=$(awk -v a="$lp" -v b="$sp" 'BEGIN { printf "%.2f", a / b }')
			v=PASS
			sx=$(field "$small" "$c" matches)
			if [ -n "$sx" ]; then
				# Its matches grow with the table, and so may its cost: reported, not judged.
				v="matches $sx -> $(field "$large" "$c" matches)"
			elif ! awk -v a="$rm_" -v b="$rp" -v t="$TARGET" 'BEGIN { exit !(a <= t && b <= t) }'; then
				v=FAIL
				ALL_PASS=false
			fi
			printf '%-26s %10s %10s %10s %10s %8s %8s %s\n' "$c" "$sm" "$sp" "$lm" "$lp" "$rm_" "$rp" "$v"
		done
	done
} | tee "$OUT/scale-summary.txt"
$ALL_PASS
