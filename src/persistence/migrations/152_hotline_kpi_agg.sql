-- 12345 KPIs from maintained counters (issue 7.3). Every change to hotline_event leaves, in the same transaction,
-- append-only delta rows holding what it adds to (or takes from) each KPI's numerator and denominator; a job folds
-- the deltas into per-day rows (src/persistence/hotline-kpi-agg.repo.ts), so the dashboard sums
-- units × days of its period instead of reading every event. Writers only ever INSERT deltas: no hot counter row.
-- Definitions: docs/tickets.md, "12345 KPIs"; the row-based computation they must equal: UNIT_SQL in
-- src/app/tickets/hotline-kpis.ts (the property test test/e2e/hotline-kpi-agg.test.ts compares both).
--
-- A figure of period [from, to) as of asOf is the sum of the contributions with key_at in [from, to) and
-- step_at < asOf. An event's own counts have key_at = step_at = its instant. A clock run (派单 → 签收, 派单 → 联系)
-- is counted from the instant its standing is settled: at the good stop when it came on time (numerator and
-- denominator), at its due otherwise (denominator only), never when it ended another way before its due. An open
-- ticket whose handling is overdue counts against its holder (keyed by the handling due) from max(at, due) until its
-- next event (−1 at next_at). Volume (distinct tickets dispatched to a unit) counts a dispatch whose previous
-- dispatch of the same ticket to the same unit (since_at; for the centre, to any unit: unit_id '') is before `from`.
-- The clock lists are ticket.kind.ts's (as in migration 052); hotline-kpi-agg.repo.ts's AGG_CLOCKS and its test
-- fail when the kind and these lists part.

CREATE TABLE hotline_kpi_delta (
  id              bigserial PRIMARY KEY,
  unit_id         text NOT NULL,                 -- '' = the centre (distinct volume over all units)
  key_at          timestamptz NOT NULL,          -- what puts it in a period: the event's instant (late: handling due)
  step_at         timestamptz NOT NULL,          -- counted as of any asOf after this instant
  since_at        timestamptz,                   -- volume: the previous dispatch of the ticket (to the unit)
  events          int NOT NULL DEFAULT 0,
  dispatches      int NOT NULL DEFAULT 0,
  returns         int NOT NULL DEFAULT 0,
  reopens         int NOT NULL DEFAULT 0,
  replies         int NOT NULL DEFAULT 0,
  replies_on_time int NOT NULL DEFAULT 0,
  follow_ups      int NOT NULL DEFAULT 0,
  rated           int NOT NULL DEFAULT 0,
  satisfied       int NOT NULL DEFAULT 0,
  asked           int NOT NULL DEFAULT 0,
  solved          int NOT NULL DEFAULT 0,
  accept_n        int NOT NULL DEFAULT 0,
  accept_d        int NOT NULL DEFAULT 0,
  respond_n       int NOT NULL DEFAULT 0,
  respond_d       int NOT NULL DEFAULT 0,
  late_open       int NOT NULL DEFAULT 0,
  volume          int NOT NULL DEFAULT 0
);
CREATE INDEX hotline_kpi_delta_step_idx ON hotline_kpi_delta(step_at);

-- The folded deltas, by China-time day. since_day '-infinity' = no previous dispatch.
CREATE TABLE hotline_kpi_day (
  key_day         date NOT NULL,
  unit_id         text NOT NULL,
  step_day        date NOT NULL,
  since_day       date NOT NULL DEFAULT '-infinity',
  events          bigint NOT NULL DEFAULT 0,
  dispatches      bigint NOT NULL DEFAULT 0,
  returns         bigint NOT NULL DEFAULT 0,
  reopens         bigint NOT NULL DEFAULT 0,
  replies         bigint NOT NULL DEFAULT 0,
  replies_on_time bigint NOT NULL DEFAULT 0,
  follow_ups      bigint NOT NULL DEFAULT 0,
  rated           bigint NOT NULL DEFAULT 0,
  satisfied       bigint NOT NULL DEFAULT 0,
  asked           bigint NOT NULL DEFAULT 0,
  solved          bigint NOT NULL DEFAULT 0,
  accept_n        bigint NOT NULL DEFAULT 0,
  accept_d        bigint NOT NULL DEFAULT 0,
  respond_n       bigint NOT NULL DEFAULT 0,
  respond_d       bigint NOT NULL DEFAULT 0,
  late_open       bigint NOT NULL DEFAULT 0,
  volume          bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (key_day, unit_id, step_day, since_day)
);

