\set p random(1, 50000)
INSERT INTO t_part (item_id, channel, category_code, urgency, requester_phone, address, place_unit_id, content, received_at) VALUES (gen_random_uuid()::text, 'phone', 'C1', 'normal', '139' || :p, '建设路' || :p || '号', 'u1', '路灯坏了', now());
