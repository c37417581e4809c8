-- A scoped 热线看板's requests from maintained counters (issue 7: a KPI board ≤ 200 ms at 10M, whatever the scope and
-- the period; BENCHMARKS.md, "Scoped board from counters").
--
-- A request (诉求) is in a scope S when its place (地点) or a unit handling it (item_unit) is in S (inScopeSql,
-- hotline-kpis.ts). Call K the ticket's keys: its place and its handling units, distinct. Counters per unit would count
-- a ticket once per key of S it has (a ticket placed in a township and handled by a department of the same district
-- twice). So every ticket adds, for every non-empty subset T of K, (-1)^(|T|+1) to the counter of T. A scope sums the
-- counters of the subsets T ⊆ S: for one ticket that is Σ over the non-empty T ⊆ K ∩ S of (-1)^(|T|+1), which is 1 when
-- K ∩ S is not empty and 0 when it is (inclusion–exclusion). So the sum is each ticket of the scope counted once,
-- exactly what the rows give, with no row read. A ticket with keys {a} has one counter, {a, b} three ({a}, {b}: +1;
-- {a, b}: -1), three keys seven. A ten-unit scope reads its singletons' rows and the rare pairs inside it, not the
-- pairs that merely touch it.
--
-- A subset is stored as k1 (its first unit), k2 (its second, '' for a singleton) and rest (the others, '{}' mostly),
-- sorted: a scope reads k1 = ANY(S) AND k2 = ANY(S ∪ {''}) AND rest <@ S by the primary key.
--
-- Dimensions: 't' (code ''): received; 'c': by category code; 'p': by place (ticket.place_unit_id, when set); 'm' (code
-- ''): received and merged into another ticket (并单, ticket_duplicate.status = 'merged'). Each keyed at the ticket's
-- received_at: hotline_scope_delta (the instant) written by the triggers, folded by the KPI job with the other received
-- counts (foldStep) into hotline_scope_day and hotline_scope_month. A period reads whole months, edge days and the
-- unfolded deltas, as the unscoped received counts do (receivedCountsOf): rows bounded by months × the scope's subsets.
--
-- hotline_scope_ticket keeps what each ticket was last counted as (keys, received_at, category, place, merged); the
-- triggers recompute it for the tickets a statement touched (ticket, item_unit, ticket_duplicate) and, where it
-- changed, write -1 for the old and +1 for the new (hotline_scope_sync): idempotent, so a statement writing a ticket
-- and its units at once (intake) is counted once whichever trigger runs first.
--
-- Backfill: every ticket, set-based, here (hotline_scope_fill: those received before the fold's watermark into day and
-- month rows, the others as deltas). scripts/generate-items.ts, whose load runs without triggers, calls the same
-- function after its load.

CREATE TABLE hotline_scope_ticket (
  item_id        text PRIMARY KEY,
  keys           text[] NOT NULL,
  received_at    timestamptz NOT NULL,
  category_code  text NOT NULL,
  place_unit_id  text,
  merged         boolean NOT NULL
);

CREATE TABLE hotline_scope_delta (
  id           bigserial PRIMARY KEY,
  received_at  timestamptz NOT NULL,
  k1           text NOT NULL,
  k2           text NOT NULL,
  rest         text[] NOT NULL,
  dim          text NOT NULL,
  code         text NOT NULL,
  n            bigint NOT NULL
);
CREATE INDEX hotline_scope_delta_received_idx ON hotline_scope_delta (received_at);

CREATE TABLE hotline_scope_day (
  k1     text NOT NULL,
  k2     text NOT NULL,
  day    date NOT NULL,
  dim    text NOT NULL,
  code   text NOT NULL,
  rest   text[] NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (k1, k2, day, dim, code, rest)
);

CREATE TABLE hotline_scope_month (
  k1     text NOT NULL,
  k2     text NOT NULL,
  month  date NOT NULL,
  dim    text NOT NULL,
  code   text NOT NULL,
  rest   text[] NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (k1, k2, month, dim, code, rest)
);

-- The non-empty subsets of sorted distinct keys, with their sign (+1 odd size, -1 even).
CREATE FUNCTION hotline_scope_subsets(keys text[]) RETURNS TABLE (k1 text, k2 text, rest text[], sg int) LANGUAGE sql IMMUTABLE AS $$
  WITH RECURSIVE s(units, last) AS (
    SELECT ARRAY[x.k], x.i FROM unnest(keys) WITH ORDINALITY AS x(k, i)
    UNION ALL
    SELECT s.units || x.k, x.i FROM s, unnest(keys) WITH ORDINALITY AS x(k, i) WHERE x.i > s.last
  )
  SELECT s.units[1], COALESCE(s.units[2], ''), COALESCE(s.units[3:], '{}'::text[]), CASE WHEN cardinality(s.units) % 2 = 1 THEN 1 ELSE -1 END FROM s
$$;

-- A ticket's keys: its place and its handling units, distinct, sorted.
CREATE FUNCTION hotline_scope_keys(id text, place text) RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT COALESCE(array_agg(k ORDER BY k), '{}'::text[]) FROM (
    SELECT place AS k WHERE place IS NOT NULL
    UNION
    SELECT u.unit_id FROM item_unit u WHERE u.item_id = id
  ) z
$$;

