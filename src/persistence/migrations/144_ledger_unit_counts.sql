-- Ledger (台账) pages and counts of a unit or a liaison's data scope combined with a state, a state type or overdue (issue 7.3).
--
-- The unit filter and the data scope are a probe of item_unit (unit_id, item_id), in item id order. Counting a unit's
-- open items (capped at 1,001) used to hash a unit's item ids against a bitmap heap scan of every open item (on 10M
-- generated items 0.4–0.9 s and 120k–300k pages). With the item side in id order too, and index-only, the count is a
-- merge of two index ranges that stops at the cap, reading no heap page (on 1M generated items: unit and open 30,734
-- pages → 2,130; unit, task and extension_requested 10,512 → 748; scope, task and overdue 48,482 → 3,279).
-- The page too, when a walk of 2,000 of the range's items finds too few: the matching (id, number) pairs come from the
-- two indexes alone and only the page's rows are read (the set alone, liaison, task and overdue on 1M: 27,516 → 3,492
-- pages; with the walk first 19,600). The INCLUDE
-- columns let the other filters (kind, overdue's due date, the cursor's number) be checked within the index.
--
-- Built on 1M generated items in 12–17 s each (the partial one 3 s) at load ~30. On a large existing table build them
-- by hand first, `CREATE INDEX CONCURRENTLY IF NOT EXISTS …` with the same definitions; this migration then finds
-- them there. duban_gen10m did NOT get them in the session that wrote this (it was being regenerated): the command
-- is in BENCHMARKS.md "The ledger's slow cases redesigned".
CREATE INDEX IF NOT EXISTS item_state_type_id_idx ON item (state_type, id) INCLUDE (number, kind, due_date);
CREATE INDEX IF NOT EXISTS item_state_id_idx ON item (state, id) INCLUDE (number, kind, due_date);
CREATE INDEX IF NOT EXISTS item_unclosed_id_idx ON item (id) INCLUDE (number, kind, due_date) WHERE state_type <> 'closed';
