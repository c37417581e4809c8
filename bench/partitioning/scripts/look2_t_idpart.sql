\set n random(1, 360000)
SELECT item_id FROM ids7 WHERE n = :n \gset
SELECT * FROM t_idpart WHERE item_id = :item_id;
