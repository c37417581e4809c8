-- A progress report queues its item for the assessment with a row trigger instead of a statement trigger over a
-- transition table (issue 7, lean write path; docs/write-path.md).
--
-- Since migration 171 the report's own row is what queues its item (the item's UPDATE in the same statement no
-- longer does). Migration 116's assessment_report_ins was FOR EACH STATEMENT with REFERENCING NEW TABLE: for the
-- one row a report inserts, PostgreSQL kept a tuplestore of it and the function ran `SELECT DISTINCT item_id FROM
-- new_rows` through SPI. A row trigger inserting NEW.item_id does the same for a single row with less: measured in
-- one backend (20,000 single-row INSERTs per variant, a PL/pgSQL loop, alternated three times, load 14–15), 60–80 µs
-- per insert with the statement trigger against 25–50 µs with the row trigger above the same insert without one.
-- A statement inserting many reports of one item now queues it once per row (the drain takes distinct ids,
-- takeDirty); reports are written one per event, and the generator loads them with triggers off.
-- DELETE and UPDATE of progress_report keep their statement triggers (rare, and often many rows at once).

DROP TRIGGER assessment_report_ins ON progress_report;

CREATE FUNCTION assessment_mark_report_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_dirty (item_id) VALUES (NEW.item_id);
  RETURN NULL;
END $$;

CREATE TRIGGER assessment_report_ins AFTER INSERT ON progress_report FOR EACH ROW EXECUTE FUNCTION assessment_mark_report_row();
