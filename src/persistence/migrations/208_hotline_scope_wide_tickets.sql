-- A ticket with many keys (place and handling units) no longer expands into every subset of them (migration 198's
-- inclusion–exclusion writes 2^|K| − 1 counters per dimension: a ticket dispatched with its lead and the 20 协办 units the
-- intake schema allows had 2^22 of them, and the statement that wrote its units never finished — a denial of service
-- from one operator's dispatch). Subsets are written for tickets of at most 6 keys (63 per dimension); a wider ticket is
-- counted by its record alone (hotline_scope_ticket: its keys, instant, category, place and 并单), which a scoped board
-- reads beside the counters: the wide tickets received in the period whose keys meet the scope, each once (the record
-- is current, as every counter is: a delta is keyed at the ticket's received_at, not at the change). Wide tickets are
-- rare, and the partial index finds the period's. hotline-kpi-agg.repo.ts SCOPE_SUBSET_KEYS is this 6.

-- The counters of tickets already wider than 6 keys come out first, with the subsets they were written with.
INSERT INTO hotline_scope_delta (received_at, k1, k2, rest, dim, code, n)
SELECT s.received_at, ss.k1, ss.k2, ss.rest, d.dim, d.code, -sum(ss.sg)
  FROM hotline_scope_ticket s CROSS JOIN LATERAL hotline_scope_subsets(s.keys) ss
  CROSS JOIN LATERAL (VALUES ('c', s.category_code), ('p', s.place_unit_id), ('m', CASE WHEN s.merged THEN '' END)) d(dim, code)
 WHERE cardinality(s.keys) > 6 AND d.code IS NOT NULL
 GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(ss.sg) <> 0;

-- No subset at all for more than 6 keys: hotline_scope_sync and hotline_scope_fill, which expand through this function,
-- write nothing for a wide ticket but its record (and take back the subsets of one that grew wide).
CREATE OR REPLACE FUNCTION hotline_scope_subsets(keys text[]) RETURNS TABLE (k1 text, k2 text, rest text[], sg int) LANGUAGE sql IMMUTABLE AS $$
  WITH RECURSIVE s(units, last) AS (
    SELECT ARRAY[x.k], x.i FROM unnest(keys) WITH ORDINALITY AS x(k, i) WHERE cardinality(keys) <= 6
    UNION ALL
    SELECT s.units || x.k, x.i FROM s, unnest(keys) WITH ORDINALITY AS x(k, i) WHERE x.i > s.last
  )
  SELECT s.units[1], COALESCE(s.units[2], ''), COALESCE(s.units[3:], '{}'::text[]), CASE WHEN cardinality(s.units) % 2 = 1 THEN 1 ELSE -1 END FROM s
$$;

CREATE INDEX hotline_scope_ticket_wide_idx ON hotline_scope_ticket (received_at) WHERE cardinality(keys) > 6;
