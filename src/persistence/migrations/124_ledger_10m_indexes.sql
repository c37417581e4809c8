-- Ledger (台账) reads at 10M generated items (issue 7.3; scripts/measure-reads.ts on duban_gen10m, figures in
-- BENCHMARKS.md "Reads at 10M items").
--
-- A kind's items in number order: the ledger's `kind` filter (alone, with a cursor at any depth) and the 台账
-- .xlsx export, which pages a kind by keyset (assessment.repo.ts pageAssessedItems). Without it both walk every
-- item in number order and drop the other kind's: 5 rows read per task at four tickets in five.
CREATE INDEX item_kind_number_idx ON item (kind, number);

-- Items not closed (open or waiting) in number order: the `overdue` filter (`state_type <> 'closed' AND due_date
-- < today`), which no (state_type, number) range answers in order (two ranges), and which otherwise sorts every
-- overdue item or walks all 10M items for the few percent still open.
CREATE INDEX item_unclosed_number_idx ON item (number) INCLUDE (due_date, kind) WHERE state_type <> 'closed';
