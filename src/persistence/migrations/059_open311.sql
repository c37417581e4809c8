-- Open311 GeoReport v2 (issue 6): what a GeoReport client sends that the ticket row has no column for.
-- One row per ticket received through /open311/v2/requests that carried a media_url (a link to a photo).
CREATE TABLE open311_request (
  item_id     text PRIMARY KEY REFERENCES item(id),
  media_url   text,
  created_at  timestamptz NOT NULL
);
