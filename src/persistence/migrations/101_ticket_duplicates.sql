-- Duplicate requests (重复诉求 / 并单), issue 9. A later ticket from the same requester (phone) or the same place
-- (normalised address, or coordinates within about 150 m), with similar text inside a window, is proposed for merging
-- into the earlier one (its primary); the operator merges it (the later ticket goes to 已并单 and shares the
-- primary's handling and reply) or dismisses the proposal. Candidates come from the indexes below, never a scan.

-- The address as duplicates compare it: lower case, full-width digits made ASCII, everything but digits, Latin
-- letters and Han characters dropped ('江滨路 1 号' and '江滨路１号' meet).
ALTER TABLE ticket ADD COLUMN address_key text
  GENERATED ALWAYS AS (regexp_replace(translate(lower(address), '０１２３４５６７８９', '0123456789'), '[^0-9a-z一-鿿]', '', 'g')) STORED;
CREATE INDEX ticket_address_key_idx ON ticket(address_key, received_at) WHERE address_key <> '';
CREATE INDEX ticket_phone_received_idx ON ticket(requester_phone, received_at) WHERE requester_phone IS NOT NULL;
CREATE INDEX ticket_lat_lng_idx ON ticket(lat, lng) WHERE lat IS NOT NULL;

-- A proposed merge: the later ticket (ticket_id) into the earlier one (primary_id), why and how similar.
CREATE TABLE ticket_duplicate (
  id               text PRIMARY KEY,
  ticket_id        text NOT NULL REFERENCES item(id),
  primary_id       text NOT NULL REFERENCES item(id),
  reasons          text[] NOT NULL,                 -- 'same_requester' (同一来电人), 'same_place' (同一地点)
  similarity       double precision NOT NULL CHECK (similarity >= 0 AND similarity <= 1),
  status           text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed','merged','dismissed')),
  proposed_at      timestamptz NOT NULL,
  proposed_by      text,                            -- null: found at intake
  decided_at       timestamptz,
  decided_by       text,
  decision_note    text,
  -- What the later ticket's requester is told on merge (recorded here; no requester channel sends it yet).
  requester_notice text,
  UNIQUE (ticket_id, primary_id),
  CHECK (ticket_id <> primary_id)
);
CREATE INDEX ticket_duplicate_primary_idx ON ticket_duplicate(primary_id, status);
CREATE INDEX ticket_duplicate_proposed_idx ON ticket_duplicate(proposed_at) WHERE status = 'proposed';

-- 多次重复诉求: a ticket whose requester asked the same thing at least twice before inside the window.
CREATE TABLE ticket_repeat (
  item_id     text PRIMARY KEY REFERENCES item(id),
  asks        int NOT NULL CHECK (asks >= 2),       -- this ticket and the earlier similar ones
  earlier     text[] NOT NULL,                       -- the earlier tickets' ids
  window_days int NOT NULL,
  flagged_at  timestamptz NOT NULL
);
