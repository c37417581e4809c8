/**
 * What the `peer` benchmark gives pgbench and the floor (bench/floor-server.mjs): the scratch database's tables and
 * the two pgbench scripts. Data only, so tests read the very scripts the benchmark runs without loading it.
 */
/** Tables shaped as duban's progress_report and audit_log (no hash chain), 10,000 items for the foreign key. */
export const PGBENCH_SCHEMA = `
CREATE TABLE item (id text PRIMARY KEY, title text NOT NULL);
INSERT INTO item SELECT 'item-' || g, '基准事项' || g FROM generate_series(1, 10000) g;
CREATE TABLE progress_report (
  id text PRIMARY KEY, item_id text NOT NULL REFERENCES item(id), unit_id text NOT NULL, period text, body text NOT NULL,
  target_values jsonb NOT NULL DEFAULT '[]', attachments jsonb NOT NULL DEFAULT '[]', on_time boolean NOT NULL DEFAULT true,
  reported_by text, reported_at timestamptz NOT NULL);
CREATE INDEX progress_report_item_idx ON progress_report(item_id);
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY, at timestamptz NOT NULL, actor_id text, action text NOT NULL, entity text NOT NULL, entity_id text,
  before jsonb, after jsonb);
CREATE TABLE one_row (id bigserial PRIMARY KEY, at timestamptz NOT NULL, v integer NOT NULL, note text);
`

/** One progress report and one audit row per transaction. */
export const PAIR_SCRIPT = `\\set item random(1, 10000)
BEGIN;
INSERT INTO progress_report (id, item_id, unit_id, period, body, target_values, reported_by, reported_at) VALUES (gen_random_uuid()::text, 'item-' || :item, 'unit-' || (:item % 40), '2026-12', '本月推进情况正常，已完成阶段目标。', '[{"metric": "完成率", "value": 50}]', 'bench-liaison', now());
INSERT INTO audit_log (at, actor_id, action, entity, entity_id, after) VALUES (now(), 'bench-liaison', 'item.report', 'item', 'item-' || :item, '{"event": "report_progress", "text": "本月推进情况正常"}');
END;
`
export const ONE_ROW_SCRIPT = `\\set v random(1, 1000000)
INSERT INTO one_row (at, v, note) VALUES (now(), :v, '一行');
`
