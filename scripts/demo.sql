-- Placeholder: to be replaced with the real demo.
SELECT extversion FROM pg_extension WHERE extname = 'sferum_kpi';
