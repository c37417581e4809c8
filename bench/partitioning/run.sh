#!/usr/bin/env bash
# Monthly partitions of a ticket-like table against the plain table, on the machine's PostgreSQL, by pgbench alone.
# docs/scaling.md §6 says why. Usage: bash bench/partitioning/run.sh [SECONDS] > bench/results/partitioning-DATE.txt
# Needs PostgreSQL at PGHOST (default 127.0.0.1) as postgres with trust auth; makes and drops database part_bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
T=${1:-8}
export PGHOST=${PGHOST:-127.0.0.1} PGUSER=${PGUSER:-postgres}
psql -qAtc "DROP DATABASE IF EXISTS part_bench" -c "CREATE DATABASE part_bench"
trap 'psql -qAtc "DROP DATABASE IF EXISTS part_bench"' EXIT
# t_plain: 360,000 rows over 36 months, the ticket's seven secondary indexes; t_part: the same rows in 36 monthly
# partitions by received_at (+ default); t_idpart: partitioned by a time-ordered id (UUIDv7-like), so that a lookup
# by id can be pruned.
psql -q -d part_bench -f "$here/setup.sql" -f "$here/setup2.sql"
echo "# $(date -u +%FT%TZ) $(psql -Atc 'select version()' | cut -d' ' -f1,2); pgbench -M prepared -c 16 -j 2 -T $T; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run() { pgbench -n -M prepared -c 16 -j 2 -T "$T" -f "$here/scripts/$1.sql" part_bench 2>&1 | awk -v f="$1" -v l="$(cut -d' ' -f1 /proc/loadavg)" '/^tps/ {tps=$3} /latency average/ {lat=$4} END {printf "%-16s %9.0f tps  latency %6.3f ms  (load %s)\n", f, tps, lat, l}'; }
for round in 1 2; do
  for pair in "look_t_plain look_t_part look_t_idpart" "look2_t_plain look2_t_idpart" "upd_t_plain upd_t_part upd_t_idpart" "upd2_t_plain upd2_t_idpart" "ins_t_plain ins_t_part ins_t_idpart"; do
    for f in $pair; do run "$f"; done
  done
done
