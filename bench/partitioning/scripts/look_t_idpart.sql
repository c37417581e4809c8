\set n random(1, 360000)
SELECT * FROM t_idpart WHERE item_id = (SELECT item_id FROM ids7 WHERE n = :n);
