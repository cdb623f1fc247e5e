#!/usr/bin/env bash
# dup-without-imports.sh COMMIT [REPO] counts the duplicates of the tree at
# COMMIT twice: as it is, and with the lines inside every Go `import ( … )`
# block blanked (line numbers kept). The duplicates tool passes over an
# import line but not the lines of an import block, so two files that
# import the same six packages are a pair; the second count leaves those
# out. Prints the first line of each count; the full lists stay in $OUT
# (default /tmp/dup-without-imports).
set -uo pipefail

commit=${1:?usage: dup-without-imports.sh COMMIT [REPO]}
repo=${2:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
out=${OUT:-/tmp/dup-without-imports}
tree="$out/$commit"
rm -rf "$tree" "$tree-noimports"
mkdir -p "$tree" "$tree-noimports"
git -C "$repo" archive "$commit" | tar -x -C "$tree" || exit 1
git -C "$repo" archive "$commit" | tar -x -C "$tree-noimports" || exit 1
find "$tree-noimports" -name '*.go' -print0 | while IFS= read -r -d '' f; do
	awk '/^import \($/ {inb = 1; print ""; next}
		inb {print ""; if ($0 ~ /^\)$/) inb = 0; next}
		{print}' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
for t in "$tree" "$tree-noimports"; do
	duplicates --repo "$t" --seconds 300 --most 200 >"$t.txt" 2>&1
	echo "$(basename "$t"): $(head -1 "$t.txt")"
done
