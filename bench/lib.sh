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