-- Per ticket, its reopen and reassign events (all time, first and last instant): the problem-ticket list (问题工单:
-- 3+ reopens, or 2+ reassignments never accepted) starts from the few tickets that could qualify and touch the
-- period, instead of every rework event of the period and each ticket's whole history (8.5 s for a month at 1M).
CREATE TABLE hotline_rework (
  item_id    text PRIMARY KEY,
  reopens    int NOT NULL,
  reassigns  int NOT NULL,
  first_at   timestamptz NOT NULL,
  last_at    timestamptz NOT NULL
);
CREATE INDEX hotline_rework_problem_idx ON hotline_rework(last_at) WHERE reopens >= 3 OR reassigns >= 2;

-- One row: the backfill's cursor over the rows that existed when it was queued (seq in [ev_next, ev_max] not yet
-- counted), whether the counters are complete, and the fold's watermark (no folded row has a step on or after it).
CREATE TABLE hotline_kpi_state (
  id             int PRIMARY KEY CHECK (id = 1),
  ev_next        bigint NOT NULL,
  ev_max         bigint NOT NULL,
  complete       boolean NOT NULL DEFAULT false,
  stale          boolean NOT NULL DEFAULT false,   -- a delete or an event's identity changed: rebuild (repo)
  folded_through timestamptz
);
-- The migration only queues: the job (hotlineKpiMaintain) counts the existing rows in bounded steps.
INSERT INTO hotline_kpi_state (id, ev_next, ev_max, complete) SELECT 1, 0, COALESCE(max(seq), -1), count(*) = 0 FROM hotline_event;

