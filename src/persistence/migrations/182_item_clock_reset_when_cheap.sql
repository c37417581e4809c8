-- item_clock_reset's WHEN compares the parts the tick reads by extraction instead of rebuilding the snapshot
-- (issue 7, lean write path; docs/write-path.md "Triggers made cheap").
--
-- Migration 180's WHEN compared the snapshot and the data with `counters` and `lastReportAt` deleted: six jsonb
-- rebuilds (`-`) per updated row, every event. Measured in one backend (5,000 single-row item updates with a commit
-- each, alternated, PostgreSQL, load 6.5–7.5): none 164–192 µs, 169's trigger firing 172–210 µs, 180's WHEN 226–264 µs
-- per update; and in a scan of 100,000 compressed snapshots ~40 µs per evaluation against ~10 µs for plain
-- extractions. The WHEN cost more than the trigger call it avoided.
--
-- Now it compares exactly what the tick reads to compute a next-fire time (supervise-tick.ts superviseItem,
-- snapshotOf, next-fire.ts; clock.ts resolveLimit/computeDueAt): the state and state type, the due date, the item's
-- cadence (`data.cadence`), the snapshot's kind, kind version, state and clocks, and the snapshot data's fields that
-- clock limits read: `due` (`limit: { field: 'due' }`) and `limits` (`fromData: 'limits.accept'` …). Each is a `->`
-- (no rebuild, NULL for a missing key or a scalar, never an error). A report (counters, data.lastReportAt, measures)
-- and a 催办 (counters) change none of them. If a kind's clock comes to read another data field, or the tick reads
-- more of the item, add it here: test/perf-shape/item-clock-reset.test.ts checks the kinds' limit fields against
-- this WHEN.

DROP TRIGGER item_clock_reset ON item;

CREATE TRIGGER item_clock_reset AFTER UPDATE OF state, state_type, snapshot, data, due_date ON item FOR EACH ROW
  WHEN ((NEW.state, NEW.state_type, NEW.due_date, NEW.data -> 'cadence',
         NEW.snapshot -> 'kind', NEW.snapshot -> 'kindVersion', NEW.snapshot -> 'state', NEW.snapshot -> 'clocks',
         NEW.snapshot -> 'data' -> 'due', NEW.snapshot -> 'data' -> 'limits')
        IS DISTINCT FROM
        (OLD.state, OLD.state_type, OLD.due_date, OLD.data -> 'cadence',
         OLD.snapshot -> 'kind', OLD.snapshot -> 'kindVersion', OLD.snapshot -> 'state', OLD.snapshot -> 'clocks',
         OLD.snapshot -> 'data' -> 'due', OLD.snapshot -> 'data' -> 'limits'))
  EXECUTE FUNCTION item_clock_reset();
