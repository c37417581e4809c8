-- 约谈 / 问责 / 通报 as records a 督查室 keeps: what was held or decided, when, with whom, the outcome and
-- the papers (the item's own attachments). The ladder only reminds that the step is due; this is its record.
CREATE TABLE supervision_record (
  id              text PRIMARY KEY,
  item_id         text NOT NULL REFERENCES item(id),
  kind            text NOT NULL CHECK (kind IN ('interview','accountability','bulletin')),
  held_on         date NOT NULL,
  unit_ids        text[] NOT NULL,
  people          text NOT NULL,
  outcome         text NOT NULL,
  attachment_ids  text[] NOT NULL DEFAULT '{}',
  created_by      text,
  created_at      timestamptz NOT NULL
);
CREATE INDEX supervision_record_item_idx ON supervision_record (item_id, held_on);
