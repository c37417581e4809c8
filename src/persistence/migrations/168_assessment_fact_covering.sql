-- Running periods of the assessment (issue 7: GET /api/assessment ≤ 200 ms at 1M items). A period assessed as of now
-- corrects the midnight counters with the shares created or finishing on the current day or later
-- (correctionsAround in assessment-agg.repo.ts). Those shares are scattered over the table's pages (each row carries
-- its contribution, jsonb): on 1M generated items the two index scans touched 8,322 pages for 8,333 shares. With the
-- columns the correction reads included, they are index-only scans: 403 pages (after VACUUM; the backfill's drain
-- vacuums the table at its end).
DROP INDEX IF EXISTS assessment_fact_created_idx;
DROP INDEX IF EXISTS assessment_fact_fin_idx;
CREATE INDEX assessment_fact_created_idx ON assessment_fact (kind, created_day)
  INCLUDE (live, unit_id, share, closed, created_at, due_date, fin_at, fin_day, closed_at, close_day);
CREATE INDEX assessment_fact_fin_idx ON assessment_fact (kind, fin_day)
  INCLUDE (live, unit_id, share, closed, created_at, created_day, due_date, fin_at, closed_at, close_day);
-- Items created after their due date (lateCreatedDue): with its columns included, so that the planner prefers this
-- (usually empty) partial index over an index-only scan of the whole kind in the covering indexes above, which it
-- chose otherwise (it estimates created_day > due_date at a third of the rows): 4,858 pages against 2.
DROP INDEX IF EXISTS assessment_fact_due_late_idx;
CREATE INDEX assessment_fact_due_late_idx ON assessment_fact (kind, due_date) INCLUDE (unit_id, created_day, live)
  WHERE share = 'lead1' AND created_day > due_date;
