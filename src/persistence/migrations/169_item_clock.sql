-- The supervision tick's next-fire times move from item.next_fire_at to a narrow side table, item_clock (issue 7:
-- "a supervision tick ≤ 30 s at 10M items").
--
-- Why: the tick writes every item it evaluated back with its next-fire time. On item that column was indexed
-- (item_next_fire_idx), so each of those UPDATEs was out of place (not HOT) and wrote a new entry into every one of
-- item's ~21 indexes, the trigram GIN index of title and body among them. Measured with auto_explain (buffers) on
-- the same 1,000 due items (docs/scaling.md §1): at 100k items the tick's five next-fire UPDATEs touched 51,309
-- buffers and dirtied 220 (412 ms); at 1M they touched 121,017, read 34,706 and dirtied 29,115 (4,680 ms) — the
-- indexes' leaf pages are ten times as many, so the same 1,000 rows land on ~29 distinct pages each instead of
-- sharing a few hot ones, and those pages must be read first (from disk once the indexes outgrow memory, as at 10M).
-- Every other statement of the tick stayed within 1–4× from 100k to 1M.
--
-- item_clock(item_id, version, next_fire_at): one row per open item, two indexes (its key, and next_fire_at with
-- the id for the tick's page order). The tick's write is an upsert of that row alone: two small indexes, whatever
-- the size of item. `version` is the item's version the time was computed for; the tick writes only where it still
-- matches (a write meanwhile has reset the row and moved the version), checked on the row it locks.
--
-- Semantics as migration 075 had them: '-infinity' = not computed yet, the next tick takes it; NULL = nothing
-- will fire until the item changes. A write that can change what fires (state, state type, snapshot, data, due
-- date) resets the row to '-infinity' with the item's new version, in the AFTER trigger below; closing the item
-- deletes it. So item's own UPDATEs no longer change an indexed column for the tick's sake: an event after a tick
-- evaluated the item can now be written in place (migration 160's "not covered here").
--
-- No foreign key (its check would lock the new item row on every insert): a row whose item is gone or closed
-- (an item deleted, or closed while a tick was writing its time) is deleted by the tick when its page meets it
-- (listFiringItems). Items loaded with triggers off (scripts/generate-items.ts) have no row until they change;
-- the tick's full pass (after a configuration change, or on a database without its fingerprint) writes one for
-- every open item.

CREATE TABLE item_clock (
  item_id       text PRIMARY KEY,
  version       integer NOT NULL,
  next_fire_at  timestamptz DEFAULT '-infinity'
) WITH (fillfactor = 80);

CREATE INDEX item_clock_fire_idx ON item_clock (next_fire_at, item_id);

INSERT INTO item_clock (item_id, version, next_fire_at)
SELECT id, version, next_fire_at FROM item WHERE state_type <> 'closed';

CREATE OR REPLACE FUNCTION item_clock_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state_type = 'closed' THEN
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM item_clock WHERE item_id = NEW.id;
    END IF;
  ELSE
    INSERT INTO item_clock (item_id, version, next_fire_at) VALUES (NEW.id, NEW.version, '-infinity')
    ON CONFLICT (item_id) DO UPDATE SET version = EXCLUDED.version, next_fire_at = '-infinity';
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER item_clock_reset AFTER INSERT OR UPDATE OF state, state_type, snapshot, data, due_date ON item
  FOR EACH ROW EXECUTE FUNCTION item_clock_reset();

DROP TRIGGER item_next_fire_reset ON item;
DROP FUNCTION item_next_fire_reset();
DROP INDEX item_next_fire_idx;
ALTER TABLE item DROP COLUMN next_fire_at;
