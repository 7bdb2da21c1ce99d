BEGIN; INSERT INTO t (flow, step, body) VALUES ('f', 1, repeat('x', 200)); COMMIT;
BEGIN; INSERT INTO t (flow, step, body) VALUES ('f', 2, repeat('x', 200)); COMMIT;
BEGIN; INSERT INTO t (flow, step, body) VALUES ('f', 3, repeat('x', 200)); COMMIT;
BEGIN; INSERT INTO t (flow, step, body) VALUES ('f', 4, repeat('x', 200)); COMMIT;
