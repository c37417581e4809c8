-- 满意率 counts the requester's own rating (市民评价, public page; ticket_citizen_rating, migration 197) as well as the
-- centre's 回访 (docs/tickets.md, "12345 KPIs"). Per ticket one vote as of asOf: the latest reply round's; within a
-- round the centre's 回访 wins over the requester's rating, whichever came first (the 回访 is the centre's checked
-- record and asks 解决 too). So a rating counts from its instant until a 回访 of its round or a later round, or the
-- requester's rating of a later reply; a 回访 of an earlier round stops counting from the rating's instant. 解决率
-- stays the 回访's alone (a rating does not say whether the problem was solved).
--
-- The row-based statement (UNIT_SQL, src/app/tickets/hotline-kpis.ts) reads ticket_citizen_rating directly. The
-- counters (migration 152) get, per rating, delta rows in `rated` and `satisfied_back` (columns the trend does not
-- read, so the trend's 回访 / 满意 stay the 回访 made): while the rating counts (from rated_at to ended_at), +1 rated
-- (+1 satisfied_back when 满意 / 基本满意) keyed at its instant for its unit, and the ticket's previous 回访 (prev_*)
-- taken back in the same columns, keyed at that 回访's instant for its unit. Nothing here changes hotline_event or the
-- capture and counter functions of migrations 152–198: the rating's deltas are added beside them.
--
-- unit_id: the unit holding the ticket at the rating (the unit of its latest event before it, as for a 回访).
-- active: no 回访 of this round came before the rating (prev_at, the latest 回访 before it, is of an earlier round:
--   before the rated reply). ended_at: the first 回访 at or after the rating (of this round or later), or the
--   requester's next rating, whichever first; null while neither exists.

ALTER TABLE ticket_citizen_rating
  ADD COLUMN unit_id        text,
  ADD COLUMN active         boolean NOT NULL DEFAULT false,
  ADD COLUMN ended_at       timestamptz,
  ADD COLUMN prev_unit      text,
  ADD COLUMN prev_at        timestamptz,
  ADD COLUMN prev_rated     int NOT NULL DEFAULT 0,
  ADD COLUMN prev_satisfied int NOT NULL DEFAULT 0;
CREATE INDEX ticket_citizen_rating_at_idx ON ticket_citizen_rating(rated_at);

-- What a rating row adds to the counters (its own count and the previous 回访's take-back, each from rated_at to ended_at).
CREATE FUNCTION hotline_rating_contrib(rs ticket_citizen_rating[])
RETURNS TABLE (unit_id text, key_at timestamptz, step_at timestamptz, rated int, satisfied_back int)
LANGUAGE sql AS $$
  SELECT r.unit_id, r.rated_at, s.at, s.d, s.d * ((r.rating IN ('satisfied', 'basically_satisfied')) IS TRUE)::int
    FROM unnest(rs) r CROSS JOIN LATERAL (VALUES (r.rated_at, 1), (r.ended_at, -1)) s(at, d)
   WHERE r.active AND r.unit_id IS NOT NULL AND s.at IS NOT NULL
  UNION ALL
  SELECT r.prev_unit, r.prev_at, s.at, -s.d * r.prev_rated, -s.d * r.prev_satisfied
    FROM unnest(rs) r CROSS JOIN LATERAL (VALUES (r.rated_at, 1), (r.ended_at, -1)) s(at, d)
   WHERE r.active AND r.prev_unit IS NOT NULL AND s.at IS NOT NULL
$$;

CREATE FUNCTION hotline_rating_emit(rs ticket_citizen_rating[], sg int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO hotline_kpi_delta (unit_id, key_at, step_at, rated, satisfied_back)
  SELECT c.unit_id, c.key_at, c.step_at, sg * sum(c.rated), sg * sum(c.satisfied_back)
    FROM hotline_rating_contrib(rs) c
   GROUP BY c.unit_id, c.key_at, c.step_at
  HAVING sum(c.rated) <> 0 OR sum(c.satisfied_back) <> 0
$$;

-- A new rating: its unit, whether it counts, the previous 回访 it replaces and (when already known) its end.
CREATE FUNCTION hotline_rating_before_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  f hotline_event;
BEGIN
  NEW.unit_id := (SELECT h.unit_id FROM hotline_event h WHERE h.item_id = NEW.item_id AND h.at <= NEW.rated_at ORDER BY h.seq DESC LIMIT 1);
  SELECT * INTO f FROM hotline_event h WHERE h.item_id = NEW.item_id AND h.event = 'follow_up' AND h.at < NEW.rated_at ORDER BY h.seq DESC LIMIT 1;
  NEW.active := f.seq IS NULL OR f.at < NEW.reply_at;
  IF NEW.active AND f.seq IS NOT NULL THEN
    NEW.prev_unit := f.unit_id;
    NEW.prev_at := f.at;
    NEW.prev_rated := (f.rating IS NOT NULL)::int;
    NEW.prev_satisfied := ((f.rating IN ('satisfied', 'basically_satisfied')) IS TRUE)::int;
  ELSE
    NEW.prev_unit := NULL;
    NEW.prev_at := NULL;
    NEW.prev_rated := 0;
    NEW.prev_satisfied := 0;
  END IF;
  NEW.ended_at := least(
    (SELECT min(h.at) FROM hotline_event h WHERE h.item_id = NEW.item_id AND h.event = 'follow_up' AND h.at >= NEW.rated_at AND h.at >= NEW.reply_at),
    (SELECT min(c.rated_at) FROM ticket_citizen_rating c WHERE c.item_id = NEW.item_id AND c.rated_at > NEW.rated_at));
  RETURN NEW;
END
$$;

-- Counted: its deltas; the ticket's earlier rating still counting ends at this one.
CREATE FUNCTION hotline_rating_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM hotline_rating_emit(ARRAY[NEW], 1);
  UPDATE ticket_citizen_rating c SET ended_at = NEW.rated_at
   WHERE c.item_id = NEW.item_id AND c.rated_at < NEW.rated_at AND c.active AND (c.ended_at IS NULL OR c.ended_at > NEW.rated_at);
  RETURN NULL;
END
$$;

-- A changed rating row (its end learnt): the old contribution taken back, the new one added.
CREATE FUNCTION hotline_rating_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD.unit_id, OLD.active, OLD.ended_at, OLD.rated_at, OLD.rating, OLD.prev_unit, OLD.prev_at, OLD.prev_rated, OLD.prev_satisfied)
     IS DISTINCT FROM (NEW.unit_id, NEW.active, NEW.ended_at, NEW.rated_at, NEW.rating, NEW.prev_unit, NEW.prev_at, NEW.prev_rated, NEW.prev_satisfied) THEN
    PERFORM hotline_rating_emit(ARRAY[OLD], -1);
    PERFORM hotline_rating_emit(ARRAY[NEW], 1);
  END IF;
  RETURN NULL;
END
$$;

-- A 回访 captured (hotline_event insert): the ratings of its ticket still counting end at it.
CREATE FUNCTION hotline_rating_on_follow_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.event = 'follow_up') THEN
    RETURN NULL;
  END IF;
  UPDATE ticket_citizen_rating c SET ended_at = x.at
    FROM (SELECT r.item_id, r.reply_at, min(n.at) AS at
            FROM new_rows n JOIN ticket_citizen_rating r ON r.item_id = n.item_id
           WHERE n.event = 'follow_up' AND r.active AND n.at >= r.rated_at AND n.at >= r.reply_at
           GROUP BY r.item_id, r.reply_at) x
   WHERE c.item_id = x.item_id AND c.reply_at = x.reply_at AND (c.ended_at IS NULL OR c.ended_at > x.at);
  RETURN NULL;
END
$$;

-- The ratings given before, filled in and counted at once, before the triggers exist: what taking them again one by
-- one in their order (rated_at, item_id) through the triggers below would leave (this was such a loop until
-- 2026-12-03). A rating's unit, active and prev_* come from hotline_event alone; its ended_at is the first 回访 at or
-- after it and its reply, and, when it counts (active), the ticket's next rating if earlier (the later rating's
-- insert ends it; an inactive one is never ended so). Its deltas: its contributions as the rows stand, the sums that
-- the loop's insert and update deltas come to. test/http/hotline-kpis-rating.test.ts checks these columns against
-- ratings inserted through the triggers.
CREATE FUNCTION hotline_rating_columns() RETURNS TABLE (item_id text, reply_at timestamptz, unit_id text, active boolean, ended_at timestamptz,
  prev_unit text, prev_at timestamptz, prev_rated int, prev_satisfied int) LANGUAGE sql STABLE AS $$
  SELECT r.item_id, r.reply_at, u.unit_id, a.active,
         CASE WHEN a.active THEN least(nf.at, nr.at) ELSE nf.at END,
         CASE WHEN a.active THEN f.unit_id END, CASE WHEN a.active THEN f.at END,
         CASE WHEN a.active THEN (f.rating IS NOT NULL)::int ELSE 0 END,
         CASE WHEN a.active THEN ((f.rating IN ('satisfied', 'basically_satisfied')) IS TRUE)::int ELSE 0 END
    FROM ticket_citizen_rating r
    LEFT JOIN LATERAL (SELECT h.unit_id FROM hotline_event h WHERE h.item_id = r.item_id AND h.at <= r.rated_at ORDER BY h.seq DESC LIMIT 1) u ON true
    LEFT JOIN LATERAL (SELECT h.seq, h.at, h.unit_id, h.rating FROM hotline_event h
                        WHERE h.item_id = r.item_id AND h.event = 'follow_up' AND h.at < r.rated_at ORDER BY h.seq DESC LIMIT 1) f ON true
    CROSS JOIN LATERAL (SELECT f.seq IS NULL OR f.at < r.reply_at AS active) a
    CROSS JOIN LATERAL (SELECT min(h.at) AS at FROM hotline_event h WHERE h.item_id = r.item_id AND h.event = 'follow_up' AND h.at >= r.rated_at AND h.at >= r.reply_at) nf
    CROSS JOIN LATERAL (SELECT min(c.rated_at) AS at FROM ticket_citizen_rating c WHERE c.item_id = r.item_id AND c.rated_at > r.rated_at) nr
