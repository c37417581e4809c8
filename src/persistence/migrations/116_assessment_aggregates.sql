-- Assessment (考核) from maintained aggregates (issue 7.3): the ranking of a period is a sum of per-day (and
-- per-month) counters per kind × unit, so it does not grow with history. See docs/assessment.md, "Aggregates".
--
-- The write path only appends the changed item's id to assessment_dirty (one small insert per statement, from the
-- triggers below; never a lock another writer waits on). The read path (or any worker) drains the log: it recomputes
-- each dirty item's contribution in Node with the same code as the formulas (assessment-contrib.ts), subtracts the
-- item's previous contribution (kept in assessment_fact) and adds the new one, in one transaction.

-- The log of items whose assessment facts may have changed. Append-only for writers; the drain deletes exactly the
-- rows it read, so a change committed meanwhile stays for the next drain.
CREATE TABLE assessment_dirty (
  seq bigserial PRIMARY KEY,
  item_id text NOT NULL
);

-- One row per item × unit that owns work on it (each lead, each responsible unit that is not a lead): the scalars the
-- as-of-an-instant corrections need, and the contribution (metric, ckey, day, n) the item adds to assessment_agg.
CREATE TABLE assessment_fact (
  item_id text NOT NULL,
  unit_id text NOT NULL,
  kind text NOT NULL,
  -- 'lead1' (the first lead by unit id: the item's own fact), 'lead' (a further lead), 'resp' (responsible share)
  share text NOT NULL,
  number text NOT NULL,
  live boolean NOT NULL,
  closed boolean NOT NULL,
  created_at timestamptz NOT NULL,
  created_day date NOT NULL,
  due_date date,
  fin_at timestamptz,
  fin_day date,
  closed_at timestamptz,
  close_day date,
  contrib jsonb NOT NULL,
  PRIMARY KEY (item_id, unit_id)
);
-- The day-of-now corrections read the shares created, finished or closed on one day (a few thousand at most).
CREATE INDEX assessment_fact_created_idx ON assessment_fact (kind, created_day);
CREATE INDEX assessment_fact_fin_idx ON assessment_fact (kind, fin_day);
CREATE INDEX assessment_fact_due_idx ON assessment_fact (kind, due_date);
CREATE INDEX assessment_fact_close_idx ON assessment_fact (kind, close_day);
-- The ranking's order of units: the first item number per unit (a short walk per unit).
CREATE INDEX assessment_fact_unit_number_idx ON assessment_fact (kind, unit_id, number);
-- Items created after their due date (rare): dueInPeriod counts them only when created before the period's end.
CREATE INDEX assessment_fact_due_late_idx ON assessment_fact (kind, due_date) WHERE share = 'lead1' AND created_day > due_date;

-- The counters: per kind, unit, metric and cadence key, by day (grain 'd') and by month (grain 'm', day = the 1st).
CREATE TABLE assessment_agg (
  kind text NOT NULL,
  metric text NOT NULL,
  grain char(1) NOT NULL,
  day date NOT NULL,
  unit_id text NOT NULL,
  ckey text NOT NULL DEFAULT '',
  n bigint NOT NULL,
  PRIMARY KEY (kind, metric, grain, day, unit_id, ckey)
);

-- What the contributions were computed with, per kind (reporting cadence, grace, calendar): when it changes every
-- item of the kind is marked dirty and recomputed.
CREATE TABLE assessment_basis (
  kind text PRIMARY KEY,
  basis text NOT NULL
);

CREATE FUNCTION assessment_mark_new_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_dirty (item_id) SELECT DISTINCT id FROM new_rows;
  RETURN NULL;
END $$;
CREATE FUNCTION assessment_mark_changed_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Only the columns the assessment reads (an event that changes nothing of them adds nothing).
  INSERT INTO assessment_dirty (item_id)
  SELECT DISTINCT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.state, n.state_type, n.due_date, n.created_at, n.closed_at, n.number, n.kind, n.data, n.snapshot)
         IS DISTINCT FROM (o.state, o.state_type, o.due_date, o.created_at, o.closed_at, o.number, o.kind, o.data, o.snapshot);
  RETURN NULL;
END $$;
CREATE FUNCTION assessment_mark_old_items() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_dirty (item_id) SELECT DISTINCT id FROM old_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER assessment_item_ins AFTER INSERT ON item REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_new_items();
CREATE TRIGGER assessment_item_upd AFTER UPDATE ON item REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_changed_items();
CREATE TRIGGER assessment_item_del AFTER DELETE ON item REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_old_items();

-- item_unit and progress_report: the item they belong to.
CREATE FUNCTION assessment_mark_rows_item() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO assessment_dirty (item_id) SELECT DISTINCT item_id FROM old_rows;
  ELSIF TG_OP = 'INSERT' THEN
    INSERT INTO assessment_dirty (item_id) SELECT DISTINCT item_id FROM new_rows;
  ELSE
    INSERT INTO assessment_dirty (item_id) SELECT item_id FROM new_rows UNION SELECT item_id FROM old_rows;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER assessment_unit_ins AFTER INSERT ON item_unit REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_rows_item();
CREATE TRIGGER assessment_unit_upd AFTER UPDATE ON item_unit REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_rows_item();
CREATE TRIGGER assessment_unit_del AFTER DELETE ON item_unit REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_rows_item();
CREATE TRIGGER assessment_report_ins AFTER INSERT ON progress_report REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_rows_item();
CREATE TRIGGER assessment_report_del AFTER DELETE ON progress_report REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_rows_item();

-- A report's correction (更正) changes its text, not when or by whom it was made: only those columns mark the item.
CREATE FUNCTION assessment_mark_report_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_dirty (item_id)
  SELECT n.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.item_id, n.unit_id, n.reported_at) IS DISTINCT FROM (o.item_id, o.unit_id, o.reported_at)
  UNION SELECT o.item_id FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.item_id, n.unit_id, n.reported_at) IS DISTINCT FROM (o.item_id, o.unit_id, o.reported_at);
  RETURN NULL;
END $$;
CREATE TRIGGER assessment_report_upd AFTER UPDATE ON progress_report REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION assessment_mark_report_moved();

-- Every item already there is computed by the first drain (or `npx tsx scripts/assessment-backfill.ts`).
INSERT INTO assessment_dirty (item_id) SELECT id FROM item;
