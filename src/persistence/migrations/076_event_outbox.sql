-- Every change of an item, for the 12345 全量数据推送 over NATS JetStream (issue 7, point 4).
--
-- The outbox row is written by a trigger in the transaction that changes the item, so a change and its event
-- commit together and no write path has to remember to emit it; the publisher (the leader process, see
-- src/app/events/) sends rows in seq order and deletes what the stream acknowledged. Two changes of one item
-- take its row lock in turn, so their seq order is their commit order: per item, events stay in order.
-- Capture is on only while a stream is enabled (a process with DUBAN_NATS_URL enables it), so an installation
-- without NATS does not grow the table.
CREATE TABLE event_stream (
  name        text PRIMARY KEY,                 -- 'nats'
  enabled     boolean NOT NULL,
  changed_at  timestamptz NOT NULL
);

CREATE TABLE event_outbox (
  seq      bigserial PRIMARY KEY,
  item_id  text NOT NULL,
  op       text NOT NULL CHECK (op IN ('created', 'changed')),
  version  int NOT NULL,
  payload  jsonb NOT NULL,                      -- the item row as committed (without its engine snapshot)
  at       timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE FUNCTION event_outbox_capture() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM event_stream WHERE enabled) THEN
    INSERT INTO event_outbox (item_id, op, version, payload)
    VALUES (NEW.id, CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'changed' END, NEW.version,
            to_jsonb(NEW) - 'snapshot' - 'next_fire_at');
  END IF;
  RETURN NULL;
END
$$;

-- Not on next_fire_at: the supervision tick's bookkeeping is not a change of the item.
CREATE TRIGGER event_outbox_capture AFTER INSERT OR UPDATE OF number, state, state_type, title, body, plan_id, path, due_date, snapshot, data, closed_at, version
  ON item FOR EACH ROW EXECUTE FUNCTION event_outbox_capture();
