\set n random(1, 360000)
UPDATE t_part SET citizen_rating = 'satisfied', rated_at = now() WHERE item_id = (SELECT item_id FROM ids WHERE n = :n);
