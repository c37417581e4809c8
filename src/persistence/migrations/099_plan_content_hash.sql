-- The same document imported twice (by content, whatever its file name or spacing) is told to the clerk:
-- sha256 of the decoded text without whitespace. Rows from before have none and match nothing.
ALTER TABLE plan ADD COLUMN content_hash text;
CREATE INDEX plan_content_hash_idx ON plan (content_hash) WHERE content_hash IS NOT NULL;
