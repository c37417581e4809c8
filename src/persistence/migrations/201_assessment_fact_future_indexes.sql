-- The as-of-now correction (correctionsAround in assessment-agg.repo.ts) read every share created on the current day
-- or later and every share finishing on it or later. In real data "later" is empty (nothing is created or finished in
-- the future); a database read with a clock inside its data (generated items, a copy read as of an earlier day) has
-- days of them, and they grew with the items (8,333 shares, 612 buffers for the year at 1M; ~10x at 10M). Of those
-- later shares only a few can change an answer: one created later whose due date is before its creation, one finishing
-- later but inside the period that is overdue now (a late finish), one closed before it was created. Three partial
-- indexes hold those alone, with the columns the correction reads (index-only scans after VACUUM).
CREATE INDEX assessment_fact_due_before_created_idx ON assessment_fact (kind, created_day)
  INCLUDE (live, unit_id, share, closed, created_at, due_date, fin_at, fin_day, closed_at, close_day)
  WHERE due_date < created_day;
CREATE INDEX assessment_fact_late_fin_idx ON assessment_fact (kind, fin_day)
  INCLUDE (live, unit_id, share, closed, created_at, created_day, due_date, fin_at, closed_at, close_day)
  WHERE fin_day > due_date + 1;
CREATE INDEX assessment_fact_closed_before_created_idx ON assessment_fact (kind, created_day)
  INCLUDE (live, unit_id, share, closed, created_at, due_date, fin_at, fin_day, closed_at, close_day)
  WHERE close_day < created_day;
