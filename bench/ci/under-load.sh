#!/usr/bin/env bash
# under-load.sh COMMIT N [REPO] runs CI under load N times at COMMIT: in
# each pair, .ci/run in a fresh clone of REPO (default: this checkout) while
# `ACADEMY_E2E=required go test -count=1 ./...` runs in another fresh clone.
# Each pair appends a line to $OUT/pairs.txt (OUT defaults to
# /tmp/ci-under-load); the logs of both sides stay beside it.
set -uo pipefail

commit=${1:?usage: under-load.sh COMMIT N [REPO]}
n=${2:?usage: under-load.sh COMMIT N [REPO]}
repo=${3:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
out=${OUT:-/tmp/ci-under-load}
mkdir -p "$out"

for i in $(seq 1 "$n"); do
	rm -rf "$out/a" "$out/b"
	git clone -q "$repo" "$out/a" && git -C "$out/a" checkout -q "$commit" || exit 1
	git clone -q "$repo" "$out/b" && git -C "$out/b" checkout -q "$commit" || exit 1
	start=$(date +%s)
	(
		cd "$out/b" && ACADEMY_E2E=required go test -count=1 ./... >"$out/b-$commit-$i.log" 2>&1
		echo "b rc=$? $(($(date +%s) - start))s" >>"$out/b-$commit-$i.log"
	) &
	bpid=$!
	(cd "$out/a" && ./.ci/run >"$out/a-$commit-$i.log" 2>&1)
	rc=$?
	end=$(date +%s)
	wait $bpid
	echo "$commit pair $i: .ci/run rc=$rc $((end - start))s; $(tail -1 "$out/b-$commit-$i.log")" >>"$out/pairs.txt"
done
rm -rf "$out/a" "$out/b"
tail -n "$n" "$out/pairs.txt"
