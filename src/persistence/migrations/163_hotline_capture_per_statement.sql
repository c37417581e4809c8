-- The 12345 KPI capture once per statement instead of once per history row (issue 7, lean ticket intake).
-- Before: hotline_event_capture was a row trigger on item_event. For each row of a ticket it read the item, ran up to
-- three UPDATEs of the ticket's earlier hotline_event rows and one INSERT, and each of those statements fired the
-- statement triggers of hotline_event (hotline_kpi_update, hotline_kpi_insert: the counters' deltas, migration 152).
-- An intake with dispatch (two history rows) so ran 8 statements and 6 counter-trigger calls; a group of 64 tickets
-- 512 and 384. Measured with track_functions = all on the `peer` intake load: the capture and the counter triggers
-- were most of PostgreSQL's time per ticket (see BENCHMARKS.md, "KPI capture per statement").
-- Now one statement trigger (transition table) does, for all the statement's rows of tickets at once:
--   1. only when an earlier row of one of those tickets exists (never for a new ticket): one UPDATE that ends the
--      earlier rows' runs (next_at, accept_end_*, respond_end_*) with the first new row after each, as the row
--      trigger's three UPDATEs did one row at a time;
--   2. one INSERT of the new rows, each already carrying its ends from the rows after it in the same statement.
-- So hotline_kpi_insert fires once per statement (and hotline_kpi_update once, or not at all for new tickets). The
-- counters' sums are unchanged: an insert counts a row's contributions as it is inserted and an update adds the
-- difference, so inserting the final row counts what inserting the first form and updating it did (the volume
-- depends only on the row's identity, which no update changes). test/e2e/hotline-kpi-agg.test.ts compares the
-- counters with the row-based computation on both databases.
-- The item is read at the statement's end, as the row trigger (an AFTER trigger, fired at the statement's end) did.

DROP TRIGGER hotline_event_capture ON item_event;

CREATE FUNCTION hotline_event_capture_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most statements (reports, reminders on plan tasks) carry no ticket's row: one read, nothing written.
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

CREATE TRIGGER hotline_event_capture AFTER INSERT ON item_event REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_event_capture_rows();

-- The row function is no longer called by anything.
DROP FUNCTION hotline_event_capture();
