-- Hot spots (未诉先办, src/domain/tickets/hot-spots.ts): a place (street or district) and category whose recent
-- tickets rose over the baseline. One row per episode: while the rise lasts (a later detection whose recent window
-- overlaps the row's) the row is updated and its tickets added, so the centre and units are told once.
CREATE TABLE hot_spot (
  id              text PRIMARY KEY,
  episode_key     text NOT NULL UNIQUE,            -- place|category|first detection date: two detections at once write one row
  place_unit_id   text NOT NULL REFERENCES unit(id),
  category_code   text NOT NULL,
  recent_from     timestamptz NOT NULL,            -- the recent window of the latest detection
  recent_to       timestamptz NOT NULL,
  recent_count    int NOT NULL,
  baseline_count  int NOT NULL,                    -- tickets in the baseline window before recent_from
  expected        double precision NOT NULL,       -- baseline scaled to the recent window's length
  ratio           double precision NOT NULL,
  detected_at     timestamptz NOT NULL,            -- first detection
  updated_at      timestamptz NOT NULL
);
CREATE INDEX hot_spot_place_idx ON hot_spot (place_unit_id, category_code, recent_to);
CREATE INDEX hot_spot_recent_idx ON hot_spot (recent_to);

-- The tickets behind a hot spot.
CREATE TABLE hot_spot_ticket (
  hot_spot_id  text NOT NULL REFERENCES hot_spot(id),
  item_id      text NOT NULL REFERENCES item(id),
  PRIMARY KEY (hot_spot_id, item_id)
);
CREATE INDEX hot_spot_ticket_item_idx ON hot_spot_ticket (item_id);
