-- Events that leave an item's indexed columns alone update its row in place (HOT: heap-only tuple), issue 7's
-- lean write path. A progress report (报送进展) or a 催办 rewrites the item's snapshot, data, updated_at and version
-- and nothing the ledger indexes. PostgreSQL updates a row in place, writing no index entry, only when no column that
-- any index uses (as a key, in an expression or in a partial predicate) changed and the page has room. Before this
-- migration one index did use the snapshot: item_problem_candidates_idx (migration 077) narrows open tickets by the
-- snapshot's counters in its predicate. So every event updated the row out of place and wrote a new entry into all
-- twenty indexes of item (one of them the trigram GIN index of title and body, whose entries are computed from the
-- text each time). perf on a backend replaying a report's statement (2026-12-01, docs/write-path.md): index inserts
-- 22% of its samples, the commit's WAL flush 17%, triggers 15%.
--
-- Now the predicate reads a boolean column kept from the snapshot by a BEFORE trigger, item.rework: true when a
-- ticket's snapshot counts a reopen (重办) or a reassignment (改派). A snapshot change leaves rework as it was unless
-- those counters moved from zero, so the update stays in place; only tickets run the trigger (WHEN), tasks keep the
-- default false. raiseProblemTickets (src/app/tickets/hotline-kpis.ts) names `i.rework` beside its counter thresholds
-- so the planner still takes the partial index; the rows it returns are the same (thresholds ≥ 1 imply rework).
--
-- And item's pages keep a fifth free (fillfactor 80: a row is ~1.2 kB, a tenth of a page would not hold one more
-- version) for the in-place versions of their rows. Existing pages are not
-- rewritten (that would lock a 10M-row table for minutes): a row moves once, out of place, to a page with room, and
-- is updated in place from then on.
--
-- Not covered here: an item whose next_fire_at the supervision tick set to a future time has it reset to
-- '-infinity' by item_next_fire_reset (migration 075) on a snapshot change, and item_next_fire_idx indexes that
-- column, so the first event after a tick evaluated the item is still written out of place.

ALTER TABLE item ADD COLUMN rework boolean NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION item_rework() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.rework := COALESCE((NEW.snapshot->'counters'->>'reopens')::int, 0) >= 1
             OR COALESCE((NEW.snapshot->'counters'->>'reassignments')::int, 0) >= 1;
  RETURN NEW;
END
$$;

CREATE TRIGGER item_rework BEFORE INSERT OR UPDATE OF snapshot, state_type, kind ON item
  FOR EACH ROW WHEN (NEW.kind = 'ticket') EXECUTE FUNCTION item_rework();

-- The open tickets the old index holds (it serves this UPDATE); a closed ticket gets its flag when an event
-- reopens it (its snapshot and state type change, the trigger runs).
UPDATE item SET rework = true
 WHERE kind = 'ticket' AND state_type <> 'closed'
   AND (COALESCE((snapshot->'counters'->>'reopens')::int, 0) >= 1 OR COALESCE((snapshot->'counters'->>'reassignments')::int, 0) >= 1);

DROP INDEX item_problem_candidates_idx;
CREATE INDEX item_problem_candidates_idx ON item (id) WHERE kind = 'ticket' AND state_type <> 'closed' AND rework;

ALTER TABLE item SET (fillfactor = 80);

-- The outbox's copy of the row leaves out what is derived from the snapshot, as it leaves out the snapshot.
CREATE OR REPLACE FUNCTION event_outbox_capture() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM event_stream WHERE enabled) THEN
    INSERT INTO event_outbox (item_id, op, version, payload)
    VALUES (NEW.id, CASE TG_OP WHEN 'INSERT' THEN 'created' ELSE 'changed' END, NEW.version,
            to_jsonb(NEW) - 'snapshot' - 'next_fire_at' - 'rework');
  END IF;
  RETURN NULL;
END
$$;
