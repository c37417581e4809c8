-- The 12345 KPI capture reads item (and hotline_event) by key, one probe per new row, whatever the statistics say
-- (issue 7, ticket intake; docs/write-path.md "Intake: the capture's plan").
--
-- hotline_event_capture_rows (migrations 163, 181) joined the statement's new history rows to item with
-- `new_rows e JOIN item i ON i.id = e.item_id WHERE i.kind = 'ticket'`. PL/pgSQL plans such a statement once per
-- session; where item's statistics were older than its tickets (a fresh or young database: autovacuum had not
-- analyzed item yet, so `kind = 'ticket'` was estimated at 2 rows), the plan was a hash join that read EVERY ticket
-- into a hash table, twice per statement (the check and the INSERT's CTE): on the peer bench's database after 3,000
-- tickets, 2,907 item rows per intake group, ~60% of the group statement's backend CPU, and growing with the table
-- (docs/write-path.md). Now every item read is a lateral subquery by id (OFFSET 0 keeps the planner from turning it
-- back into a join), so the only index it can use is item_pkey: the same rows, whatever the estimates. The earlier
-- rows of the statement's tickets in hotline_event are found the same way (by item_id, per ticket), for the same
-- reason. What the function writes is unchanged. test/perf-shape/hotline-capture-lookups.test.ts: a group of new
-- tickets' history rows reads no more of item than one row per new row (hundreds before, on a database analyzed
-- before its tickets came).

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
             ae.event AS ae_event, ae.at AS ae_at, re.event AS re_event, re.at AS re_at
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
