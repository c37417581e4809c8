-- The supervision tick's clock row is reset only when something the tick reads of the item moved (issue 7, lean
-- write path; docs/write-path.md "Triggers made cheap").
--
-- Before: item_clock_reset (migration 169) ran for every UPDATE OF state, state_type, snapshot, data, due_date, so
-- for every progress report and every 催办 (each rewrites the snapshot): a PL/pgSQL call and an upsert of item_clock
-- (its heap row and two index entries when not in place), 78–89 µs of backend time per request (track_functions,
-- load 4.5), 0.62 ms on PGlite (BENCHMARKS.md "PGlite: where a progress report's time goes").
--
-- What the tick reads to compute an item's next-fire time (src/app/supervision/supervise-tick.ts superviseItem,
-- next-fire.ts nextFireAt): its kind and kind version (snapshot), its clocks (snapshot.clocks), the clock limits'
-- fields (snapshot.data, e.g. `due`, `limits.accept`), its cadence (item.data), its due date, its state type (a
-- closed item has no row). What a report or a 催办 changes and the tick does not read: `counters` (count:reminders,
-- recordProgress's reports) and `data.lastReportAt` (recordProgress). Now a WHEN compares the same columns as
-- before with exactly those two parts left out; when it is false PostgreSQL queues nothing and runs no PL/pgSQL. A
-- report without reported measures and a 催办 leave the clock row as it was; a state change, a due date, a clock
-- started, stopped or moved, a changed field or cadence, reported measures (data.measures, left in: conservative)
-- still reset it, as before. If the tick comes to read a counter or lastReportAt, remove it from the WHEN.
--
-- The row's version then stays at the item's version of the last reset, older than the item's after such writes.
-- The tick's write (setNextFire, supervision.repo.ts) now takes `c.version <= EXCLUDED.version` instead of `=`: a
-- reset after the tick read the item wrote the item's newer version, so it is still kept; a write the tick need not
-- look at again no longer makes it throw its time away. Its join on the item at the version it read is unchanged.
--
-- An INSERT (a new item) has no OLD: its own trigger, without WHEN, as before.

DROP TRIGGER item_clock_reset ON item;

CREATE TRIGGER item_clock_reset_ins AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION item_clock_reset();

CREATE TRIGGER item_clock_reset AFTER UPDATE OF state, state_type, snapshot, data, due_date ON item FOR EACH ROW
  WHEN ((NEW.state, NEW.state_type, NEW.due_date,
         CASE WHEN jsonb_typeof(NEW.data) = 'object' THEN NEW.data - 'lastReportAt' ELSE NEW.data END,
         CASE WHEN jsonb_typeof(NEW.snapshot) = 'object' THEN NEW.snapshot - 'counters' - 'data' ELSE NEW.snapshot END,
         CASE WHEN jsonb_typeof(NEW.snapshot -> 'data') = 'object' THEN (NEW.snapshot -> 'data') - 'lastReportAt' ELSE NEW.snapshot -> 'data' END)
        IS DISTINCT FROM
        (OLD.state, OLD.state_type, OLD.due_date,
         CASE WHEN jsonb_typeof(OLD.data) = 'object' THEN OLD.data - 'lastReportAt' ELSE OLD.data END,
         CASE WHEN jsonb_typeof(OLD.snapshot) = 'object' THEN OLD.snapshot - 'counters' - 'data' ELSE OLD.snapshot END,
         CASE WHEN jsonb_typeof(OLD.snapshot -> 'data') = 'object' THEN (OLD.snapshot -> 'data') - 'lastReportAt' ELSE OLD.snapshot -> 'data' END))
  EXECUTE FUNCTION item_clock_reset();
