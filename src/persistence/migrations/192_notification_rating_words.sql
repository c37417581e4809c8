-- Notifications about a 回访 said the rating's code ("回访：unsatisfied，未解决"): the effect that writes them now says
-- the word (满意 / 基本满意 / 不满意, src/domain/tickets/ratings.ts); the stored ones are rewritten to match.
-- The longer codes first: "回访：basically_satisfied" and "回访：unsatisfied" both end in "satisfied".
UPDATE notification
   SET body = replace(replace(replace(body,
         '回访：basically_satisfied', '回访：基本满意'),
         '回访：unsatisfied', '回访：不满意'),
         '回访：satisfied', '回访：满意')
 WHERE body LIKE '%回访：%satisfied%';
