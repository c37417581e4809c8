-- Shared work (分解落实 and several 牵头单位), issue 8.2.
-- A child copy of a task made for one unit when a collective name (各街道, 市直各部门 …) is expanded points at
-- the task it was split from; the parent shows its children's progress.
ALTER TABLE item ADD COLUMN parent_id text REFERENCES item(id);
CREATE INDEX item_parent_idx ON item(parent_id) WHERE parent_id IS NOT NULL;

-- Each lead unit's own share of an item that has several (each a full owner): when it accepted (签收) and when it
-- reported its part finished (报办结). The item advances when the last lead has taken the step.
CREATE TABLE item_share (
  item_id      text NOT NULL REFERENCES item(id),
  unit_id      text NOT NULL REFERENCES unit(id),
  accepted_at  timestamptz,
  finished_at  timestamptz,
  PRIMARY KEY (item_id, unit_id)
);
