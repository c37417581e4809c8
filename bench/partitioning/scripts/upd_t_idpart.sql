\set n random(1, 360000)
UPDATE t_idpart SET citizen_rating = 'satisfied', rated_at = now() WHERE item_id = (SELECT item_id FROM ids7 WHERE n = :n);