-- What the tickets `ids` count as now, against what they were counted as: the differences as deltas; the record updated.
CREATE FUNCTION hotline_scope_sync(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
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
      CROSS JOIN LATERAL (VALUES ('t', ''), ('c', ch.category_code), ('p', ch.place_unit_id), ('m', CASE WHEN ch.merged THEN '' END)) d(dim, code)
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

-- Every ticket not counted yet (none has a record): those received before `cutoff` (the fold's watermark) into the day
-- and month rows, the others as deltas. Set-based; the migration's backfill and the generator's fill. Returns the tickets.
CREATE FUNCTION hotline_scope_fill(cutoff timestamptz) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  counted bigint;
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
      CROSS JOIN LATERAL (VALUES ('t', ''), ('c', c.category_code), ('p', c.place_unit_id), ('m', CASE WHEN c.merged THEN '' END)) d(dim, code)
     WHERE d.code IS NOT NULL
  ), dl AS (
    INSERT INTO hotline_scope_delta (received_at, k1, k2, rest, dim, code, n)
    SELECT received_at, k1, k2, rest, dim, code, sum(sg) FROM e WHERE received_at >= cutoff GROUP BY 1, 2, 3, 4, 5, 6
    RETURNING 1
  ), g AS MATERIALIZED (
    SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date AS day, k1, k2, rest, dim, code, sum(sg) AS n
      FROM e WHERE received_at < cutoff GROUP BY 1, 2, 3, 4, 5, 6
  ), f AS (
    INSERT INTO hotline_scope_day AS d (k1, k2, day, dim, code, rest, n) SELECT k1, k2, day, dim, code, rest, n FROM g
    ON CONFLICT (k1, k2, day, dim, code, rest) DO UPDATE SET n = d.n + EXCLUDED.n
    RETURNING 1
  ), fm AS (
    INSERT INTO hotline_scope_month AS d (k1, k2, month, dim, code, rest, n)
    SELECT k1, k2, date_trunc('month', day::timestamp)::date, dim, code, rest, sum(n) FROM g GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (k1, k2, month, dim, code, rest) DO UPDATE SET n = d.n + EXCLUDED.n
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM ins) INTO counted FROM (SELECT (SELECT count(*) FROM dl), (SELECT count(*) FROM f), (SELECT count(*) FROM fm)) x;
  RETURN counted;
END
$$;

CREATE FUNCTION hotline_scope_on_ticket() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT n.item_id FROM new_rows n));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT o.item_id FROM old_rows o));
  ELSE
    PERFORM hotline_scope_sync(ARRAY(
      SELECT n.item_id FROM new_rows n JOIN old_rows o ON o.item_id = n.item_id
       WHERE n.received_at IS DISTINCT FROM o.received_at OR n.category_code IS DISTINCT FROM o.category_code
          OR n.place_unit_id IS DISTINCT FROM o.place_unit_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER hotline_scope_ticket_insert AFTER INSERT ON ticket REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_ticket();
CREATE TRIGGER hotline_scope_ticket_update AFTER UPDATE ON ticket REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_ticket();
CREATE TRIGGER hotline_scope_ticket_delete AFTER DELETE ON ticket REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_ticket();

-- item_unit: a task's rows (received_at NULL: migration 196) never concern a ticket; an update counts only when it
-- moves a row to another item or unit (196's trigger sets received_at on rows intake wrote).
CREATE FUNCTION hotline_scope_on_item_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT DISTINCT n.item_id FROM new_rows n WHERE n.received_at IS NOT NULL));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT DISTINCT o.item_id FROM old_rows o WHERE o.received_at IS NOT NULL));
  ELSE
    PERFORM hotline_scope_sync(ARRAY(
      SELECT item_id FROM (
        (SELECT item_id, unit_id FROM old_rows EXCEPT ALL SELECT item_id, unit_id FROM new_rows)
        UNION ALL
        (SELECT item_id, unit_id FROM new_rows EXCEPT ALL SELECT item_id, unit_id FROM old_rows)) x
       GROUP BY item_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER hotline_scope_item_unit_insert AFTER INSERT ON item_unit REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_item_unit();
CREATE TRIGGER hotline_scope_item_unit_update AFTER UPDATE ON item_unit REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_item_unit();
CREATE TRIGGER hotline_scope_item_unit_delete AFTER DELETE ON item_unit REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_item_unit();

CREATE FUNCTION hotline_scope_on_duplicate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT DISTINCT n.ticket_id FROM new_rows n WHERE n.status = 'merged'));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM hotline_scope_sync(ARRAY(SELECT DISTINCT o.ticket_id FROM old_rows o WHERE o.status = 'merged'));
  ELSE
    PERFORM hotline_scope_sync(ARRAY(
      SELECT n.ticket_id FROM new_rows n JOIN old_rows o ON o.id = n.id
       WHERE (n.status = 'merged') <> (o.status = 'merged') OR (n.status = 'merged' AND n.ticket_id <> o.ticket_id)
      UNION SELECT o.ticket_id FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE o.status = 'merged' AND n.ticket_id <> o.ticket_id));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER hotline_scope_duplicate_insert AFTER INSERT ON ticket_duplicate REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_duplicate();
CREATE TRIGGER hotline_scope_duplicate_update AFTER UPDATE ON ticket_duplicate REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_duplicate();
CREATE TRIGGER hotline_scope_duplicate_delete AFTER DELETE ON ticket_duplicate REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_scope_on_duplicate();

SELECT hotline_scope_fill(COALESCE((SELECT folded_through FROM hotline_kpi_state WHERE id = 1), '-infinity'::timestamptz));
