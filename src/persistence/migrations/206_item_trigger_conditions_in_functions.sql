-- The conditions of three AFTER UPDATE row triggers on item move from their WHEN clauses into their functions (issue 7,
-- lean write path; docs/write-path.md "Trigger conditions in the functions").
--
-- Why: PostgreSQL keeps a trigger's WHEN as a node tree in text (pg_trigger.tgqual) and parses and compiles it again
-- in every statement that updates the table (TriggerEnabled: stringToNode, then ExecPrepareQual, once per executor
-- run, so once per event: each event is one statement). The three WHENs below are 21 KB of node text. On this
-- machine's CPU profile of the 签收 load (perf, 2026-12-04) stringToNode under ExecARUpdateTriggers took 2.3 % of both
-- cores, ~70 µs per event; pgbench, one client updating an item's snapshot with these four triggers on no-op functions:
-- 0.101–0.108 ms a statement without triggers, 0.166–0.180 ms with their WHENs, 0.095–0.116 ms with the same
-- triggers called on every row without WHEN. A PL/pgSQL function's condition is planned once per session and
-- evaluated as a simple expression; the trigger call it no longer avoids costs less than the parse did.
--
-- Each condition is the one its WHEN held, word for word (migrations 171, 182, 204), now the function's first
-- statement; what each function does past it is unchanged. item_clock_reset() also serves the INSERT trigger, which
-- never had a condition. item_rework keeps its WHEN (NEW.kind = 'ticket': a few hundred bytes).

CREATE OR REPLACE FUNCTION assessment_mark_item_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- What the assessment reads (test/perf-shape/assessment-marks.test.ts).
  IF (NEW.state, NEW.state_type, NEW.due_date, NEW.created_at, NEW.closed_at, NEW.number, NEW.kind, NEW.data,
      NEW.snapshot -> 'clocks' -> 'due', NEW.snapshot -> 'data' -> 'measures')
     IS NOT DISTINCT FROM
     (OLD.state, OLD.state_type, OLD.due_date, OLD.created_at, OLD.closed_at, OLD.number, OLD.kind, OLD.data,
      OLD.snapshot -> 'clocks' -> 'due', OLD.snapshot -> 'data' -> 'measures') THEN
    RETURN NULL;
  END IF;
  INSERT INTO assessment_dirty (item_id) VALUES (NEW.id);
  RETURN NULL;
END $$;

DROP TRIGGER assessment_item_upd ON item;
CREATE TRIGGER assessment_item_upd AFTER UPDATE ON item FOR EACH ROW EXECUTE FUNCTION assessment_mark_item_row();

CREATE OR REPLACE FUNCTION item_clock_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- What the tick reads of the item (test/perf-shape/item-clock-reset.test.ts lists the data fields clock limits read).
  IF TG_OP = 'UPDATE' AND
     (NEW.state, NEW.state_type, NEW.due_date, NEW.data -> 'cadence',
      NEW.snapshot -> 'kind', NEW.snapshot -> 'kindVersion', NEW.snapshot -> 'state', NEW.snapshot -> 'clocks',
      NEW.snapshot -> 'data' -> 'due', NEW.snapshot -> 'data' -> 'limits')
     IS NOT DISTINCT FROM
     (OLD.state, OLD.state_type, OLD.due_date, OLD.data -> 'cadence',
      OLD.snapshot -> 'kind', OLD.snapshot -> 'kindVersion', OLD.snapshot -> 'state', OLD.snapshot -> 'clocks',
      OLD.snapshot -> 'data' -> 'due', OLD.snapshot -> 'data' -> 'limits') THEN
    RETURN NULL;
  END IF;
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

DROP TRIGGER item_clock_reset ON item;
CREATE TRIGGER item_clock_reset AFTER UPDATE OF state, state_type, snapshot, data, due_date ON item FOR EACH ROW
  EXECUTE FUNCTION item_clock_reset();

CREATE OR REPLACE FUNCTION ledger_unit_open_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- What ledger_unit_open holds of the item, and a ticket's 待办 due while in a 待办 state (migration 204).
  IF NOT (OLD.state IS DISTINCT FROM NEW.state OR OLD.state_type IS DISTINCT FROM NEW.state_type OR OLD.due_date IS DISTINCT FROM NEW.due_date
          OR OLD.number IS DISTINCT FROM NEW.number OR OLD.kind IS DISTINCT FROM NEW.kind
          OR (NEW.kind = 'ticket' AND NEW.state IN ('dispatched', 'accepted')
              AND ((OLD.snapshot #> '{clocks,accept,dueAt}') IS DISTINCT FROM (NEW.snapshot #> '{clocks,accept,dueAt}')
                   OR (OLD.snapshot #> '{clocks,handle,dueAt}') IS DISTINCT FROM (NEW.snapshot #> '{clocks,handle,dueAt}')))) THEN
    RETURN NULL;
  END IF;
  IF NEW.state_type = 'closed' THEN
    DELETE FROM ledger_unit_open WHERE item_id = NEW.id;
  ELSIF OLD.state_type = 'closed' THEN
    INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date, todo_due)
    SELECT DISTINCT NEW.id, u.unit_id, NEW.number, NEW.state, NEW.state_type, NEW.kind, NEW.due_date,
           ticket_todo_due(NEW.kind, NEW.state, NEW.snapshot)
      FROM item_unit u WHERE u.item_id = NEW.id
    ON CONFLICT (item_id, unit_id) DO NOTHING;
  ELSE
    UPDATE ledger_unit_open SET number = NEW.number, state = NEW.state, state_type = NEW.state_type, kind = NEW.kind,
                                due_date = NEW.due_date, todo_due = ticket_todo_due(NEW.kind, NEW.state, NEW.snapshot)
     WHERE item_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER ledger_unit_open_item ON item;
CREATE TRIGGER ledger_unit_open_item AFTER UPDATE OF number, kind, state, state_type, due_date, snapshot ON item
  FOR EACH ROW EXECUTE FUNCTION ledger_unit_open_item();
