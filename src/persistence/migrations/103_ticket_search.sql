-- Chinese ticket search (工单检索): jieba's words of a ticket's title, content and address (search mode, so that a
-- long word also yields its shorter words: 垃圾桶 → 垃圾, 垃圾桶) stored as a tsvector under the 'simple'
-- configuration, which keeps the words as they are; the same on PostgreSQL and PGlite. Segmentation runs in Node,
-- so the words are written after intake: null marks a ticket not yet indexed, and the app indexes those (a bounded
-- batch) before a search and at start, found through the partial index below.
ALTER TABLE ticket ADD COLUMN search_vector tsvector;
CREATE INDEX ticket_search_idx ON ticket USING gin (search_vector);
CREATE INDEX ticket_search_pending_idx ON ticket (received_at) WHERE search_vector IS NULL;
