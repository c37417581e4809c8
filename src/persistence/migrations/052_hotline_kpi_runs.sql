-- 12345 KPIs: the capture trigger also closes clock runs and links each event to the next, so the KPI queries
-- read each run's outcome from its start row instead of searching the ticket's later events (one index probe per
-- dispatch, millions on a year). See docs/tickets.md, "12345 KPIs".
--
-- On the start row of an accept run (dispatch, reassign, refuse_return) the trigger records the first later event
-- that stops or restarts the accept clock (accept, return, withdraw, or a new start); likewise for the respond
-- clock (started by dispatch, reassign; stopped by contact, reply, withdraw). The lists are ticket.kind.ts's clocks
-- (startsOn / stopsOn); src/app/tickets/hotline-kpis.test.ts fails when the kind and these lists part.
-- `next_at` is the instant of the ticket's next event (null while it is the latest).
ALTER TABLE hotline_event
  ADD COLUMN accept_end_event  text,
  ADD COLUMN accept_end_at     timestamptz,
  ADD COLUMN respond_end_event text,
  ADD COLUMN respond_end_at    timestamptz,
  ADD COLUMN next_at           timestamptz;

CREATE OR REPLACE FUNCTION hotline_event_capture() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k text;
  s jsonb;
  lead text;
BEGIN
  SELECT i.kind, i.snapshot INTO k, s FROM item i WHERE i.id = NEW.item_id;
  IF k IS DISTINCT FROM 'ticket' THEN
    RETURN NULL;
  END IF;
  lead := s->'data'->>'lead';
  IF lead IS NULL THEN
    SELECT u.unit_id INTO lead FROM item_unit u WHERE u.item_id = NEW.item_id AND u.role = 'lead' LIMIT 1;
  END IF;
  UPDATE hotline_event SET next_at = NEW.at WHERE item_id = NEW.item_id AND seq < NEW.seq AND next_at IS NULL;
  IF NEW.event IN ('dispatch', 'reassign', 'refuse_return', 'accept', 'return', 'withdraw') THEN
    UPDATE hotline_event SET accept_end_event = NEW.event, accept_end_at = NEW.at
     WHERE item_id = NEW.item_id AND seq < NEW.seq AND accept_end_event IS NULL AND event IN ('dispatch', 'reassign', 'refuse_return');
  END IF;
  IF NEW.event IN ('dispatch', 'reassign', 'contact', 'reply', 'withdraw') THEN
    UPDATE hotline_event SET respond_end_event = NEW.event, respond_end_at = NEW.at
     WHERE item_id = NEW.item_id AND seq < NEW.seq AND respond_end_event IS NULL AND event IN ('dispatch', 'reassign');
  END IF;
  INSERT INTO hotline_event (seq, item_id, event, at, unit_id, accept_due, respond_due, handle_due, handle_running, rating, resolved)
  VALUES (
    NEW.seq, NEW.item_id, NEW.event, NEW.at, lead,
    (s->'clocks'->'accept'->>'dueAt')::timestamptz,
    (s->'clocks'->'respond'->>'dueAt')::timestamptz,
    (s->'clocks'->'handle'->>'dueAt')::timestamptz,
    COALESCE(s->'clocks'->'handle' ? 'startedAt'
      AND (s->'clocks'->'handle'->>'stoppedAt') IS NULL
      AND (s->'clocks'->'handle'->>'pausedAt') IS NULL, false),
    CASE WHEN NEW.event = 'follow_up' THEN NEW.payload->>'rating' END,
    CASE WHEN NEW.event = 'follow_up' AND jsonb_typeof(NEW.payload->'resolved') = 'boolean' THEN (NEW.payload->>'resolved')::boolean END
  )
  ON CONFLICT (seq) DO NOTHING;
  RETURN NULL;
END
$$;

-- Rows captured before this migration.
UPDATE hotline_event h SET next_at = (SELECT min(n.at) FROM hotline_event n WHERE n.item_id = h.item_id AND n.seq > h.seq);
UPDATE hotline_event h SET (accept_end_event, accept_end_at) = (
  SELECT n.event, n.at FROM hotline_event n
  WHERE n.item_id = h.item_id AND n.seq > h.seq AND n.event IN ('dispatch', 'reassign', 'refuse_return', 'accept', 'return', 'withdraw')
  ORDER BY n.seq LIMIT 1)
WHERE h.event IN ('dispatch', 'reassign', 'refuse_return');
UPDATE hotline_event h SET (respond_end_event, respond_end_at) = (
  SELECT n.event, n.at FROM hotline_event n
  WHERE n.item_id = h.item_id AND n.seq > h.seq AND n.event IN ('dispatch', 'reassign', 'contact', 'reply', 'withdraw')
  ORDER BY n.seq LIMIT 1)
WHERE h.event IN ('dispatch', 'reassign');
