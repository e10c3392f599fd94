--------------------------------------------------------------------------------
-- The forecast model, shared by the regional forecasts (sql/forecast.sql) and
-- the national ones (sql/national_forecast.sql): how many weeks the line is
-- fitted to (forecast_weeks), the t quantiles of its 80 % prediction interval
-- (forecast_t90), the SQL of the fit over the store's rows (forecast_fit_sql)
-- and of the projection to the stage's result week and the verdict
-- (forecast_verdict_sql).  The model itself is described at the top of
-- sql/forecast.sql and in docs/forecasts.md.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.forecast_weeks()
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    -- at least 3 weeks: a line through fewer has no scatter to judge it by; a
    -- school year has at most 53 weeks.  (plpgsql: quality_setting is created
    -- after this file.)
    RETURN @extschema@.quality_setting('sferum_kpi.forecast_weeks', 8, 3, 53);
END
$fn$;
COMMENT ON FUNCTION @extschema@.forecast_weeks() IS
'How many weeks with a share the forecasts fit their line to: the setting sferum_kpi.forecast_weeks (SET, ALTER ROLE/DATABASE ... SET, postgresql.conf), 8 when unset. A value that is not a whole number from 3 to 53 is an error (22023).';

CREATE FUNCTION @extschema@.forecast_t90(df integer)
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
-- Student's t quantiles (0.90, df degrees of freedom), to 8 significant digits
SELECT (ARRAY[3.0776835, 1.8856181, 1.6377444, 1.5332063, 1.4758840, 1.4397557, 1.4149239, 1.3968153,
              1.3830287, 1.3721836, 1.3634303, 1.3562173, 1.3501713, 1.3450304, 1.3406056, 1.3367572,
              1.3333794, 1.3303909, 1.3277282, 1.3253407, 1.3231879, 1.3212367, 1.3194602, 1.3178359,
              1.3163451, 1.3149719, 1.3137029, 1.3125268, 1.3114336, 1.3104150, 1.3094635, 1.3085728,
              1.3077371, 1.3069516, 1.3062118, 1.3055139, 1.3048544, 1.3042302, 1.3036386, 1.3030771,
              1.3025434, 1.3020355, 1.3015516, 1.3010901, 1.3006493, 1.3002280, 1.2998249, 1.2994389,
              1.2990688, 1.2987137, 1.2983727]::double precision[])[df]
$fn$;
COMMENT ON FUNCTION @extschema@.forecast_t90(integer) IS
'Internal: the 0.90 quantile of Student''s t distribution with df degrees of freedom (1 to 51; NULL otherwise), the factor of the forecasts'' 80 % two-sided prediction interval (df = weeks used - 2).';

