-- Assessment (考核) bounded by the period (issue 7.3; EXPLAIN on 1M generated items, scripts/generate-items.ts).
-- The items that can count in a period: open or waiting ones (item_kind_state_idx) and those closed since the period
-- began, found by closing time instead of reading every item of the kind.
CREATE INDEX item_kind_closed_idx ON item (kind, closed_at);
-- Per-unit totals over every item created before the period's end, read from indexes alone: the item's kind,
-- creation time, id, number, state and due date, and its lead unit.
CREATE INDEX item_kind_created_cover_idx ON item (kind, created_at) INCLUDE (id, number, state, due_date);
CREATE INDEX item_unit_lead_idx ON item_unit (item_id, unit_id) WHERE role = 'lead';
