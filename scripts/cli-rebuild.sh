#!/usr/bin/env bash
# The lossless guarantee, checkable by anyone: `wirelens -r IN -w OUT --rebuild` on every well-formed capture of
# ../shared/captures (not malformed/) must give OUT identical to IN. Prints the counts and each file that differs.
set -u
cd "$(dirname "$0")/.."
root=${1:-../shared/captures}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
same=0; diff=0; err=0
while IFS= read -r f; do
  ext=${f##*.}; [ "$ext" = pcapng ] || ext=pcap
  case "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" in 0a0d0d0a) ext=pcapng ;; esac
  if node bin/wirelens.js -r "$f" -w "$tmp/out.$ext" --rebuild 2>/dev/null; then
    if cmp -s "$tmp/out.$ext" "$f"; then same=$((same+1)); else diff=$((diff+1)); echo "DIFF $f"; fi
  else err=$((err+1)); echo "ERROR $f"; fi
done < <(find "$root" -type f -not -path '*/malformed/*' -not -name '*.tsv' -not -name '*.md' | sort)
echo "identical $same, different $diff, errors $err"
