-- Ledger (台账) reads that stay fast with history (issue 7.3), chosen from EXPLAIN (ANALYZE) on 1M generated items
-- (scripts/generate-items.ts; figures in docs/api.md "Ledger paging").
--
-- Text search: `title || E'\n' || number || E'\n' || body ILIKE '%…%'` (items.repo.ts LEDGER_TEXT) through one
-- trigram index. pg_trgm ships with PostgreSQL (trusted since 13) and with PGlite as a contrib extension, loaded
-- by pglite.db.ts. A server without it still migrates: search then scans, and a notice says why.
DO $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN others THEN
  RAISE NOTICE 'pg_trgm is not available (%): ledger text search will scan', SQLERRM;
END $$;

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX item_text_trgm_idx ON item USING gin ((title || E'\n' || number || E'\n' || body) gin_trgm_ops);
  END IF;
END $$;

-- Filter by state (a state name) or by state type (open / waiting / closed), read in number order so a page
-- and the page after a cursor are an index range, not a sort of every match.
CREATE INDEX item_state_number_idx ON item (state, number);
CREATE INDEX item_state_type_number_idx ON item (state_type, number);

-- The unit filter and the data scope ask "does this unit hold a role on the item": (unit_id, item_id) answers from
-- the index alone, and in item id order, so a bounded count merges it with the item key (1.9 s → 49 ms at 1M).
CREATE INDEX item_unit_unit_item_idx ON item_unit (unit_id, item_id);
