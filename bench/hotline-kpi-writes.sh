#!/bin/bash
# The database cost of the 12345 KPI counters (migrations 152-153) on the ticket-event write path: 300 tickets x 6
# events written as item_event inserts (the capture trigger fills hotline_event) in one SQL function, with the
# counters' triggers enabled and disabled, alternating, 2 rounds. Prints each round's execution time and the load.
# Usage: bench/hotline-kpi-writes.sh   (local PostgreSQL, user postgres; creates and drops duban_kpi_writes)
set -e
cd "$(dirname "$0")/.."
DB=duban_kpi_writes
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
npx tsx -e "import('./src/persistence/pg.db.ts').then(async ({ openPg }) => { const { migrate } = await import('./src/persistence/migrate.ts'); const db = await openPg('postgres://postgres@127.0.0.1:5432/$DB'); await migrate(db); await db.close() })"
D="psql -h 127.0.0.1 -U postgres -d $DB -qAt"
$D <<'SQL'
CREATE FUNCTION kpi_w(tag text, n int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE i int; e text; k int := 0;
BEGIN
  FOR i IN 1..n LOOP
    INSERT INTO item (id, number, kind, kind_version, state, state_type, title, snapshot)
      VALUES (tag || i, tag || i, 'ticket', 1, 'x', 'open', 'x', jsonb_build_object('data', jsonb_build_object('lead', 'u' || (i % 40)),
        'clocks', jsonb_build_object('accept', jsonb_build_object('startedAt', now(), 'dueAt', now() + interval '2 hours'),
                                     'respond', jsonb_build_object('startedAt', now(), 'dueAt', now() + interval '1 day'),
                                     'handle', jsonb_build_object('startedAt', now(), 'dueAt', now() + interval '7 days'))));
    FOREACH e IN ARRAY ARRAY['dispatch', 'accept', 'contact', 'reply', 'follow_up', 'close'] LOOP
      k := k + 1;
      INSERT INTO item_event (item_id, event, from_state, to_state, actor_role, payload, at)
        VALUES (tag || i, e, 'x', e, 'operator', CASE WHEN e = 'follow_up' THEN '{"rating":"satisfied","resolved":true}'::jsonb ELSE '{}'::jsonb END, now() + k * interval '1 second');
    END LOOP;
  END LOOP;
END $$;
SQL
for r in 1 2; do
  for mode in on off; do
    if [ $mode = off ]; then act=DISABLE; else act=ENABLE; fi
    $D -c "ALTER TABLE hotline_event $act TRIGGER hotline_kpi_insert; ALTER TABLE hotline_event $act TRIGGER hotline_kpi_update"
    ms=$($D -c "\timing on" -c "SELECT kpi_w('$mode$r-', 300)" | grep -o 'Time: [0-9.]*' | cut -d' ' -f2)
    echo "round $r counters $mode: 1800 ticket events in $ms ms; load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
echo "delta rows per counted event: $($D -c "SELECT round((SELECT count(*) FROM hotline_kpi_delta)::numeric / 3600, 2)")"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $DB WITH (FORCE)"
