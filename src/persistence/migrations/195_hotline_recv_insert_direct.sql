-- The 12345 received counts (migration 153) of an INSERT into ticket written straight from the statement's new rows,
-- one delta row per distinct (instant, dimension, code) (issue 7, ticket intake's cost; BENCHMARKS.md, "Intake:
-- pipelined groups, KPI deltas merged").
--
-- hotline_recv_on_insert built `ARRAY(SELECT n::ticket FROM new_rows n)` (every column of every new ticket, its
-- content and requester included, copied into one array value) for hotline_recv_emit to unnest twice: ~0.13 ms of an
-- intake's ~1.1 ms of PostgreSQL time under peer's load (docs/tickets.md, "Where a ticket's time goes, again"). Now the
-- INSERT reads the two columns it counts from new_rows and sums rows of the same instant, dimension and code (tickets
-- of one intake group taken in the same millisecond, of one category or place). Every reader sums n by those columns
-- or coarser (the fold into hotline_recv_day and _month, the dashboard's tail, the trend: hotline-kpi-agg.repo.ts).
-- Updates and deletes still go through hotline_recv_emit. test/e2e/hotline-kpi-agg.test.ts compares the counts with
-- the rows; test/perf-shape/hotline-kpi-delta-rows.test.ts counts the rows of a group.

CREATE OR REPLACE FUNCTION hotline_recv_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s hotline_kpi_state;
BEGIN
  SELECT * INTO s FROM hotline_kpi_state WHERE id = 1;
  IF s.id IS NOT NULL AND NOT s.tk_complete THEN
    INSERT INTO hotline_recv_seen (item_id) SELECT n.item_id FROM new_rows n WHERE n.item_id > s.tk_done ON CONFLICT DO NOTHING;
  END IF;
  INSERT INTO hotline_recv_delta (received_at, dim, code, n)
  SELECT x.received_at, x.dim, x.code, count(*)
    FROM (SELECT n.received_at, 'c' AS dim, n.category_code AS code FROM new_rows n
          UNION ALL
          SELECT n.received_at, 'p', n.place_unit_id FROM new_rows n WHERE n.place_unit_id IS NOT NULL) x
   GROUP BY x.received_at, x.dim, x.code;
  RETURN NULL;
END
$$;
