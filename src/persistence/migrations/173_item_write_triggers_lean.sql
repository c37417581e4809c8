-- An item write no longer runs event_outbox_capture while no event stream is enabled (issue 7, lean write path;
-- docs/write-path.md "The outbox trigger switched off"). Measured with track_functions = all on a progress-report
-- loop (2026-12-02, load ~10): each report called it once, 42 µs of backend time per report, to find capture off.
--
-- event_outbox_capture (migration 076) ran for every item write and read event_stream (an SPI query) to learn
-- that. Now the trigger itself is switched: disabled while no stream is enabled, enabled by the write to
-- event_stream that enables one (setEventStream, at the start of a process with DUBAN_NATS_URL), in that write's
-- transaction. ALTER TABLE … ENABLE/DISABLE TRIGGER takes a SHARE ROW EXCLUSIVE lock on item, so the switch waits
-- for item writes in flight and the writes after it see the new state: no change committed after the enabling
-- write is missed (the EXISTS check under READ COMMITTED gave the same). Only a change of state runs the ALTER (a
-- process that starts with the stream already enabled changes nothing and takes no lock on item); while it waits
-- for a long item transaction, item writes queue behind it, once per switch. The function keeps its EXISTS check,
-- so a trigger left enabled by hand (ENABLE TRIGGER ALL, a restore) still writes nothing while no stream is on.

CREATE OR REPLACE FUNCTION event_outbox_capture_switch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  want "char" := CASE WHEN EXISTS (SELECT 1 FROM event_stream WHERE enabled) THEN 'O' ELSE 'D' END;
BEGIN
  IF (SELECT t.tgenabled FROM pg_trigger t WHERE t.tgrelid = 'item'::regclass AND t.tgname = 'event_outbox_capture') IS DISTINCT FROM want THEN
    IF want = 'O' THEN
      ALTER TABLE item ENABLE TRIGGER event_outbox_capture;
    ELSE
      ALTER TABLE item DISABLE TRIGGER event_outbox_capture;
    END IF;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER event_outbox_capture_switch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_stream
  FOR EACH STATEMENT EXECUTE FUNCTION event_outbox_capture_switch();

-- The state as of now: off unless a stream is enabled already.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM event_stream WHERE enabled) THEN
    ALTER TABLE item DISABLE TRIGGER event_outbox_capture;
  END IF;
END
$$;
