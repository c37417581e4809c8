-- A ticket list of several units (a data scope of a few units: a supervisor's 数据范围, a liaison of a unit with
-- sub-units) walks the units' newest tickets merged in received order, as one unit's list does (issue 7: "ledger page
-- p95 ≤ 50 ms at any depth and with any filter"; tickets.repo.ts listUnitWalk).
--
-- Why: a scope of three generated units on 10M items took 0.3–2 s a page (each ticket of the whole list probed for
-- the scope's units, 1 in 20 a match). The walk merges each unit's range of item_unit_unit_received_idx (newest
-- first: a Merge Append that stops at the page) and keeps one row per ticket — a ticket two units of the scope hold,
-- or one unit in two roles, is walked once, from the row of its first (unit, role) — checked in item_unit's primary
-- key. To stay index-only the walk needs the row's role beside its item: the index carries it.

CREATE INDEX item_unit_unit_received_role_idx ON item_unit (unit_id, received_at) INCLUDE (item_id, role) WHERE received_at IS NOT NULL;
DROP INDEX item_unit_unit_received_idx;
