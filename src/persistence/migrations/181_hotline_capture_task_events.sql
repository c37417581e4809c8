-- The 12345 KPI capture reads nothing for a plan task's report or 催办 (issue 7, lean write path; docs/write-path.md
-- "Triggers made cheap").
--
-- hotline_event_capture_rows (migration 163) is a statement trigger over a transition table: for every statement
-- inserting history rows it enters PL/pgSQL and, first, joins the new rows to item to find a ticket's. For a progress
-- report or a 催办 of a plan task (most event statements) that join found nothing: an index probe and a heap fetch
-- of the item row (~1.2 kB) per statement, after the foreign-key check had just read the same row.
--
-- A statement trigger fires whatever its rows (PostgreSQL has no WHEN on rows for it), and a row trigger with a
-- WHEN on the event name would capture a ticket group's rows one by one again, which 163 removed (six counter-
-- trigger calls per ticket). So the statement trigger stays, and its first check is now on the new rows alone: when
-- every row's event is one that only plan tasks have (report_progress, remind, confirm, submit_completion,
-- approve_completion, return_completion, return_to_centre, cancel, withdraw_dispatch: task.kind.ts; the ticket kind
-- has none of them, and the engine refuses an event its kind does not declare), it returns before reading item.
-- Other statements go on exactly as before (the join, then the capture). If a ticket kind (or version) ever takes
-- one of these names, take it out of the list here: test/perf-shape/hotline-capture-tasks.test.ts fails until then.

CREATE OR REPLACE FUNCTION hotline_event_capture_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A plan task's own events (a report, a 催办, a completion …): names no ticket kind has, so the statement carries no
  -- ticket's row and nothing is read of item. Migration 181; test/perf-shape/hotline-capture-tasks.test.ts checks the
  -- names against the kinds' catalogue.
  IF NOT EXISTS (SELECT 1 FROM new_rows e
                  WHERE e.event <> ALL ('{report_progress,remind,confirm,submit_completion,approve_completion,return_completion,return_to_centre,cancel,withdraw_dispatch}'::text[])) THEN
    RETURN NULL;
  END IF;
  -- Other statements without a ticket's row (a 签收 or 交办 of a task): one read, nothing written.
  IF NOT EXISTS (SELECT 1 FROM new_rows e JOIN item i ON i.id = e.item_id WHERE i.kind = 'ticket') THEN
    RETURN NULL;
  END IF;
  -- The earlier rows of these tickets that the new rows end (hotline_event has rows of tickets only).
  IF EXISTS (SELECT 1 FROM new_rows e JOIN hotline_event h ON h.item_id = e.item_id AND h.seq < e.seq) THEN
    WITH n AS (
      SELECT e.seq, e.item_id, e.event, e.at FROM new_rows e JOIN item i ON i.id = e.item_id WHERE i.kind = 'ticket'
    ), c AS (
      SELECT h.seq,
             CASE WHEN h.next_at IS NULL THEN (SELECT m.at FROM n m WHERE m.item_id = h.item_id AND m.seq > h.seq ORDER BY m.seq LIMIT 1) END AS next_at,
             ae.event AS ae_event, ae.at AS ae_at, re.event AS re_event, re.at AS re_at
        FROM hotline_event h
        LEFT JOIN LATERAL (SELECT m.event, m.at FROM n m
                            WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event IN ('dispatch', 'reassign', 'refuse_return', 'accept', 'return', 'withdraw')
                            ORDER BY m.seq LIMIT 1) ae
               ON h.accept_end_event IS NULL AND h.event IN ('dispatch', 'reassign', 'refuse_return')
        LEFT JOIN LATERAL (SELECT m.event, m.at FROM n m
                            WHERE m.item_id = h.item_id AND m.seq > h.seq AND m.event IN ('dispatch', 'reassign', 'contact', 'reply', 'withdraw')
                            ORDER BY m.seq LIMIT 1) re
               ON h.respond_end_event IS NULL AND h.event IN ('dispatch', 'reassign')
       WHERE h.item_id IN (SELECT n.item_id FROM n)
    )
    UPDATE hotline_event h
       SET next_at = COALESCE(h.next_at, c.next_at),
           accept_end_event = COALESCE(c.ae_event, h.accept_end_event),
           accept_end_at = CASE WHEN c.ae_event IS NOT NULL THEN c.ae_at ELSE h.accept_end_at END,
           respond_end_event = COALESCE(c.re_event, h.respond_end_event),
           respond_end_at = CASE WHEN c.re_event IS NOT NULL THEN c.re_at ELSE h.respond_end_at END
      FROM c
     WHERE h.seq = c.seq AND (c.next_at IS NOT NULL OR c.ae_event IS NOT NULL OR c.re_event IS NOT NULL);
  END IF;
  INSERT INTO hotline_event (seq, item_id, event, at, unit_id, accept_due, respond_due, handle_due, handle_running, rating, resolved,
                             accept_end_event, accept_end_at, respond_end_event, respond_end_at, next_at)
  WITH n AS (
    SELECT e.seq, e.item_id, e.event, e.at, e.payload, i.snapshot AS s
      FROM new_rows e JOIN item i ON i.id = e.item_id WHERE i.kind = 'ticket'
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
         (SELECT m.at FROM n m WHERE m.item_id = n.item_id AND m.seq > n.seq ORDER BY m.seq LIMIT 1)
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