-- What the rows add (sg = 1) or take back (sg = -1). with_volume: an update never changes an event's identity (item,
-- event, instant, unit), so it leaves the volume alone (its since_at would be looked up again for nothing).
-- What the rows contribute (one row per contribution). PL/pgSQL so that its statement is planned once per session,
-- not at every trigger call; the previous dispatch is found by a backward probe of hotline_event(item_id, seq).
CREATE FUNCTION hotline_kpi_contrib(rs hotline_event[], with_volume boolean)
RETURNS TABLE (unit_id text, key_at timestamptz, step_at timestamptz, since_at timestamptz, events int, dispatches int, returns int,
               reopens int, replies int, replies_on_time int, follow_ups int, rated int, satisfied int, asked int, solved int,
               accept_n int, accept_d int, respond_n int, respond_d int, late_open int, volume int)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    -- the event's own counts
    SELECT r.unit_id, r.at AS key_at, r.at AS step_at, NULL::timestamptz AS since_at, 1 AS events,
           (r.event IN ('dispatch', 'reassign'))::int AS dispatches, (r.event = 'return')::int AS returns, (r.event = 'reopen')::int AS reopens,
           (r.event = 'reply')::int AS replies, (r.event = 'reply' AND (r.handle_due IS NULL OR r.at <= r.handle_due))::int AS replies_on_time,
           (r.event = 'follow_up')::int AS follow_ups, (r.event = 'follow_up' AND r.rating IS NOT NULL)::int AS rated,
           ((r.event = 'follow_up' AND r.rating IN ('satisfied', 'basically_satisfied')) IS TRUE)::int AS satisfied,
           (r.event = 'follow_up' AND r.resolved IS NOT NULL)::int AS asked, (r.event = 'follow_up' AND r.resolved IS TRUE)::int AS solved,
           0 AS accept_n, 0 AS accept_d, 0 AS respond_n, 0 AS respond_d, 0 AS late_open, 0 AS volume
    FROM unnest(rs) r WHERE r.unit_id IS NOT NULL
    UNION ALL
    -- 按时签收: the accept run started by this row
    SELECT r.unit_id, r.at, greatest(r.at, CASE WHEN g.ok THEN r.accept_end_at ELSE r.accept_due END), NULL, 0,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.ok::int, 1, 0, 0, 0, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (SELECT COALESCE(r.accept_end_at IS NOT NULL AND r.accept_end_event = 'accept'
                                                 AND (r.accept_due IS NULL OR r.accept_end_at <= r.accept_due), false) AS ok) g
    WHERE r.unit_id IS NOT NULL AND r.event IN ('dispatch', 'reassign', 'refuse_return')
      AND (g.ok OR (r.accept_due IS NOT NULL AND (r.accept_end_at IS NULL OR r.accept_due < r.accept_end_at)))
    UNION ALL
    -- 响应: the respond run started by this row
    SELECT r.unit_id, r.at, greatest(r.at, CASE WHEN g.ok THEN r.respond_end_at ELSE r.respond_due END), NULL, 0,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.ok::int, 1, 0, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (SELECT COALESCE(r.respond_end_at IS NOT NULL AND r.respond_end_event IN ('contact', 'reply')
                                                 AND (r.respond_due IS NULL OR r.respond_end_at <= r.respond_due), false) AS ok) g
    WHERE r.unit_id IS NOT NULL AND r.event IN ('dispatch', 'reassign')
      AND (g.ok OR (r.respond_due IS NOT NULL AND (r.respond_end_at IS NULL OR r.respond_due < r.respond_end_at)))
    UNION ALL
    -- 按时办结's open overdue tickets: from max(at, due) until the next event
    SELECT r.unit_id, r.handle_due, s.at, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, s.d, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (VALUES (greatest(r.at, r.handle_due), 1), (r.next_at, -1)) s(at, d)
    WHERE r.unit_id IS NOT NULL AND r.handle_running AND r.handle_due IS NOT NULL
      AND (r.next_at IS NULL OR r.next_at > greatest(r.at, r.handle_due)) AND s.at IS NOT NULL
    UNION ALL
    -- volume: a dispatch counts in a period unless the previous dispatch of the ticket to the unit is in it too
    SELECT v.unit_id, r.at, r.at, v.since, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    FROM unnest(rs) r CROSS JOIN LATERAL (VALUES
      (r.unit_id, (SELECT p.at FROM hotline_event p WHERE p.item_id = r.item_id AND p.seq < r.seq AND p.event IN ('dispatch', 'reassign')
                     AND p.unit_id = r.unit_id ORDER BY p.seq DESC LIMIT 1)),
      ('', (SELECT p.at FROM hotline_event p WHERE p.item_id = r.item_id AND p.seq < r.seq AND p.event IN ('dispatch', 'reassign')
              AND p.unit_id IS NOT NULL ORDER BY p.seq DESC LIMIT 1))
    ) v(unit_id, since)
    WHERE with_volume AND r.unit_id IS NOT NULL AND r.event IN ('dispatch', 'reassign')
;
END
$$;

