-- The ledger's term within an unclosed state, state type or overdue range (items-list.repo.ts listStateTerm): the
-- trigram index of migration 070 over the unclosed items only. At 10M a rare phrase's span (关镇噪音) is in ~41k
-- items of all states, and the plan ANDed that bitmap with the state's (56k TIDs for dispatched) or read the
-- unclosed range's 258k to keep ~240: 0.2–0.6 s. The unclosed items are ~3% of the ledger, so this index holds ~1.1k
-- TIDs for that span. Its cost: one more GIN insertion per unclosed item written (intake, non-HOT updates while
-- open); a closed item's row leaves it (BENCHMARKS.md "tenm"). Used when the statement says
-- `state_type <> 'closed'` itself (listStateTerm adds it for unclosed states). Skipped without pg_trgm, as 070.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX item_text_open_trgm_idx ON item USING gin ((title || E'\n' || number || E'\n' || body) gin_trgm_ops)
      WHERE state_type <> 'closed';
  END IF;
END $$;
