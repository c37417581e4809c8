-- 重办 rounds: a requester who asked 重办 could not rate the second reply, and the KPIs counted every 回访.
--
-- 1. The requester's own rating (市民评价, public page) is kept per reply: ticket_citizen_rating holds every round's
--    rating (keyed by the rated reply's instant); ticket.citizen_rating / citizen_comment / rated_at stay the latest
--    and ticket.rated_reply_at names the reply it rates. The public route rates each new reply once
--    (src/app/tickets/public-tickets.ts; the rule: src/domain/tickets/ratings.ts).
-- 2. 满意率 and 解决率 count one 回访 per ticket, the latest (docs/tickets.md, "12345 KPIs"): hotline_event.rerated_at is
--    the instant of the ticket's next 回访 (null: none yet), written by the capture trigger; a period as of asOf counts
--    a 回访 unless the ticket had a later one before asOf (UNIT_SQL), so a finished period's figures never change. The
--    counters take a 回访's rated / asked / solved back from rerated_at on (keyed by the 回访's own instant) and its
--    满意 in the new column satisfied_back, so the trend's per-day 回访 and 满意 (hotline_trend_day) stay counts of the
--    回访 made. test/e2e/hotline-kpi-agg.test.ts compares counters and rows on random histories with several 回访.

CREATE TABLE ticket_citizen_rating (
  item_id    text NOT NULL REFERENCES ticket(item_id),
  reply_at   timestamptz NOT NULL,
  rating     text NOT NULL CHECK (rating IN ('satisfied','basically_satisfied','unsatisfied')),
  comment    text,
  rated_at   timestamptz NOT NULL,
  PRIMARY KEY (item_id, reply_at)
);
ALTER TABLE ticket ADD COLUMN rated_reply_at timestamptz;
-- The ratings given before: each rates the latest reply before it (for a merged ticket, whose reply is its
-- primary's, the instant of the rating itself).
UPDATE ticket t SET rated_reply_at = COALESCE(
  (SELECT max(e.at) FROM item_event e WHERE e.item_id = t.item_id AND e.event IN ('reply', 'answer_directly') AND e.at <= t.rated_at), t.rated_at)
 WHERE t.citizen_rating IS NOT NULL AND t.rated_at IS NOT NULL;
INSERT INTO ticket_citizen_rating (item_id, reply_at, rating, comment, rated_at)
SELECT item_id, rated_reply_at, citizen_rating, citizen_comment, rated_at FROM ticket WHERE rated_reply_at IS NOT NULL;

ALTER TABLE hotline_event ADD COLUMN rerated_at timestamptz;
ALTER TABLE hotline_kpi_delta ADD COLUMN satisfied_back int NOT NULL DEFAULT 0;
ALTER TABLE hotline_kpi_day ADD COLUMN satisfied_back bigint NOT NULL DEFAULT 0;
ALTER TABLE hotline_kpi_month ADD COLUMN satisfied_back bigint NOT NULL DEFAULT 0;

DROP FUNCTION hotline_kpi_contrib(hotline_event[], boolean);
CREATE FUNCTION hotline_kpi_contrib(rs hotline_event[], with_volume boolean)
RETURNS TABLE (unit_id text, key_at timestamptz, step_at timestamptz, since_at timestamptz, events int, dispatches int, returns int,
               reopens int, replies int, replies_on_time int, follow_ups int, rated int, satisfied int, asked int, solved int,
               accept_n int, accept_d int, respond_n int, respond_d int, late_open int, volume int, satisfied_back int)
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
           0 AS accept_n, 0 AS accept_d, 0 AS respond_n, 0 AS respond_d, 0 AS late_open, 0 AS volume, 0 AS satisfied_back
    FROM unnest(rs) r WHERE r.unit_id IS NOT NULL
    UNION ALL
    -- 按时签收: the accept run started by this row
    SELECT r.unit_id, r.at, greatest(r.at, CASE WHEN g.ok THEN r.accept_end_at ELSE r.accept_due END), NULL, 0,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.ok::int, 1, 0, 0, 0, 0, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (SELECT COALESCE(r.accept_end_at IS NOT NULL AND r.accept_end_event = 'accept'
                                                 AND (r.accept_due IS NULL OR r.accept_end_at <= r.accept_due), false) AS ok) g
    WHERE r.unit_id IS NOT NULL AND r.event IN ('dispatch', 'reassign', 'refuse_return')
      AND (g.ok OR (r.accept_due IS NOT NULL AND (r.accept_end_at IS NULL OR r.accept_due < r.accept_end_at)))
    UNION ALL
    -- 响应: the respond run started by this row
    SELECT r.unit_id, r.at, greatest(r.at, CASE WHEN g.ok THEN r.respond_end_at ELSE r.respond_due END), NULL, 0,
           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, g.ok::int, 1, 0, 0, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (SELECT COALESCE(r.respond_end_at IS NOT NULL AND r.respond_end_event IN ('contact', 'reply')
                                                 AND (r.respond_due IS NULL OR r.respond_end_at <= r.respond_due), false) AS ok) g
    WHERE r.unit_id IS NOT NULL AND r.event IN ('dispatch', 'reassign')
      AND (g.ok OR (r.respond_due IS NOT NULL AND (r.respond_end_at IS NULL OR r.respond_due < r.respond_end_at)))
    UNION ALL
    -- 按时办结's open overdue tickets: from max(at, due) until the next event
    SELECT r.unit_id, r.handle_due, s.at, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, s.d, 0, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (VALUES (greatest(r.at, r.handle_due), 1), (r.next_at, -1)) s(at, d)
    WHERE r.unit_id IS NOT NULL AND r.handle_running AND r.handle_due IS NOT NULL
      AND (r.next_at IS NULL OR r.next_at > greatest(r.at, r.handle_due)) AND s.at IS NOT NULL
    UNION ALL
    -- volume: a dispatch counts in a period unless the previous dispatch of the ticket to the unit is in it too
    SELECT v.unit_id, r.at, r.at, v.since, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0
    FROM unnest(rs) r CROSS JOIN LATERAL (VALUES
      (r.unit_id, (SELECT p.at FROM hotline_event p WHERE p.item_id = r.item_id AND p.seq < r.seq AND p.event IN ('dispatch', 'reassign')
                     AND p.unit_id = r.unit_id ORDER BY p.seq DESC LIMIT 1)),
      ('', (SELECT p.at FROM hotline_event p WHERE p.item_id = r.item_id AND p.seq < r.seq AND p.event IN ('dispatch', 'reassign')
              AND p.unit_id IS NOT NULL ORDER BY p.seq DESC LIMIT 1))
    ) v(unit_id, since)
    WHERE with_volume AND r.unit_id IS NOT NULL AND r.event IN ('dispatch', 'reassign')
    UNION ALL
    -- 回访 of a later round: the rating, resolution and satisfaction of this 回访 are taken back from the next 回访's
    -- instant on (keyed by this one's instant), so a period counts one 回访 per ticket, the latest before asOf.
    -- Satisfaction's take-back has its own column: the trend keeps counting 满意 per 回访 made (hotline_trend_day).
    SELECT r.unit_id, r.at, r.rerated_at, NULL, 0, 0, 0, 0, 0, 0, 0,
           -(r.rating IS NOT NULL)::int, 0, -(r.resolved IS NOT NULL)::int, -(r.resolved IS TRUE)::int,
           0, 0, 0, 0, 0, 0, -((r.rating IN ('satisfied', 'basically_satisfied')) IS TRUE)::int
    FROM unnest(rs) r WHERE r.unit_id IS NOT NULL AND r.event = 'follow_up' AND r.rerated_at IS NOT NULL
;
END
$$;


CREATE OR REPLACE FUNCTION hotline_kpi_emit(rs hotline_event[], sg int, with_volume boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(rs) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO hotline_kpi_delta (unit_id, key_at, step_at, since_at, events, dispatches, returns, reopens, replies, replies_on_time, follow_ups, rated, satisfied, asked, solved, accept_n, accept_d, respond_n, respond_d, late_open, volume, satisfied_back)
  SELECT c.unit_id, c.key_at, c.step_at, c.since_at, sg * sum(c.events), sg * sum(c.dispatches), sg * sum(c.returns), sg * sum(c.reopens), sg * sum(c.replies),
         sg * sum(c.replies_on_time), sg * sum(c.follow_ups), sg * sum(c.rated), sg * sum(c.satisfied), sg * sum(c.asked), sg * sum(c.solved), sg * sum(c.accept_n),
         sg * sum(c.accept_d), sg * sum(c.respond_n), sg * sum(c.respond_d), sg * sum(c.late_open), sg * sum(c.volume), sg * sum(c.satisfied_back)
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

CREATE OR REPLACE FUNCTION hotline_kpi_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
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
  INSERT INTO hotline_kpi_delta (unit_id, key_at, step_at, since_at, events, dispatches, returns, reopens, replies, replies_on_time, follow_ups, rated, satisfied, asked, solved, accept_n, accept_d, respond_n, respond_d, late_open, volume, satisfied_back)
  SELECT a.* FROM (SELECT * FROM hotline_kpi_contrib(news, false) EXCEPT ALL SELECT * FROM hotline_kpi_contrib(olds, false)) a
  UNION ALL
  SELECT b.unit_id, b.key_at, b.step_at, b.since_at, -b.events, -b.dispatches, -b.returns, -b.reopens, -b.replies, -b.replies_on_time,
         -b.follow_ups, -b.rated, -b.satisfied, -b.asked, -b.solved, -b.accept_n, -b.accept_d, -b.respond_n, -b.respond_d, -b.late_open, -b.volume, -b.satisfied_back
  FROM (SELECT * FROM hotline_kpi_contrib(olds, false) EXCEPT ALL SELECT * FROM hotline_kpi_contrib(news, false)) b;
  RETURN NULL;
END
$$;


CREATE OR REPLACE FUNCTION hotline_event_capture_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A plan task's own events (a report, a 催办, a completion …): names no ticket kind has, so the statement carries no
  -- ticket's row and nothing is read of item. Migration 181; test/perf-shape/hotline-capture-tasks.test.ts checks the
  -- names against the kinds' catalogue.
  IF NOT EXISTS (SELECT 1 FROM new_rows e
                  WHERE e.event <> ALL ('{report_progress,remind,confirm,submit_completion,approve_completion,return_completion,return_to_centre,cancel,withdraw_dispatch}'::text[])) THEN
    RETURN NULL;
  END IF;
  -- Other statements without a ticket's row (a 签收 or 交办 of a task): one read by key per row, nothing written.
  IF NOT EXISTS (SELECT 1 FROM new_rows e WHERE (SELECT i.kind FROM item i WHERE i.id = e.item_id) = 'ticket') THEN
    RETURN NULL;
  END IF;
  -- The earlier rows of these tickets that the new rows end (hotline_event has rows of tickets only).
  IF EXISTS (SELECT 1 FROM new_rows e CROSS JOIN LATERAL (SELECT 1 FROM hotline_event h WHERE h.item_id = e.item_id AND h.seq < e.seq LIMIT 1) h) THEN
    WITH n AS (
      SELECT e.seq, e.item_id, e.event, e.at
        FROM new_rows e CROSS JOIN LATERAL (SELECT i.kind FROM item i WHERE i.id = e.item_id OFFSET 0) i WHERE i.kind = 'ticket'
    ), c AS (
      SELECT h.seq,
             CASE WHEN h.next_at IS NULL THEN (SELECT m.at FROM n m WHERE m.item_id = h.item_id AND m.seq > h.seq ORDER BY m.seq LIMIT 1) END AS next_at,
             ae.event AS ae_event, ae.at AS ae_at, re.event AS re_event, re.at AS re_at, fu.at AS fu_at
        FROM (SELECT DISTINCT n.item_id FROM n) d
        CROSS JOIN LATERAL (SELECT * FROM hotline_event h WHERE h.item_id = d.item_id OFFSET 0) h
        LEFT JOIN LATERAL (SELECT m.event, m.at FROM n m
                            WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event IN ('dispatch', 'reassign', 'refuse_return', 'accept', 'return', 'withdraw')
                            ORDER BY m.seq LIMIT 1) ae
               ON h.accept_end_event IS NULL AND h.event IN ('dispatch', 'reassign', 'refuse_return')
        LEFT JOIN LATERAL (SELECT m.event, m.at FROM n m
                            WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event IN ('dispatch', 'reassign', 'contact', 'reply', 'withdraw')
                            ORDER BY m.seq LIMIT 1) re
               ON h.respond_end_event IS NULL AND h.event IN ('dispatch', 'reassign')
        LEFT JOIN LATERAL (SELECT m.at FROM n m WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event = 'follow_up' ORDER BY m.seq LIMIT 1) fu
               ON h.rerated_at IS NULL AND h.event = 'follow_up'
    )
    UPDATE hotline_event h
       SET next_at = COALESCE(h.next_at, c.next_at),
           accept_end_event = COALESCE(c.ae_event, h.accept_end_event),
           accept_end_at = CASE WHEN c.ae_event IS NOT NULL THEN c.ae_at ELSE h.accept_end_at END,
           respond_end_event = COALESCE(c.re_event, h.respond_end_event),
           respond_end_at = CASE WHEN c.re_event IS NOT NULL THEN c.re_at ELSE h.respond_end_at END,
           rerated_at = COALESCE(h.rerated_at, c.fu_at)
      FROM c
     WHERE h.seq = c.seq AND (c.next_at IS NOT NULL OR c.ae_event IS NOT NULL OR c.re_event IS NOT NULL OR c.fu_at IS NOT NULL);
  END IF;
  INSERT INTO hotline_event (seq, item_id, event, at, unit_id, accept_due, respond_due, handle_due, handle_running, rating, resolved,
                             accept_end_event, accept_end_at, respond_end_event, respond_end_at, next_at, rerated_at)
  WITH n AS (
    SELECT e.seq, e.item_id, e.event, e.at, e.payload, i.s
      FROM new_rows e CROSS JOIN LATERAL (SELECT i.kind, i.snapshot AS s FROM item i WHERE i.id = e.item_id OFFSET 0) i WHERE i.kind = 'ticket'
  )
  SELECT n.seq, n.item_id, n.event, n.at,
         COALESCE(n.s->'data'->>'lead', (SELECT u.unit_id FROM item_unit u WHERE u.item_id = n.item_id AND u.role = 'lead' LIMIT 1)),
         (n.s->'clocks'->'accept'->>'dueAt')::timestamptz,
         (n.s->'clocks'->'respond'->>'dueAt')::timestamptz,
         (n.s->'clocks'->'handle'->>'dueAt')::timestamptz,
         COALESCE(n.s->'clocks'->'handle' ? 'startedAt'
           AND (n.s->'clocks'->'handle'->>'stoppedAt') IS NULL
           AND (n.s->'clocks'->'handle'->>'pausedAt') IS NULL, false),
         CASE WHEN n.event = 'follow_up' THEN n.payload->>'rating' END,
         CASE WHEN n.event = 'follow_up' AND jsonb_typeof(n.payload->'resolved') = 'boolean' THEN (n.payload->>'resolved')::boolean END,
         ae.event, ae.at, re.event, re.at,
         (SELECT m.at FROM n m WHERE m.item_id = n.item_id AND m.seq > n.seq ORDER BY m.seq LIMIT 1),
         CASE WHEN n.event = 'follow_up' THEN (SELECT m.at FROM n m WHERE m.item_id = n.item_id AND m.seq > n.seq AND m.event = 'follow_up' ORDER BY m.seq LIMIT 1) END
    FROM n
    LEFT JOIN LATERAL (SELECT m.event, m.at FROM n m
                        WHERE m.item_id = n.item_id AND m.seq > n.seq AND m.event IN ('dispatch', 'reassign', 'refuse_return', 'accept', 'return', 'withdraw')
                        ORDER BY m.seq LIMIT 1) ae
           ON n.event IN ('dispatch', 'reassign', 'refuse_return')
    LEFT JOIN LATERAL (SELECT m.event, m.at FROM n m
                        WHERE m.item_id = n.item_id AND m.seq > n.seq AND m.event IN ('dispatch', 'reassign', 'contact', 'reply', 'withdraw')
                        ORDER BY m.seq LIMIT 1) re
           ON n.event IN ('dispatch', 'reassign')
   ORDER BY n.seq
  ON CONFLICT (seq) DO NOTHING;
  RETURN NULL;
END
$$;

-- The 回访 already taken: each superseded one learns its successor's instant; the update trigger takes its counts back.
UPDATE hotline_event h
   SET rerated_at = (SELECT m.at FROM hotline_event m WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event = 'follow_up' ORDER BY m.seq LIMIT 1)
 WHERE h.event = 'follow_up'
   AND EXISTS (SELECT 1 FROM hotline_event m WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event = 'follow_up');
