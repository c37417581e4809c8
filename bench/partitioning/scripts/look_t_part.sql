\set n random(1, 360000)
SELECT * FROM t_part WHERE item_id = (SELECT item_id FROM ids WHERE n = :n);
