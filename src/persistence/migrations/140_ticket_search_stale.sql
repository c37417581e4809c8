-- Ticket search kept fresh after intake (issue 9): a write that changes what a ticket is searched by — the
-- handling's reply (答复 / 直接办结), which is indexed with the title, content and address, reaching every ticket
-- merged into it; a merge, after which the merged ticket shares its primary's reply — marks the ticket stale in its
-- own transaction. Its old words stay searchable; the words are recomputed (jieba runs in Node) before the next
-- search and in the background, exactly as for a ticket not yet indexed, found through the partial index below.
ALTER TABLE ticket ADD COLUMN search_stale boolean NOT NULL DEFAULT false;
CREATE INDEX ticket_search_stale_idx ON ticket (received_at) WHERE search_stale;
