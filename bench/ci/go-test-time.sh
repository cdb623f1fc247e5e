#!/usr/bin/env bash
# go-test-time.sh BASE HEAD ROUNDS [REPO] times `go test ./...` at two
# commits back to back, alternating which goes first, ROUNDS times. Each
# commit gets a worktree of its own under $OUT (default /tmp/go-test-time),
# warmed first (build and test binaries compiled, nothing run). A round
# times, at each commit:
#   all   ACADEMY_E2E=required go test -count=1 ./...
#   same  the same, run only on the top-level tests BASE has (by name, -run),
#         so that both sides run the same tests
# and appends a line to $OUT/times.txt: wall seconds, the CPU seconds of go
# test and what it waited for (user+sys), and the whole machine's busy CPU
# seconds over the run, from /proc/stat. The last counts what /usr/bin/time
# cannot: Chromium's renderers, which are not the test binary's children
# when they exit.
set -uo pipefail

base=${1:?usage: go-test-time.sh BASE HEAD ROUNDS [REPO]}
head=${2:?usage: go-test-time.sh BASE HEAD ROUNDS [REPO]}
rounds=${3:?usage: go-test-time.sh BASE HEAD ROUNDS [REPO]}
repo=${4:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
out=${OUT:-/tmp/go-test-time}
mkdir -p "$out"

busy() { awk '/^cpu /{print ($2+$3+$4+$7+$8)/100}' /proc/stat; }

worktree() { # worktree COMMIT: a warmed checkout of COMMIT, its path on stdout
	local dir="$out/wt-$1"
	if [ ! -d "$dir" ]; then
		git clone -q "$repo" "$dir" && git -C "$dir" checkout -q "$1" || exit 1
	fi
	(cd "$dir" && go build ./... && ACADEMY_E2E=required go test -count=1 -run XXX_NONE ./... >/dev/null) >&2 || exit 1
	echo "$dir"
}

timed() { # timed LABEL DIR ARGS...: one go test run, a line in times.txt
	local label=$1 dir=$2
	shift 2
	local b0 b1 t
	b0=$(busy)
	(cd "$dir" && /usr/bin/time -f "%e %U %S" -o "$out/time.tmp" env ACADEMY_E2E=required go test -count=1 "$@" ./... >"$out/$label.log" 2>&1)
	local rc=$?
	b1=$(busy)
	# time writes "Command exited with non-zero status N" first when the
	# run fails: the figures are on the last line.
	read -r wall user sys < <(tail -n 1 "$out/time.tmp")
	t=$(awk -v w="$wall" -v u="$user" -v s="$sys" -v b0="$b0" -v b1="$b1" \
		'BEGIN{printf "wall %.1f s, go test CPU %.1f s, machine busy %.1f CPU-s", w, u+s, b1-b0}')
	echo "$label rc=$rc: $t" | tee -a "$out/times.txt"
}

bdir=$(worktree "$base")
hdir=$(worktree "$head")
# The top-level tests of BASE, by name.
names=$(cd "$bdir" && go test -list '.*' ./... 2>/dev/null | grep -E '^(Test|Example)' | sort -u | paste -sd'|')
echo "# $(date -u +%FT%TZ) base $base, head $head: $(echo "$names" | tr '|' '\n' | wc -l) tests by name" | tee -a "$out/times.txt"

for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) -eq 1 ]; then order="base head"; else order="head base"; fi
	for side in $order; do
		if [ "$side" = base ]; then c=$base d=$bdir; else c=$head d=$hdir; fi
		timed "round$r-$side-$c-all" "$d"
		timed "round$r-$side-$c-same" "$d" -run "^($names)\$"
	done
done