-- Appends what the rows add (sg = 1) or take back (sg = -1); with_volume: see hotline_kpi_contrib.
CREATE FUNCTION hotline_kpi_emit(rs hotline_event[], sg int, with_volume boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(rs) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO hotline_kpi_delta (unit_id, key_at, step_at, since_at, events, dispatches, returns, reopens, replies, replies_on_time, follow_ups, rated, satisfied, asked, solved, accept_n, accept_d, respond_n, respond_d, late_open, volume)
  SELECT c.unit_id, c.key_at, c.step_at, c.since_at, sg * c.events, sg * c.dispatches, sg * c.returns, sg * c.reopens, sg * c.replies,
         sg * c.replies_on_time, sg * c.follow_ups, sg * c.rated, sg * c.satisfied, sg * c.asked, sg * c.solved, sg * c.accept_n,
         sg * c.accept_d, sg * c.respond_n, sg * c.respond_d, sg * c.late_open, sg * c.volume
  FROM hotline_kpi_contrib(rs, with_volume) c;
  IF with_volume AND sg = 1 THEN
    INSERT INTO hotline_rework AS w (item_id, reopens, reassigns, first_at, last_at)
    SELECT r.item_id, count(*) FILTER (WHERE r.event = 'reopen'), count(*) FILTER (WHERE r.event = 'reassign'), min(r.at), max(r.at)
    FROM unnest(rs) r WHERE r.event IN ('reopen', 'reassign') GROUP BY r.item_id
    ON CONFLICT (item_id) DO UPDATE SET reopens = w.reopens + EXCLUDED.reopens, reassigns = w.reassigns + EXCLUDED.reassigns,
      first_at = least(w.first_at, EXCLUDED.first_at), last_at = greatest(w.last_at, EXCLUDED.last_at);
  END IF;
END
$$;

CREATE FUNCTION hotline_kpi_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s hotline_kpi_state;
BEGIN
  SELECT * INTO s FROM hotline_kpi_state WHERE id = 1;
  -- Rows the backfill has not reached yet (only possible for rows older than the queue) are counted by it.
  PERFORM hotline_kpi_emit(ARRAY(SELECT n::hotline_event FROM new_rows n WHERE s.id IS NULL OR n.seq > s.ev_max OR n.seq < s.ev_next), 1, true);
  RETURN NULL;
END
$$;

CREATE FUNCTION hotline_kpi_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s hotline_kpi_state;
  olds hotline_event[];
  news hotline_event[];
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (seq)
             WHERE o.item_id <> n.item_id OR o.event <> n.event OR o.at <> n.at OR o.unit_id IS DISTINCT FROM n.unit_id) THEN
    UPDATE hotline_kpi_state SET stale = true WHERE id = 1 AND NOT stale;
  END IF;
  SELECT * INTO s FROM hotline_kpi_state WHERE id = 1;
  olds := ARRAY(SELECT o::hotline_event FROM old_rows o WHERE s.id IS NULL OR o.seq > s.ev_max OR o.seq < s.ev_next);
  news := ARRAY(SELECT n::hotline_event FROM new_rows n WHERE s.id IS NULL OR n.seq > s.ev_max OR n.seq < s.ev_next);
  IF cardinality(news) = 0 AND cardinality(olds) = 0 THEN
    RETURN NULL;
  END IF;
  -- Only what changed: an update of next_at or of a run's end changes one or two contributions, not all of them.
  INSERT INTO hotline_kpi_delta (unit_id, key_at, step_at, since_at, events, dispatches, returns, reopens, replies, replies_on_time, follow_ups, rated, satisfied, asked, solved, accept_n, accept_d, respond_n, respond_d, late_open, volume)
  SELECT a.* FROM (SELECT * FROM hotline_kpi_contrib(news, false) EXCEPT ALL SELECT * FROM hotline_kpi_contrib(olds, false)) a
  UNION ALL
  SELECT b.unit_id, b.key_at, b.step_at, b.since_at, -b.events, -b.dispatches, -b.returns, -b.reopens, -b.replies, -b.replies_on_time,
         -b.follow_ups, -b.rated, -b.satisfied, -b.asked, -b.solved, -b.accept_n, -b.accept_d, -b.respond_n, -b.respond_d, -b.late_open, -b.volume
  FROM (SELECT * FROM hotline_kpi_contrib(olds, false) EXCEPT ALL SELECT * FROM hotline_kpi_contrib(news, false)) b;
  RETURN NULL;
END
$$;

-- Nothing deletes hotline_event rows today; if something does, the counters are rebuilt (a delete cannot take back
-- a volume whose since_at depended on rows deleted with it).
CREATE FUNCTION hotline_kpi_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_rows) THEN
    UPDATE hotline_kpi_state SET stale = true WHERE id = 1 AND NOT stale;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER hotline_kpi_insert AFTER INSERT ON hotline_event REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_kpi_on_insert();
CREATE TRIGGER hotline_kpi_update AFTER UPDATE ON hotline_event REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_kpi_on_update();
CREATE TRIGGER hotline_kpi_delete AFTER DELETE ON hotline_event REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_kpi_on_delete();
