-- Ticket search by number (工单编号, issue 9): a query that looks like a ticket number, or part of one
-- (GD-2026-000123, GD-2026, 2026-000123, 000123), is looked up through these two indexes instead of reading every
-- ticket (before: `number ILIKE '%…%'` over all of them). A start of a number is a range of the first, an end of one
-- a range of the second (the number reversed); both are byte order (COLLATE "C", so a range is the same as a LIKE
-- prefix whatever the database's collation), and only tickets (item.kind = 'ticket') are in them.
-- ticket-search.repo.ts ticketNumberSql writes the ranges; tickets.repo.ts searchTicketRows combines them with the
-- word search.
CREATE INDEX item_ticket_number_c_idx ON item ((number COLLATE "C")) WHERE kind = 'ticket';
CREATE INDEX item_ticket_number_reverse_idx ON item ((reverse(number) COLLATE "C")) WHERE kind = 'ticket';
