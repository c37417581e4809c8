\set n random(1, 360000)
SELECT item_id FROM ids WHERE n = :n \gset
SELECT * FROM t_plain WHERE item_id = :item_id;
