-- 只看待办 with a keyword at 10M: a unit's 待办 rows say whether the unit leads (承办) the ticket, so that the list walks
-- its lead rows in order instead of checking item_unit row by row (issue 7: "ledger page p95 ≤ 50 ms with any
-- filter").
--
-- Why: ledger_unit_open holds a row per unit holding any role on an unclosed item, and 只看待办 counts a row only when
-- its unit is the ticket's lead, checked by an item_unit probe per row (tickets.repo.ts listTodo). The planner guessed
-- that check kept 1 % of the rows (it keeps ~45 %), so with a keyword (a condition on the ticket row) it read and
-- sorted all of a unit's 待办 rows — 6,327 probes and 2,843 ticket rows for 20 matches — instead of walking the index
-- in order: a liaison's 只看待办 & q=噪音 was 90–104 ms p95 on 10M generated items (everything else of the list ≤ 32 ms).
--
-- `lead`: whether the unit holds the lead role on the item, kept by the item_unit triggers (a unit holding two roles
-- has one row: lead when either is); the two 待办 indexes hold lead rows only.
ALTER TABLE ledger_unit_open ADD COLUMN lead boolean NOT NULL DEFAULT false;

UPDATE ledger_unit_open o SET lead = true
 WHERE EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = o.item_id AND u.unit_id = o.unit_id AND u.role = 'lead');

DROP INDEX ledger_unit_open_todo_idx;
DROP INDEX ledger_unit_open_todo_all_idx;
CREATE INDEX ledger_unit_open_todo_idx ON ledger_unit_open (unit_id, todo_due, number) INCLUDE (item_id) WHERE todo_due IS NOT NULL AND lead;
CREATE INDEX ledger_unit_open_todo_all_idx ON ledger_unit_open (todo_due, number) INCLUDE (item_id, unit_id) WHERE todo_due IS NOT NULL AND lead;

CREATE OR REPLACE FUNCTION ledger_unit_open_role_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- The unit's second role on the item: its row leads once either role is the lead.
  INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date, todo_due, lead)
  SELECT i.id, NEW.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date, ticket_todo_due(i.kind, i.state, i.snapshot), NEW.role = 'lead'
    FROM item i
   WHERE i.id = NEW.item_id AND i.state_type <> 'closed'
  ON CONFLICT (item_id, unit_id) DO UPDATE SET lead = true WHERE EXCLUDED.lead AND NOT ledger_unit_open.lead;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ledger_unit_open_role_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A unit can hold two roles on one item: its row goes with the last of them, its lead with its lead role.
  DELETE FROM ledger_unit_open l
   WHERE l.item_id = OLD.item_id AND l.unit_id = OLD.unit_id
     AND NOT EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = OLD.item_id AND u.unit_id = OLD.unit_id);
  IF OLD.role = 'lead' THEN
    UPDATE ledger_unit_open l SET lead = false
     WHERE l.item_id = OLD.item_id AND l.unit_id = OLD.unit_id AND l.lead
       AND NOT EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = OLD.item_id AND u.unit_id = OLD.unit_id AND u.role = 'lead');
  END IF;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ledger_unit_open_roles_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ledger_unit_open l
   USING (SELECT DISTINCT item_id, unit_id FROM ledger_roles_old) o
   WHERE l.item_id = o.item_id AND l.unit_id = o.unit_id
     AND NOT EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = o.item_id AND u.unit_id = o.unit_id);
  INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date, todo_due)
  SELECT DISTINCT ON (n.item_id, n.unit_id) n.item_id, n.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date,
         ticket_todo_due(i.kind, i.state, i.snapshot)
    FROM ledger_roles_new n JOIN item i ON i.id = n.item_id
   WHERE i.state_type <> 'closed'
  ON CONFLICT (item_id, unit_id) DO NOTHING;
  -- Every unit whose roles changed: its row leads when a lead role is left.
  UPDATE ledger_unit_open l SET lead = k.lead
    FROM (SELECT c.item_id, c.unit_id,
                 EXISTS (SELECT 1 FROM item_unit u WHERE u.item_id = c.item_id AND u.unit_id = c.unit_id AND u.role = 'lead') AS lead
            FROM (SELECT item_id, unit_id FROM ledger_roles_old UNION SELECT item_id, unit_id FROM ledger_roles_new) c) k
   WHERE l.item_id = k.item_id AND l.unit_id = k.unit_id AND l.lead IS DISTINCT FROM k.lead;
  RETURN NULL;
END
$$;

-- As migration 206's, but a reopened item's rows say which unit leads.
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
    INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date, todo_due, lead)
    SELECT NEW.id, u.unit_id, NEW.number, NEW.state, NEW.state_type, NEW.kind, NEW.due_date,
           ticket_todo_due(NEW.kind, NEW.state, NEW.snapshot), bool_or(u.role = 'lead')
      FROM item_unit u WHERE u.item_id = NEW.id
     GROUP BY u.unit_id
    ON CONFLICT (item_id, unit_id) DO NOTHING;
  ELSE
    UPDATE ledger_unit_open SET number = NEW.number, state = NEW.state, state_type = NEW.state_type, kind = NEW.kind,
                                due_date = NEW.due_date, todo_due = ticket_todo_due(NEW.kind, NEW.state, NEW.snapshot)
     WHERE item_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
