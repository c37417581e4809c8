-- The supervision tick works only on items whose clocks fire (issue 7, point 3).
--
-- item.next_fire_at: the earliest instant the tick could owe the item a new action (临期/逾期/升级/未报进展).
--   '-infinity' = not computed yet (new, or changed since the tick last looked): the next tick takes it;
--   NULL        = nothing will ever fire until the item changes (clocks stopped or paused, no cadence).
-- The tick computes it with the domain's clock code and writes it back; every write that can change what fires
-- (state, snapshot with its clocks, data with its cadence, due date) resets it to '-infinity' in the trigger
-- below, so no write path (take-event, plan confirm, ticket intake, bulk SQL) has to know about it.
-- Backfill: the column's default marks every existing item as not computed; the first tick after this
-- migration computes them all, page by page (a full pass, also run when the configuration or calendar changes).
ALTER TABLE item ADD COLUMN next_fire_at timestamptz DEFAULT '-infinity';

CREATE INDEX item_next_fire_idx ON item (next_fire_at, id) WHERE state_type <> 'closed';

CREATE OR REPLACE FUNCTION item_next_fire_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.next_fire_at := '-infinity';
  RETURN NEW;
END
$$;

CREATE TRIGGER item_next_fire_reset BEFORE UPDATE OF state, state_type, snapshot, data, due_date ON item
  FOR EACH ROW EXECUTE FUNCTION item_next_fire_reset();

-- What the tick remembers between runs: the fingerprint of the configuration and calendar its next-fire
-- times were computed under (a change makes the next tick a full pass).
CREATE TABLE supervision_tick_state (
  key    text PRIMARY KEY,
  value  text NOT NULL,
  at     timestamptz NOT NULL
);
