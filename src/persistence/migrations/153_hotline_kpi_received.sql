-- 12345 KPIs from maintained counters, the tickets' side (issue 7.3): tickets received per China-time day, by
-- category code (dim 'c': every ticket once, so also the day's total) and by place unit (dim 'p': tickets with a
-- place). Writers append deltas (statement triggers on ticket with transition tables); the job folds them into days
-- (src/persistence/hotline-kpi-agg.repo.ts). A ticket's contribution is a function of its own row (received_at,
-- category_code, place_unit_id), so inserts, updates and deletes are all counted exactly.

CREATE TABLE hotline_recv_delta (
  id            bigserial PRIMARY KEY,
  received_at   timestamptz NOT NULL,
  dim           text NOT NULL CHECK (dim IN ('c', 'p')),
  code          text NOT NULL,
  n             int NOT NULL
);
CREATE INDEX hotline_recv_delta_at_idx ON hotline_recv_delta(received_at);

CREATE TABLE hotline_recv_day (
  day           date NOT NULL,
  dim           text NOT NULL,
  code          text NOT NULL,
  n             bigint NOT NULL,
  PRIMARY KEY (day, dim, code)
);

-- The backfill of the tickets that existed when this migration queued them, in item_id order: rows up to tk_done
-- are counted; rows after it are counted by the backfill, except those written since (hotline_recv_seen), which
-- the triggers count. tk_complete: nothing left to count.
ALTER TABLE hotline_kpi_state ADD COLUMN tk_done text NOT NULL DEFAULT '', ADD COLUMN tk_complete boolean NOT NULL DEFAULT false;
UPDATE hotline_kpi_state SET tk_complete = NOT EXISTS (SELECT 1 FROM ticket);
CREATE TABLE hotline_recv_seen (item_id text PRIMARY KEY);

CREATE FUNCTION hotline_recv_emit(rs ticket[], sg int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF cardinality(rs) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO hotline_recv_delta (received_at, dim, code, n)
  SELECT r.received_at, 'c', r.category_code, sg FROM unnest(rs) r
  UNION ALL
  SELECT r.received_at, 'p', r.place_unit_id, sg FROM unnest(rs) r WHERE r.place_unit_id IS NOT NULL;
END
$$;

-- Whether the triggers count this ticket (the backfill has passed it, or it was written since the queue).
CREATE FUNCTION hotline_recv_counted(s hotline_kpi_state, tid text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT s.id IS NULL OR s.tk_complete OR tid <= s.tk_done OR EXISTS (SELECT 1 FROM hotline_recv_seen x WHERE x.item_id = tid)
$$;

CREATE FUNCTION hotline_recv_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s hotline_kpi_state;
BEGIN
  SELECT * INTO s FROM hotline_kpi_state WHERE id = 1;
  IF s.id IS NOT NULL AND NOT s.tk_complete THEN
    INSERT INTO hotline_recv_seen (item_id) SELECT n.item_id FROM new_rows n WHERE n.item_id > s.tk_done ON CONFLICT DO NOTHING;
  END IF;
  PERFORM hotline_recv_emit(ARRAY(SELECT n::ticket FROM new_rows n), 1);
  RETURN NULL;
END
$$;

CREATE FUNCTION hotline_recv_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s hotline_kpi_state;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (item_id)
                 WHERE o.received_at <> n.received_at OR o.category_code <> n.category_code OR o.place_unit_id IS DISTINCT FROM n.place_unit_id) THEN
    RETURN NULL;
  END IF;
  SELECT * INTO s FROM hotline_kpi_state WHERE id = 1;
  PERFORM hotline_recv_emit(ARRAY(SELECT o::ticket FROM old_rows o WHERE hotline_recv_counted(s, o.item_id)), -1);
  PERFORM hotline_recv_emit(ARRAY(SELECT n::ticket FROM new_rows n WHERE hotline_recv_counted(s, n.item_id)), 1);
  RETURN NULL;
END
$$;

CREATE FUNCTION hotline_recv_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  s hotline_kpi_state;
BEGIN
  SELECT * INTO s FROM hotline_kpi_state WHERE id = 1;
  PERFORM hotline_recv_emit(ARRAY(SELECT o::ticket FROM old_rows o WHERE hotline_recv_counted(s, o.item_id)), -1);
  RETURN NULL;
END
$$;

CREATE TRIGGER hotline_recv_insert AFTER INSERT ON ticket REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_recv_on_insert();
CREATE TRIGGER hotline_recv_update AFTER UPDATE ON ticket REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_recv_on_update();
CREATE TRIGGER hotline_recv_delete AFTER DELETE ON ticket REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hotline_recv_on_delete();
