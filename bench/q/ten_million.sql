-- One group of 10 million distinct persons (memory per person), ids spread over the
-- bigint range.  Two small generate_series instead of one big one, so that no
-- 10-million-row tuplestore sits in the backend's memory next to the state; the
-- constant group key keeps a HashAggregate, whose EXPLAIN ANALYZE reports the
-- state's memory.
SELECT a < 0 AS one_group,
       sferum_kpi.weekly_active_ratio((a * 1000 + b) * 920000000001 - 4600000000000000000,
                                      (a * 1000 + b) % 20, 10, NULL) AS active
FROM generate_series(0, :persons_10m / 1000 - 1) a, generate_series(0, 999) b
GROUP BY 1;
