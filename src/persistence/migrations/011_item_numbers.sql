-- Human item numbers (事项编号) such as DB-2026-0001: one counter per prefix and year, taken with a row lock
-- inside the creating transaction, so concurrent confirms never hand out the same number.
CREATE TABLE item_counter (
  prefix  text NOT NULL,
  year    int  NOT NULL,
  last    int  NOT NULL,
  PRIMARY KEY (prefix, year)
);

-- The ledger filters by plan and unit and sorts by number; attachments are listed per item.
CREATE INDEX attachment_item_idx ON attachment(item_id);
CREATE INDEX extension_request_item_idx ON extension_request(item_id);
