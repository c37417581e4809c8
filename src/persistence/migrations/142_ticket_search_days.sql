-- Ticket search finds the newest matches without reading every match (issue 9: p95 ≤ 50 ms on 1M tickets). The GIN
-- index is rebuilt over the ticket's words plus one term for the UTC day it was received ('~d' and the days since
-- 1970-01-01, a term no text yields: words keep only letters and digits). A search asks first for its words within
-- the newest days (the words AND any of those days' terms: one index scan that reads only the matches of those days
-- from the table), widening the days at the rate matches showed, and only then over all days; before, every match
-- of a common word was read from the table to find the newest 300 (tickets.repo.ts searchTicketRows).
-- An expression index rather than a stored term: every writer of search_vector (intake's indexing, generators) is
-- covered as it is, and existing rows need no rewrite. extract(epoch …) is the same in every time zone, so the
-- function is immutable in fact though date_part on timestamptz is declared stable.
CREATE FUNCTION ticket_search_terms(words tsvector, received timestamptz) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT words || array_to_tsvector(ARRAY['~d' || floor(extract(epoch FROM received) / 86400)::bigint::text]) $$;
DROP INDEX ticket_search_idx;
CREATE INDEX ticket_search_days_idx ON ticket USING gin (ticket_search_terms(search_vector, received_at));
