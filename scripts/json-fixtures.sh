#!/usr/bin/env bash
# Regenerate fixtures/json/<capture path with / as __>.json: tshark's -T json (TShark 4.0.17) for each capture listed
# in fixtures/json/CAPTURES.txt, with its extra options (-x adds the _raw entries; those files end in .x.json).
#   TZ=UTC WIRESHARK_CONFIG_DIR=<empty dir> tshark -n -r CAPTURE -T json [-x]
# test/inspect/json-corpus.test.ts compares wirelens's -T json with these files.
set -euo pipefail
cd "$(dirname "$0")/.."
conf=$(mktemp -d)
trap 'rm -rf "$conf"' EXIT
grep -v '^#' fixtures/json/CAPTURES.txt | while IFS=$'\t' read -r cap opts; do
  [ -n "$cap" ] || continue
  name=$(echo "${cap#fixtures/}" | sed 's#/#__#g')
  out="fixtures/json/$name${opts:+.x}.json"
  # shellcheck disable=SC2086
  TZ=UTC WIRESHARK_CONFIG_DIR="$conf" tshark -n -r "$cap" -T json $opts > "$out" 2>/dev/null
  echo "$out"
done
