-- The scoped 热线看板's counters (migration 198) at less cost per intake ticket (issue 7: intake ≥ 50 % of the pgbench
-- pair; BENCHMARKS.md, "Scope counters: one sync per intake ticket").
--
-- Intake writes a ticket and its unit rows in one statement (ticket-intake.repo.ts). Before, its statement triggers ran
-- hotline_scope_sync three times per statement: item_unit's insert trigger (the ticket's keys computed, compared with
-- no record, its deltas written), item_unit's update trigger (over the zero rows of migration 196's
-- item_unit_received_sync_inserted, which ran its UPDATE even when intake had set every received_at) and the ticket's
-- insert trigger (the keys computed again and found unchanged). And the intake worker's search-vector UPDATE of the
-- ticket rows ran the scope's update trigger over its transition tables only to find no counted column changed. Now:
--
-- - item_unit's triggers sync only tickets that already have a record (hotline_scope_ticket), and its insert trigger
--   only those for which an inserted row's unit is not among the record's keys. A ticket without a record is not
--   counted yet: its ticket row is inserted by the same statement (its insert trigger syncs it) or was loaded without
--   triggers (the fill counts it). A ticket whose record has the unit already lost nothing and gained no key by the
--   insert: every trigger's sync recomputes the ticket from the rows as the statement left them (AFTER triggers fire
--   at its end and see all of it), so whichever of the ticket's and item_unit's triggers fires first, the ticket's
--   insert trigger counts every unit row of intake's statement and item_unit's finds nothing to do. So a ticket is
--   synced once at intake.
-- - item_unit_received_sync_inserted runs its UPDATE only when a row of the new tickets lacks received_at (dispatch
--   later, a writer that does not set it), so intake fires no item_unit UPDATE trigger (this one, the assessment's
--   and the ledger's statement triggers) for nothing.
-- - The ticket's update trigger is per row with a WHEN on the counted columns (received_at, category_code,
--   place_unit_id, item_id): an update of other columns (search vector, rating) calls nothing.
-- - The received total ('t') is not stored: it equals the sum of the categories ('c'), since every ticket has one
--   category (ticket.category_code NOT NULL); the board sums 'c' (hotline-kpi-agg.repo.ts scopeCountsOf,
--   scopeTrendOf). A third fewer delta, day and month rows. Existing 't' rows are deleted here.
-- - The day and month upserts are one function (hotline_scope_add_days), called by the fill below and by the KPI
--   job's fold (foldStep) instead of a copy of the same SQL there.

DELETE FROM hotline_scope_delta WHERE dim = 't';
DELETE FROM hotline_scope_day WHERE dim = 't';
DELETE FROM hotline_scope_month WHERE dim = 't';

