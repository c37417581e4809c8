-- A unit's tickets received in a period, found by an index (issue 7, the scoped 热线看板; BENCHMARKS.md, "Scoped
-- board: item_unit.received_at").
--
-- A scope's requests are the tickets whose place is in the scope or that a unit of the scope handles (inScopeSql,
-- hotline-kpis.ts). item_unit had no time column, so the handling half was an EXISTS probe per ticket of the period,
-- every unit's: its cost grew with all the period's tickets, not the scope's. item_unit.received_at is the ticket's
-- received_at (NULL for a task's rows), so (unit_id, received_at) finds the scope's handled tickets of a period
-- (INCLUDE item_id: by an index-only scan, no item_unit heap page per row).
--
-- Kept equal to ticket.received_at:
-- - the writers set it where they know it (ticket intake's group statement, the item generator);
-- - item_unit_received_fill (BEFORE INSERT on item_unit) copies it from the ticket row when the row comes without it
--   (dispatch later, reassignment, 协办, any other writer);
-- - item_unit_received_sync (AFTER INSERT on ticket, once per statement, over its new rows; AFTER UPDATE OF received_at,
--   per row) sets it on the ticket's rows. AFTER triggers fire at the end of the statement and see every row it wrote,
--   so an item_unit row inserted by the same statement as its ticket (data-modifying CTEs, where the BEFORE trigger
--   cannot see the ticket) gets it too. It writes only rows still without it (none, when the writer set it). Once per
--   statement, not per row: intake's group statement inserts ~8 tickets at a time. Intake pays for this migration
--   about 0.08 ms of PostgreSQL CPU per ticket either way (the index above, written at dispatch; peer A/B, 2026-12-03,
--   BENCHMARKS.md "item_unit.received_at: what intake pays").

ALTER TABLE item_unit ADD COLUMN received_at timestamptz;

UPDATE item_unit u SET received_at = t.received_at FROM ticket t WHERE t.item_id = u.item_id;

CREATE INDEX item_unit_unit_received_idx ON item_unit (unit_id, received_at) INCLUDE (item_id) WHERE received_at IS NOT NULL;

CREATE OR REPLACE FUNCTION item_unit_received_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.received_at IS NULL THEN
    SELECT t.received_at INTO NEW.received_at FROM ticket t WHERE t.item_id = NEW.item_id;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER item_unit_received_fill BEFORE INSERT ON item_unit FOR EACH ROW EXECUTE FUNCTION item_unit_received_fill();

CREATE OR REPLACE FUNCTION item_unit_received_sync_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_unit u SET received_at = n.received_at
    FROM new_tickets n
   WHERE u.item_id = n.item_id AND u.received_at IS NULL AND n.received_at IS NOT NULL;
  RETURN NULL;
END
$$;

CREATE TRIGGER item_unit_received_sync_inserted AFTER INSERT ON ticket REFERENCING NEW TABLE AS new_tickets
  FOR EACH STATEMENT EXECUTE FUNCTION item_unit_received_sync_inserted();

-- A ticket's received_at changed (nothing in duban does; a hand edit could): its rows follow.
CREATE OR REPLACE FUNCTION item_unit_received_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE item_unit u SET received_at = NEW.received_at
   WHERE u.item_id = NEW.item_id AND u.received_at IS DISTINCT FROM NEW.received_at;
  RETURN NULL;
END
$$;

CREATE TRIGGER item_unit_received_sync AFTER UPDATE OF received_at ON ticket FOR EACH ROW EXECUTE FUNCTION item_unit_received_sync();
