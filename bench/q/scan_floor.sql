-- Bare scan floor: read every row and sum messages.
SELECT sum(messages) FROM bench_daily;
