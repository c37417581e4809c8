-- The trigram indexes on item text merge their pending list in small steps (issue 7, ticket intake's tail; docs/write-path.md
-- "Intake: the capture's plan, and where a ticket's CPU goes").
--
-- A GIN index with fastupdate (the default) appends new entries to a pending list and merges the list into the index
-- when it passes gin_pending_list_limit (4 MB): the statement that passes it does the whole merge. For
-- item_text_trgm_idx that was one intake group in ~4,600 tickets, +28 ms of backend CPU (replayed groups of 7: 35.3 ms
-- against a median of 7.6), while the group holds the ticket counter's row lock, so every ticket waiting for its
-- number waited as long; migration 185 added a second such index (unclosed items) with its own list. fastupdate off
-- removes the merge but costs every group ~+0.2 ms per ticket. At 512 kB the merges are an eighth as large and
-- disappear in the ordinary spread (700 groups of 7: max 12.5 ms against 35.3, mean 1.047 against 1.064 ms per
-- ticket: the same work). A search also reads the pending list entry by entry, so it gains too.
-- Skipped where pg_trgm is not installed (the indexes are not there: migrations 070, 185).
-- test/perf-shape/item-trgm-pending.test.ts checks every GIN index on item has the limit.
DO $$
BEGIN
  IF to_regclass('item_text_trgm_idx') IS NOT NULL THEN
    ALTER INDEX item_text_trgm_idx SET (gin_pending_list_limit = 512);
  END IF;
  IF to_regclass('item_text_open_trgm_idx') IS NOT NULL THEN
    ALTER INDEX item_text_open_trgm_idx SET (gin_pending_list_limit = 512);
  END IF;
END $$;
