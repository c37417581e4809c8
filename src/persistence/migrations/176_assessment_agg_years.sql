-- The assessment's counters by year (grain 'y', day = January 1st) beside those by day and month (migration 116): the
-- drain adds every delta to its day, month and year row (applyDeltas), and a range sum reads whole years from the
-- year rows (rangePieces). A year's sums and the counts "so far" (from the beginning of time: items created, alive,
-- overdue) then read one row per unit and metric per year instead of one per month: on 1M generated items the year
-- 2026's range sums fold about a third of the rows they did (docs/assessment.md). Filled here from the month rows,
-- which hold the same sums. A drain running in a process started before this migration would not write year rows:
-- restart every process after migrating (as for any migration that changes what the drain writes).
INSERT INTO assessment_agg (kind, metric, grain, day, unit_id, ckey, n)
SELECT kind, metric, 'y', make_date(extract(year FROM day)::int, 1, 1), unit_id, ckey, sum(n)
  FROM assessment_agg WHERE grain = 'm'
 GROUP BY kind, metric, make_date(extract(year FROM day)::int, 1, 1), unit_id, ckey
HAVING sum(n) <> 0;
