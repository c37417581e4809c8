-- 12345 KPIs (接诉即办考核): what each ticket event left behind, as the KPI queries read it, and the
-- problem tickets raised to supervision (提级督办). See docs/tickets.md, "12345 KPIs".

-- One row per item_event of a ticket, written by a trigger in the same transaction as the event: the lead
-- unit and the accept / respond / handle clocks as they stood just after the event (the snapshot keeps only
-- a clock's latest run, so a reassigned or reopened ticket would otherwise lose the due of its earlier runs),
-- and the follow-up's rating and resolved answer. The KPI queries are set-based over this table, bounded by
-- the period through the indexes below.
CREATE TABLE hotline_event (
  seq             bigint PRIMARY KEY,            -- item_event.seq
  item_id         text NOT NULL REFERENCES item(id),
  event           text NOT NULL,
  at              timestamptz NOT NULL,
  unit_id         text,                          -- the lead unit just after the event (snapshot data.lead)
  accept_due      timestamptz,                   -- 签收时限: the accept clock's due
  respond_due     timestamptz,                   -- 响应时限: the respond clock's due
  handle_due      timestamptz,                   -- 办理时限: the handling clock's due (moved by extensions and pauses)
  handle_running  boolean NOT NULL DEFAULT false,-- the handling clock runs (started, not stopped, not paused)
  rating          text,                          -- follow_up: satisfied | basically_satisfied | unsatisfied
  resolved        boolean                        -- follow_up: the requester says it is solved
);
CREATE INDEX hotline_event_at_idx ON hotline_event(at);
CREATE INDEX hotline_event_item_idx ON hotline_event(item_id, seq);
-- Open tickets whose handling due falls in a period (按时办结率's denominator).
CREATE INDEX hotline_event_handle_due_idx ON hotline_event(handle_due) WHERE handle_running;

CREATE FUNCTION hotline_event_capture() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER hotline_event_capture AFTER INSERT ON item_event FOR EACH ROW EXECUTE FUNCTION hotline_event_capture();

-- Problem tickets (问题工单) raised to supervision (提级督办), once each: reopened 3+ times, or passed through
-- 3+ units (2+ reassignments) with no unit accepting it.
CREATE TABLE hotline_problem (
  item_id        text PRIMARY KEY REFERENCES item(id),
  reason         text NOT NULL CHECK (reason IN ('reopened', 'passed_around')),
  reopens        int  NOT NULL,
  reassignments  int  NOT NULL,
  raised_at      timestamptz NOT NULL
);