$$;

UPDATE ticket_citizen_rating r SET unit_id = x.unit_id, active = x.active, ended_at = x.ended_at, prev_unit = x.prev_unit, prev_at = x.prev_at,
       prev_rated = x.prev_rated, prev_satisfied = x.prev_satisfied
  FROM hotline_rating_columns() x WHERE x.item_id = r.item_id AND x.reply_at = r.reply_at;
SELECT hotline_rating_emit(ARRAY(SELECT c FROM ticket_citizen_rating c), 1);

CREATE TRIGGER hotline_rating_before_insert BEFORE INSERT ON ticket_citizen_rating FOR EACH ROW EXECUTE FUNCTION hotline_rating_before_insert();
CREATE TRIGGER hotline_rating_after_insert AFTER INSERT ON ticket_citizen_rating FOR EACH ROW EXECUTE FUNCTION hotline_rating_after_insert();
CREATE TRIGGER hotline_rating_after_update AFTER UPDATE ON ticket_citizen_rating FOR EACH ROW EXECUTE FUNCTION hotline_rating_after_update();
CREATE TRIGGER hotline_rating_on_follow_up AFTER INSERT ON hotline_event REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_rating_on_follow_up();

-- A deleted rating (no route deletes one; tests and repairs might) takes its own counts back.
CREATE FUNCTION hotline_rating_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM hotline_rating_emit(ARRAY[OLD], -1);
  RETURN NULL;
END
$$;
CREATE TRIGGER hotline_rating_after_delete AFTER DELETE ON ticket_citizen_rating FOR EACH ROW EXECUTE FUNCTION hotline_rating_after_delete();
