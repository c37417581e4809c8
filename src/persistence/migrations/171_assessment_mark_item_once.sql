-- A progress report marks its item dirty for the assessment once, and a 催办 not at all (issue 7, lean write path;
-- docs/write-path.md "Where a report's and a 催办's time goes").
--
-- Before: the statement-level AFTER UPDATE trigger on item (migration 116, assessment_mark_changed_items) copied
-- every updated row, old and new, into transition tables, entered PL/pgSQL and joined them to queue the items
-- whose assessed columns changed, comparing the WHOLE snapshot. Every event rewrites the snapshot (history
-- counters, the report clock, reminders), so every report and every 催办 queued its item: a report twice (this
-- trigger and the progress_report INSERT's), 64–127 µs of backend time per report for this trigger alone (load
-- 10–14), a 催办 74–381 µs to queue an item whose assessment had not changed.
--
-- The assessment reads of the snapshot only the due clock (`clocks.due`: startedAt, stoppedAt; assess-units.ts
-- finishedAtOf, assessment-contrib.ts firstReport) and the reported measures (`data.measures`: targetsOf). Now a
-- ROW-level trigger whose WHEN compares exactly the columns the old function compared, with the snapshot narrowed
-- to those two parts. PostgreSQL evaluates WHEN in the executor for each updated row: when it is false no
-- trigger event is queued, no transition table is kept and no PL/pgSQL runs. A report (its own INSERT into
-- progress_report still queues the item, migration 116's assessment_report_ins) marks the item once; a 催办 marks
-- nothing; a state change, a due date, a stopped clock or reported measures mark it as before. A bulk UPDATE of
-- many items now runs the function once per changed row (one single-row INSERT each) instead of one join of the
-- transition tables, which on 25,812 rows once ran for minutes (docs/scaling.md). The name stays, so scripts that
-- switch it by name (scripts/measure-assessment-trigger.ts) still do.
--
-- If the assessment comes to read another part of the snapshot, add it to the WHEN below
-- (test/perf-shape/assessment-marks.test.ts lists what the assessment reads).

DROP TRIGGER assessment_item_upd ON item;

CREATE FUNCTION assessment_mark_item_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assessment_dirty (item_id) VALUES (NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER assessment_item_upd AFTER UPDATE ON item FOR EACH ROW
  WHEN ((NEW.state, NEW.state_type, NEW.due_date, NEW.created_at, NEW.closed_at, NEW.number, NEW.kind, NEW.data,
         NEW.snapshot -> 'clocks' -> 'due', NEW.snapshot -> 'data' -> 'measures')
        IS DISTINCT FROM
        (OLD.state, OLD.state_type, OLD.due_date, OLD.created_at, OLD.closed_at, OLD.number, OLD.kind, OLD.data,
         OLD.snapshot -> 'clocks' -> 'due', OLD.snapshot -> 'data' -> 'measures'))
  EXECUTE FUNCTION assessment_mark_item_row();

-- migration 116's statement-level function is no longer called by any trigger.
DROP FUNCTION assessment_mark_changed_items();
