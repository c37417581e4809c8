-- The 12345 KPI counters write one delta row per distinct (unit, key instant, step instant, since instant) of a
-- statement's contributions instead of one per contribution (issue 7, ticket intake's cost; BENCHMARKS.md, "Intake:
-- pipelined groups, KPI deltas merged").
--
-- A received and dispatched ticket's two hotline_event rows contributed 7 delta rows (hotline_kpi_contrib): the
-- 受理 row's event count, the 派单 row's event and dispatch counts, its volume for the lead unit, its 签收 and 响应 runs,
-- its open-handling run and its volume for the centre. The first three share unit, key, step and since (the instant
-- of the intake, no earlier dispatch), so they are one row now: 5 rows per desk ticket. The tickets of one intake
-- group share rows where those instants are the same (one handling due for the day's tickets of a tier; tickets taken
-- in the same millisecond): under peer's load 7.00 -> 1.84 rows per ticket. Every reader sums the deltas by those
-- columns or coarser ones (the fold into hotline_kpi_day and _month, the dashboard's unfolded tail, the trend:
-- hotline-kpi-agg.repo.ts), so rows written as one row count the same. The update trigger's EXCEPT ALL of
-- contributions is unchanged (it compares contributions, not rows). test/e2e/hotline-kpi-agg.test.ts compares the
-- counters with the row-based computation; test/perf-shape/hotline-kpi-delta-rows.test.ts counts the rows.

CREATE OR REPLACE FUNCTION hotline_kpi_emit(rs hotline_event[], sg int, with_volume boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(rs) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO hotline_kpi_delta (unit_id, key_at, step_at, since_at, events, dispatches, returns, reopens, replies, replies_on_time, follow_ups, rated, satisfied, asked, solved, accept_n, accept_d, respond_n, respond_d, late_open, volume)
  SELECT c.unit_id, c.key_at, c.step_at, c.since_at, sg * sum(c.events), sg * sum(c.dispatches), sg * sum(c.returns), sg * sum(c.reopens), sg * sum(c.replies),
         sg * sum(c.replies_on_time), sg * sum(c.follow_ups), sg * sum(c.rated), sg * sum(c.satisfied), sg * sum(c.asked), sg * sum(c.solved), sg * sum(c.accept_n),
         sg * sum(c.accept_d), sg * sum(c.respond_n), sg * sum(c.respond_d), sg * sum(c.late_open), sg * sum(c.volume)
  FROM hotline_kpi_contrib(rs, with_volume) c
  GROUP BY c.unit_id, c.key_at, c.step_at, c.since_at;
  IF with_volume AND sg = 1 THEN
    INSERT INTO hotline_rework AS w (item_id, reopens, reassigns, first_at, last_at)
    SELECT r.item_id, count(*) FILTER (WHERE r.event = 'reopen'), count(*) FILTER (WHERE r.event = 'reassign'), min(r.at), max(r.at)
    FROM unnest(rs) r WHERE r.event IN ('reopen', 'reassign') GROUP BY r.item_id
    ON CONFLICT (item_id) DO UPDATE SET reopens = w.reopens + EXCLUDED.reopens, reassigns = w.reassigns + EXCLUDED.reassigns,
      first_at = least(w.first_at, EXCLUDED.first_at), last_at = greatest(w.last_at, EXCLUDED.last_at);
  END IF;
END
$$;
