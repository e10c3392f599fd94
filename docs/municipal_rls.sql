-- Row-level security for municipal analysts: an example to adapt.
--
--   psql -v views=kpi -v pub=kpi_municipal -f docs/municipal_rls.sql
--
-- RLS applies to tables, not to views, and the KPI views run with their
-- owner's rights, so analysts get a published TABLE of the municipality and
-- organisation rows of every indicator (as the views publish them: small
-- cells suppressed), and a policy lets each analyst see only the
-- municipalities listed for them in analyst_scope.  Analysts need no
-- privilege on the mart or the views.  Refresh the table from the weekly job
-- (the last statement below, with the week to publish).
\set ON_ERROR_STOP on
\if :{?views}
\else
\set views kpi
\endif
\if :{?pub}
\else
\set pub kpi_municipal
\endif

CREATE SCHEMA :"pub";
CREATE ROLE municipal_analysts NOLOGIN;   -- grant it to each analyst's login role
COMMENT ON ROLE municipal_analysts IS 'Municipal analysts: read their own municipalities in the published KPI table.';

CREATE TABLE :"pub".analyst_scope (
    analyst         name NOT NULL,
    municipality_id bigint NOT NULL,
    PRIMARY KEY (analyst, municipality_id)
);
COMMENT ON TABLE :"pub".analyst_scope IS 'Which municipalities each analyst (login role) may see.';

CREATE TABLE :"pub".municipal_indicators AS
SELECT indicator, week_start, platform, level, region_code, municipality_id, municipality_name,
       org_kind, org_id, org_name, numerator, denominator, share, suppressed
FROM :"views".all_indicators
WHERE false;
CREATE INDEX ON :"pub".municipal_indicators (municipality_id, week_start);
COMMENT ON TABLE :"pub".municipal_indicators IS 'Municipality and organisation rows of every indicator, published weekly; each analyst sees their own municipalities (row-level security).';

ALTER TABLE :"pub".analyst_scope ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_scope ON :"pub".analyst_scope FOR SELECT USING (analyst = current_user);
ALTER TABLE :"pub".municipal_indicators ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_municipalities ON :"pub".municipal_indicators FOR SELECT
    USING (municipality_id IN (SELECT s.municipality_id FROM :"pub".analyst_scope s WHERE s.analyst = current_user));

GRANT USAGE ON SCHEMA :"pub" TO municipal_analysts;
GRANT SELECT ON :"pub".analyst_scope, :"pub".municipal_indicators TO municipal_analysts;

-- The weekly refresh (run it as the owner, e.g. from pg_cron after snapshot_week):
--   DELETE FROM kpi_municipal.municipal_indicators WHERE week_start = '2025-11-10';
--   INSERT INTO kpi_municipal.municipal_indicators
--   SELECT indicator, week_start, platform, level, region_code, municipality_id, municipality_name,
--          org_kind, org_id, org_name, numerator, denominator, share, suppressed
--   FROM kpi.all_indicators
--   WHERE week_start = '2025-11-10' AND level IN ('municipality', 'organisation') AND municipality_id IS NOT NULL;
