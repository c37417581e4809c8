\set n random(1, 360000)
SELECT item_id FROM ids WHERE n = :n \gset
UPDATE t_plain SET citizen_rating = 'satisfied', rated_at = now() WHERE item_id = :item_id;