-- The fit of a forecast view, shared likewise: aggregates over a group's
-- store rows s of the school year (y the share, x the week relative to the
-- week `week`, used one of the weeks the line is fitted to): the stage of the
-- week, the standing and the least-squares sums.
CREATE FUNCTION @extschema@.forecast_fit_sql(week text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    RETURN @extschema@.render($c$min(s.target_stage) FILTER (WHERE s.week_start = {{week:S}}) AS stage,
           min(s.target_deadline) FILTER (WHERE s.week_start = {{week:S}}) AS deadline,
           min(s.target_threshold) FILTER (WHERE s.week_start = {{week:S}}) AS threshold,
           min(s.target_comparison) FILTER (WHERE s.week_start = {{week:S}}) AS comparison,
           bool_or(s.target_in_force) FILTER (WHERE s.week_start = {{week:S}}) AS in_force,
           bool_or(s.target_met) FILTER (WHERE s.week_start = {{week:S}}) AS met_stored,
           -- the standing: the share of the latest school week up to this one
           -- (in a holiday week, the school week before it)
           (array_agg(s.y ORDER BY s.week_start DESC) FILTER (WHERE NOT s.holiday))[1] AS share,
           max(s.week_start) FILTER (WHERE NOT s.holiday) AS basis_week,
           (count(*) FILTER (WHERE s.used))::integer AS weeks_used,
           regr_slope(s.y, s.x) FILTER (WHERE s.used) AS slope,
           regr_intercept(s.y, s.x) FILTER (WHERE s.used) AS intercept,
           regr_avgx(s.y, s.x) FILTER (WHERE s.used) AS xbar,
           regr_sxx(s.y, s.x) FILTER (WHERE s.used) AS sxx,
           regr_syy(s.y, s.x) FILTER (WHERE s.used) AS syy,
           regr_sxy(s.y, s.x) FILTER (WHERE s.used) AS sxy$c$,
                              jsonb_build_object('week', week));
END
$fn$;
COMMENT ON FUNCTION @extschema@.forecast_fit_sql(text) IS
'Internal: the SQL of the aggregate columns of a forecast view''s fit (build_forecast_views, build_national_forecast_views): the stage, deadline, threshold, comparison, in_force and met_stored of the week, the share and its basis_week (the latest school week), weeks_used and the regression sums (slope, intercept, xbar, sxx, syy, sxy) over the used weeks; week is the SQL of the forecast''s week.';

-- The end of a forecast view's query, shared by the KPI forecasts (below) and
-- the national ones (sql/national_forecast.sql): over the fit g (share,
-- stage, weeks_used and the regression sums), the horizon h.weeks_left and the
-- stage's result r (final, result_met) at the week `week`, the line and the
-- interval's half-width at the horizon (e), the clamped projections (p) and
-- the verdict (j).
CREATE FUNCTION @extschema@.forecast_verdict_sql(week text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    RETURN @extschema@.render($c$CROSS JOIN LATERAL (
    SELECT CASE WHEN g.weeks_used >= 3 THEN g.intercept + g.slope * h.weeks_left END AS yhat,
           CASE WHEN g.weeks_used >= 3
                THEN @extschema@.forecast_t90(g.weeks_used - 2)
                     * sqrt(greatest(0, g.syy - g.sxy * g.sxy / g.sxx) / (g.weeks_used - 2))
                     * sqrt(1 + 1.0::double precision / g.weeks_used + (h.weeks_left - g.xbar) ^ 2 / g.sxx) END AS half
) e
CROSS JOIN LATERAL (
    -- nothing left to project when the deadline's week has come: the value at
    -- the deadline is the week's share
    SELECT CASE WHEN g.share IS NULL OR g.weeks_used < 3 THEN NULL
                WHEN h.weeks_left = 0 THEN g.share
                ELSE greatest(0, least(1, e.yhat)) END AS projected_share,
           CASE WHEN g.share IS NULL OR g.weeks_used < 3 THEN NULL
                WHEN h.weeks_left = 0 THEN g.share
                ELSE greatest(0, least(1, e.yhat - e.half)) END AS projected_low,
           CASE WHEN g.share IS NULL OR g.weeks_used < 3 THEN NULL
                WHEN h.weeks_left = 0 THEN g.share
                ELSE greatest(0, least(1, e.yhat + e.half)) END AS projected_high
) p
CROSS JOIN LATERAL (
    SELECT coalesce(CASE WHEN g.basis_week = {{week:S}} THEN g.met_stored END,
                    CASE WHEN g.comparison = '>' THEN g.share > g.threshold
                                       ELSE g.share >= g.threshold END, false) AS met,
           CASE WHEN r.final AND r.result_met THEN 'deadline_met'
                WHEN r.final AND NOT r.result_met THEN 'deadline_missed'
                WHEN r.final THEN 'deadline_no_data'
                WHEN g.threshold IS NULL OR g.share IS NULL OR g.weeks_used < 3 THEN 'unknown'
                WHEN coalesce(CASE WHEN g.basis_week = {{week:S}} THEN g.met_stored END,
                              CASE WHEN g.comparison = '>' THEN g.share > g.threshold
                                                 ELSE g.share >= g.threshold END) THEN 'met'
                WHEN CASE WHEN g.comparison = '>' THEN p.projected_low > g.threshold
                          ELSE p.projected_low >= g.threshold END THEN 'on_track'
                WHEN CASE WHEN g.comparison = '>' THEN p.projected_share > g.threshold OR p.projected_high > g.threshold
                          ELSE p.projected_share >= g.threshold OR p.projected_high >= g.threshold END THEN 'at_risk'
                ELSE 'off_track' END AS verdict
) j$c$,
                              jsonb_build_object('week', week));
END
$fn$;
COMMENT ON FUNCTION @extschema@.forecast_verdict_sql(text) IS
'Internal: the SQL of the laterals e (line and 80 % half-width at the horizon), p (projected_share, projected_low, projected_high) and j (met, verdict) of the forecast views (build_forecast_views, build_national_forecast_views), over the fit g, the horizon h and the stage result r; week is the SQL of the forecast''s week (wk.week_start, lw.week_start).';
