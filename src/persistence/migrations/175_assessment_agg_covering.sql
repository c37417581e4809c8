-- The assessment's range sums (sumRanges in assessment-agg.repo.ts: GET /api/assessment, issue 7's ≤ 200 ms) read
-- the counters by (kind, metric, grain, day) and fetch unit_id, ckey and n from the heap: one heap page per counter
-- row, about 3,000 pages for a year at 1M generated items. With those columns in an index of their own the scans are
-- index-only (after VACUUM; the backfill's drain vacuums assessment_agg at its end). The cost is on the drain (the
-- only writer of assessment_agg): n is in this index, so a counter's update is no longer HOT and writes both indexes.
-- Measured on 1M generated items (scripts/measure-assessment-drain.ts, 5,000 items' due dates moved and drained):
-- HOT 0 % instead of 90-93 %, WAL 87-96 MB instead of 15 MB per drain, drain time the same within noise (1.3-2.5 ms
-- per item); the year's range sums 3,035 shared buffers → 142 (docs/assessment.md, "Year rows and a covering index").
CREATE INDEX assessment_agg_range_idx ON assessment_agg (kind, metric, grain, day) INCLUDE (unit_id, ckey, n);
