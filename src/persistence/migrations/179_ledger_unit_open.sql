-- Ledger (台账) pages and counts of a unit or a liaison's data scope within the open work: a state type open or
-- waiting, an unclosed state name, or overdue (issue 7.3: "ledger page p95 ≤ 50 ms at any depth with any filter").
--
-- Why: a unit's items are ~2% of the ledger and its unclosed items ~2% of those (on 10M generated items gen-u07
-- holds ~330k roles and ~6k unclosed items). Found from item, such a page either walks the state's range in number
-- order probing item_unit per row (a heap page and an index probe per item), or merges the unit's whole role range
-- with the state's (migration 144): on 10M 14k–118k pages and 0.1–0.4 s, the rarer the combination the worse.
--
-- ledger_unit_open(unit_id, item_id, number, state, state_type, kind, due_date): one row per unit holding any role
-- on an item that is not closed, with what the ledger filters on. A unit's open work in number order is then one
-- index range, the filters checked within the index: a page reads ~51 matching entries and their 51 items, the
-- capped count at most the unit's open items (a few thousand entries). Closed items are ~97% of the ledger and
-- not here, so the table stays the size of the open work (on 10M ~340k rows), not of the history.
--
-- Kept by triggers: item_unit inserts and deletes (row triggers: one keyed insert or delete each; a statement trigger
-- with a transition table cost ~0.2–0.3 ms more per single-row insert on 1M at load ~15), item_unit updates (a
-- statement trigger: rare); item updates that change the state,
-- state type or due date (a row trigger, WHEN those changed: progress reports and 催办 that do not change them do
-- not run it). Closing an item deletes its rows, reopening one puts them back.
-- Items loaded with triggers off (scripts/generate-items.ts) get their rows from the same INSERT … SELECT as below.

CREATE TABLE ledger_unit_open (
  item_id     text NOT NULL,
  unit_id     text NOT NULL,
  number      text NOT NULL,
  state       text NOT NULL,
  state_type  text NOT NULL,
  kind        text NOT NULL,
  due_date    date,
  PRIMARY KEY (item_id, unit_id)
);

CREATE INDEX ledger_unit_open_number_idx ON ledger_unit_open (unit_id, number) INCLUDE (item_id, state, state_type, kind, due_date);

INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date)
SELECT DISTINCT ON (u.item_id, u.unit_id) u.item_id, u.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date
  FROM item i JOIN item_unit u ON u.item_id = i.id
 WHERE i.state_type <> 'closed'
ON CONFLICT (item_id, unit_id) DO NOTHING;

CREATE OR REPLACE FUNCTION ledger_unit_open_role_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date)
  SELECT i.id, NEW.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date FROM item i
   WHERE i.id = NEW.item_id AND i.state_type <> 'closed'
  ON CONFLICT (item_id, unit_id) DO NOTHING;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ledger_unit_open_role_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A unit can hold two roles on one item: its row goes with the last of them.
  DELETE FROM ledger_unit_open l
   WHERE l.item_id = OLD.item_id AND l.unit_id = OLD.unit_id
     AND NOT EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = OLD.item_id AND u.unit_id = OLD.unit_id);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ledger_unit_open_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ledger_unit_open l
   USING (SELECT DISTINCT item_id, unit_id FROM ledger_roles_old) o
   WHERE l.item_id = o.item_id AND l.unit_id = o.unit_id
     AND NOT EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = o.item_id AND u.unit_id = o.unit_id);
  INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date)
  SELECT DISTINCT ON (n.item_id, n.unit_id) n.item_id, n.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date
    FROM ledger_roles_new n JOIN item i ON i.id = n.item_id
   WHERE i.state_type <> 'closed'
  ON CONFLICT (item_id, unit_id) DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_unit_open_role_added AFTER INSERT ON item_unit FOR EACH ROW EXECUTE FUNCTION ledger_unit_open_role_added();
CREATE TRIGGER ledger_unit_open_role_removed AFTER DELETE ON item_unit FOR EACH ROW EXECUTE FUNCTION ledger_unit_open_role_removed();
CREATE TRIGGER ledger_unit_open_roles_changed AFTER UPDATE ON item_unit
  REFERENCING OLD TABLE AS ledger_roles_old NEW TABLE AS ledger_roles_new FOR EACH STATEMENT EXECUTE FUNCTION ledger_unit_open_roles_changed();

CREATE OR REPLACE FUNCTION ledger_unit_open_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state_type = 'closed' THEN
    DELETE FROM ledger_unit_open WHERE item_id = NEW.id;
  ELSIF OLD.state_type = 'closed' THEN
    INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date)
    SELECT DISTINCT NEW.id, u.unit_id, NEW.number, NEW.state, NEW.state_type, NEW.kind, NEW.due_date FROM item_unit u WHERE u.item_id = NEW.id
    ON CONFLICT (item_id, unit_id) DO NOTHING;
  ELSE
    UPDATE ledger_unit_open SET number = NEW.number, state = NEW.state, state_type = NEW.state_type, kind = NEW.kind, due_date = NEW.due_date
     WHERE item_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER ledger_unit_open_item AFTER UPDATE OF number, kind, state, state_type, due_date ON item
  FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.state_type IS DISTINCT FROM NEW.state_type OR OLD.due_date IS DISTINCT FROM NEW.due_date
        OR OLD.number IS DISTINCT FROM NEW.number OR OLD.kind IS DISTINCT FROM NEW.kind)
  EXECUTE FUNCTION ledger_unit_open_item();
