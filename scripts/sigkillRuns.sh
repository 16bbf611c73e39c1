#!/usr/bin/env bash
# Runs the SIGKILL fault test (test/faults/sigkill.e2e.test.ts) on SQLite N times (default 20) and
# sums up how often the ITSM number reached the applicant who sent "kirim" right before the kill:
# once, never (its send was under way at the kill: the number comes when they ask again), or
# twice (a duplicate). Each run's log is kept in the output directory.
#   bash scripts/sigkillRuns.sh [runs] [output directory]
set -u
runs="${1:-20}"
out="${2:-$(mktemp -d -t pln123-sigkill-XXXXXX)}"
mkdir -p "$out"
passed=0 failed=0 once=0 never=0 twice=0
for i in $(seq 1 "$runs"); do
  log="$out/run-$i.log"
  if DATABASE_URL= REDIS_URL= npx vitest run test/faults/sigkill.e2e.test.ts -t 'on SQLite' >"$log" 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  line=$(grep -o 'SIGKILL-DELIVERY.*' "$log" | head -1)
  done_count=$(sed -n 's/.*kirimUserDone=\([0-9]*\).*/\1/p' <<<"$line")
  case "$done_count" in
    1) once=$((once + 1)) ;;
    0) never=$((never + 1)) ;;
    '') ;;
    *) twice=$((twice + 1)) ;;
  esac
  echo "run $i: ${line:-no delivery line (see $log)}"
done
echo "runs=$runs passed=$passed failed=$failed kirim-number-once=$once never(asked-again)=$never more-than-once=$twice logs=$out"
