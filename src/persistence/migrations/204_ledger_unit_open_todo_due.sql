-- 只看待办 (a unit's 12345 待办, soonest due first) in the order of an index (issue 7: "ledger page p95 ≤ 50 ms at any
-- depth and with any filter"; the liaison's ticket list is that ledger for 12345).
--
-- Why: the list ordered a unit's 待办 tickets by the due of their state's clock, read from each item's snapshot, so
-- every 待办 ticket of the unit was read and sorted on each page view: on 10M generated items 0.24 s p95 for one unit,
-- and for the centre's view of every unit's 待办 a sort of all open tickets.
--
-- ledger_unit_open (migration 179: one row per unit holding a role on an unclosed item) gets `todo_due`: for a ticket
-- in a 待办 state the due of its state's clock (TICKET_TODO in src/domain/tickets/todo.ts: 待签收 the accept clock's,
-- then the handle clock's; 办理中 the handle clock's), 'infinity' when none is set (so "soonest due first, none last"
-- is the plain ascending order), NULL for every other row. Two partial indexes hold the 待办 rows only: a unit's
-- (unit_id, todo_due, number) and everyone's (todo_due, number). The list walks one of them in order and stops at its
-- page (tickets.repo.ts listTodo); the lead role is checked on the rows walked.
--
-- ticket_todo_due() is TICKET_TODO written in SQL; test/perf-shape/ticket-todo-due.test.ts checks the two agree on
-- random snapshots, so a change to the states or clocks of 待办 without a migration fails there. The item trigger
-- now also fires when the snapshot changes a ticket's 待办 due (延期 granted, a clock restarted) in a 待办 state;
-- its WHEN compares the clocks' dues only for tickets, so a task's report or 催办 costs one comparison of its kind.
-- The WHEN compares the clocks' dues as stored rather than calling ticket_todo_due (the trigger body does), so an
-- update of item evaluates only operators there. Measured on a task's update (pgbench, one client, this trigger
-- against 179's): 2,256 and 2,237 against 2,311 and 2,203 updates/s, no difference; a progress report over HTTP
-- (`peer`, B A B A B A) neither (BENCHMARKS.md).

CREATE FUNCTION ticket_todo_due(kind text, state text, snapshot jsonb) RETURNS timestamptz LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN kind <> 'ticket' THEN NULL
    WHEN state = 'dispatched' THEN coalesce(nullif(snapshot #>> '{clocks,accept,dueAt}', '')::timestamptz,
                                            nullif(snapshot #>> '{clocks,handle,dueAt}', '')::timestamptz, 'infinity')
    WHEN state = 'accepted' THEN coalesce(nullif(snapshot #>> '{clocks,handle,dueAt}', '')::timestamptz, 'infinity')
  END
$$;

ALTER TABLE ledger_unit_open ADD COLUMN todo_due timestamptz;

UPDATE ledger_unit_open o SET todo_due = ticket_todo_due(i.kind, i.state, i.snapshot)
  FROM item i
 WHERE i.id = o.item_id AND o.kind = 'ticket' AND o.state IN ('dispatched', 'accepted');

CREATE INDEX ledger_unit_open_todo_idx ON ledger_unit_open (unit_id, todo_due, number) INCLUDE (item_id) WHERE todo_due IS NOT NULL;
CREATE INDEX ledger_unit_open_todo_all_idx ON ledger_unit_open (todo_due, number) INCLUDE (item_id, unit_id) WHERE todo_due IS NOT NULL;

CREATE OR REPLACE FUNCTION ledger_unit_open_role_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ledger_unit_open (item_id, unit_id, number, state, state_type, kind, due_date, todo_due)
  SELECT i.id, NEW.unit_id, i.number, i.state, i.state_type, i.kind, i.due_date, ticket_todo_due(i.kind, i.state, i.snapshot) FROM item i
   WHERE i.id = NEW.item_id AND i.state_type <> 'closed'
  ON CONFLICT (item_id, unit_id) DO NOTHING;
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
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ledger_unit_open_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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
  FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.state_type IS DISTINCT FROM NEW.state_type OR OLD.due_date IS DISTINCT FROM NEW.due_date
        OR OLD.number IS DISTINCT FROM NEW.number OR OLD.kind IS DISTINCT FROM NEW.kind
        OR (NEW.kind = 'ticket' AND NEW.state IN ('dispatched', 'accepted')
            AND ((OLD.snapshot #> '{clocks,accept,dueAt}') IS DISTINCT FROM (NEW.snapshot #> '{clocks,accept,dueAt}')
                 OR (OLD.snapshot #> '{clocks,handle,dueAt}') IS DISTINCT FROM (NEW.snapshot #> '{clocks,handle,dueAt}'))))
  EXECUTE FUNCTION ledger_unit_open_item();
