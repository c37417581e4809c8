-- Ticket search, wide windows made cheap (issue 9): besides the UTC day term of migration 142 ('~d' and the days since
-- 1970-01-01), each ticket is indexed under the 32-day span holding that day ('~m' and the day number divided by 32).
-- A window of many days asked as many day terms made the index walk every ticket of those days (the day terms are
-- the rarest entries, so the index drives its scan by them: 90,000 tickets for 30 days of the bench's 1M); asked as
-- the one or few spans covering it, the spans are commoner than the query's rarest word, so the index walks that
-- word's list as it does for all days, and only the matches of those spans are read from the table.
CREATE FUNCTION ticket_search_spans(words tsvector, received timestamptz) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT words || array_to_tsvector(ARRAY['~d' || floor(extract(epoch FROM received) / 86400)::bigint::text,
                                                  '~m' || floor(extract(epoch FROM received) / 2764800)::bigint::text]) $$;
DROP INDEX ticket_search_days_idx;
DROP FUNCTION ticket_search_terms(tsvector, timestamptz);
CREATE INDEX ticket_search_spans_idx ON ticket USING gin (ticket_search_spans(search_vector, received_at));