-- Adds per-day counts (rows of hotline_scope_day's type, one per key) to the day rows and their months' rows; returns
-- how many day rows it was given.
CREATE FUNCTION hotline_scope_add_days(g hotline_scope_day[]) RETURNS bigint LANGUAGE sql AS $$
  INSERT INTO hotline_scope_day AS d (k1, k2, day, dim, code, rest, n)
  SELECT x.k1, x.k2, x.day, x.dim, x.code, x.rest, x.n FROM unnest(g) x
  ON CONFLICT (k1, k2, day, dim, code, rest) DO UPDATE SET n = d.n + EXCLUDED.n;
  INSERT INTO hotline_scope_month AS d (k1, k2, month, dim, code, rest, n)
  SELECT x.k1, x.k2, date_trunc('month', x.day::timestamp)::date, x.dim, x.code, x.rest, sum(x.n) FROM unnest(g) x GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (k1, k2, month, dim, code, rest) DO UPDATE SET n = d.n + EXCLUDED.n;
  SELECT COALESCE(cardinality(g), 0)::bigint;
$$;

CREATE OR REPLACE FUNCTION hotline_scope_sync(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  written bigint;
BEGIN
  IF ids IS NULL OR cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  WITH cur AS MATERIALIZED (
    SELECT t.item_id, hotline_scope_keys(t.item_id, t.place_unit_id) AS keys, t.received_at, t.category_code, t.place_unit_id,
           EXISTS (SELECT 1 FROM ticket_duplicate d WHERE d.ticket_id = t.item_id AND d.status = 'merged') AS merged
      FROM ticket t WHERE t.item_id = ANY(ids)
  ), old AS MATERIALIZED (
    SELECT s.item_id, s.keys, s.received_at, s.category_code, s.place_unit_id, s.merged FROM hotline_scope_ticket s WHERE s.item_id = ANY(ids)
  ), ch AS MATERIALIZED (
    SELECT -1 AS sg, o.* FROM old o WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.item_id = o.item_id
      AND c.keys = o.keys AND c.received_at = o.received_at AND c.category_code = o.category_code
      AND c.place_unit_id IS NOT DISTINCT FROM o.place_unit_id AND c.merged = o.merged)
    UNION ALL
    SELECT 1, c.* FROM cur c WHERE NOT EXISTS (SELECT 1 FROM old o WHERE c.item_id = o.item_id
      AND c.keys = o.keys AND c.received_at = o.received_at AND c.category_code = o.category_code
      AND c.place_unit_id IS NOT DISTINCT FROM o.place_unit_id AND c.merged = o.merged)
  ), dl AS (
    INSERT INTO hotline_scope_delta (received_at, k1, k2, rest, dim, code, n)
    SELECT ch.received_at, ss.k1, ss.k2, ss.rest, d.dim, d.code, sum(ch.sg * ss.sg)
      FROM ch CROSS JOIN LATERAL hotline_scope_subsets(ch.keys) ss
      CROSS JOIN LATERAL (VALUES ('c', ch.category_code), ('p', ch.place_unit_id), ('m', CASE WHEN ch.merged THEN '' END)) d(dim, code)
     WHERE d.code IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(ch.sg * ss.sg) <> 0
    RETURNING 1
  ), gone AS (
    DELETE FROM hotline_scope_ticket s WHERE s.item_id IN (SELECT item_id FROM ch WHERE sg = -1) AND NOT EXISTS (SELECT 1 FROM cur c WHERE c.item_id = s.item_id)
    RETURNING 1
  ), up AS (
    INSERT INTO hotline_scope_ticket AS s (item_id, keys, received_at, category_code, place_unit_id, merged)
    SELECT item_id, keys, received_at, category_code, place_unit_id, merged FROM ch WHERE sg = 1
    ON CONFLICT (item_id) DO UPDATE SET keys = EXCLUDED.keys, received_at = EXCLUDED.received_at, category_code = EXCLUDED.category_code,
      place_unit_id = EXCLUDED.place_unit_id, merged = EXCLUDED.merged
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM dl) + (SELECT count(*) FROM gone) + (SELECT count(*) FROM up) INTO written;
END
$$;

CREATE OR REPLACE FUNCTION hotline_scope_fill(cutoff timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  counted bigint;
  deltas bigint;
  folded bigint;
BEGIN
  WITH cur AS MATERIALIZED (
    SELECT t.item_id, hotline_scope_keys(t.item_id, t.place_unit_id) AS keys, t.received_at, t.category_code, t.place_unit_id,
           EXISTS (SELECT 1 FROM ticket_duplicate d WHERE d.ticket_id = t.item_id AND d.status = 'merged') AS merged
      FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM hotline_scope_ticket s WHERE s.item_id = t.item_id)
  ), ins AS (
    INSERT INTO hotline_scope_ticket (item_id, keys, received_at, category_code, place_unit_id, merged)
    SELECT item_id, keys, received_at, category_code, place_unit_id, merged FROM cur
    RETURNING 1
  ), e AS MATERIALIZED (
    SELECT c.received_at, ss.k1, ss.k2, ss.rest, d.dim, d.code, ss.sg
      FROM cur c CROSS JOIN LATERAL hotline_scope_subsets(c.keys) ss
      CROSS JOIN LATERAL (VALUES ('c', c.category_code), ('p', c.place_unit_id), ('m', CASE WHEN c.merged THEN '' END)) d(dim, code)
     WHERE d.code IS NOT NULL
  ), dl AS (
    INSERT INTO hotline_scope_delta (received_at, k1, k2, rest, dim, code, n)
    SELECT received_at, k1, k2, rest, dim, code, sum(sg) FROM e WHERE received_at >= cutoff GROUP BY 1, 2, 3, 4, 5, 6
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM dl),
         hotline_scope_add_days(ARRAY(
           SELECT ROW(k1, k2, (received_at AT TIME ZONE 'Asia/Shanghai')::date, dim, code, rest, sum(sg))::hotline_scope_day
             FROM e WHERE received_at < cutoff GROUP BY k1, k2, (received_at AT TIME ZONE 'Asia/Shanghai')::date, dim, code, rest))
    INTO counted, deltas, folded;
  RETURN counted;
END
$$;

CREATE OR REPLACE FUNCTION hotline_scope_on_ticket_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM hotline_scope_sync(CASE WHEN NEW.item_id = OLD.item_id THEN ARRAY[NEW.item_id] ELSE ARRAY[OLD.item_id, NEW.item_id] END);
  RETURN NULL;
END
$$;

DROP TRIGGER hotline_scope_ticket_update ON ticket;
CREATE TRIGGER hotline_scope_ticket_update AFTER UPDATE ON ticket FOR EACH ROW
  WHEN (NEW.received_at IS DISTINCT FROM OLD.received_at OR NEW.category_code IS DISTINCT FROM OLD.category_code
        OR NEW.place_unit_id IS DISTINCT FROM OLD.place_unit_id OR NEW.item_id IS DISTINCT FROM OLD.item_id)
  EXECUTE FUNCTION hotline_scope_on_ticket_row();

-- item_unit: only tickets counted already (a record), and an insert only when its unit is not among the record's keys
-- already (a ticket's keys are its place and units: a row of a unit already counted adds no key); a task's rows
-- (received_at NULL: migration 196) never concern a ticket; an update counts only when it moves a row to another item
-- or unit.
CREATE OR REPLACE FUNCTION hotline_scope_on_item_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT DISTINCT n.item_id FROM new_rows n
      WHERE n.received_at IS NOT NULL AND EXISTS (SELECT 1 FROM hotline_scope_ticket s WHERE s.item_id = n.item_id AND NOT n.unit_id = ANY(s.keys))));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT DISTINCT o.item_id FROM old_rows o
      WHERE o.received_at IS NOT NULL AND EXISTS (SELECT 1 FROM hotline_scope_ticket s WHERE s.item_id = o.item_id)));
  ELSE
    PERFORM hotline_scope_sync(ARRAY(
      SELECT item_id FROM (
        (SELECT item_id, unit_id FROM old_rows EXCEPT ALL SELECT item_id, unit_id FROM new_rows)
        UNION ALL
        (SELECT item_id, unit_id FROM new_rows EXCEPT ALL SELECT item_id, unit_id FROM old_rows)) x
       WHERE EXISTS (SELECT 1 FROM hotline_scope_ticket s WHERE s.item_id = x.item_id)
       GROUP BY item_id));
  END IF;
  RETURN NULL;
END
$$;

-- Migration 196's fill of item_unit.received_at after a ticket insert: its UPDATE only when a row needs it.
CREATE OR REPLACE FUNCTION item_unit_received_sync_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_tickets n JOIN item_unit u ON u.item_id = n.item_id WHERE u.received_at IS NULL AND n.received_at IS NOT NULL) THEN
    UPDATE item_unit u SET received_at = n.received_at
      FROM new_tickets n
     WHERE u.item_id = n.item_id AND u.received_at IS NULL AND n.received_at IS NOT NULL;
  END IF;
  RETURN NULL;
END
$$;
