-- 1.4 -> 1.5, before the new and re-run sources (see sql/README.md).

-- The indicator files are templates of render() (1.5): a fragment's name shares
-- one namespace with the placeholders of the mart schema and the week.
ALTER TABLE @extschema@.indicator_fragment
    DROP CONSTRAINT indicator_fragment_name_check,
    ADD CONSTRAINT indicator_fragment_name_check CHECK (name ~ '^[a-z][a-z0-9_]+$' AND name NOT IN ('mart', 'monday', 'sunday'));

-- Labels of the school calendar (1.5): the kinds of holiday, the data-quality
-- check of a region without one.
ALTER TABLE @extschema@.label
    DROP CONSTRAINT label_kind_check,
    ADD CONSTRAINT label_kind_check CHECK (kind IN ('level', 'org_kind', 'group', 'verdict',
                                                   'quality_check', 'quality_fix', 'activity_status', 'rag', 'holiday',
                                                   'stage_status', 'action_reason',
                                                   'roadmap_status', 'roadmap_basis', 'roadmap_responsible'));
-- @include sql/once/registry.sql labels-1.5

-- The catalog triggers (1.5): one set of trigger functions for the target
-- catalog and the roadmap catalog, the key columns as trigger arguments.
-- @include sql/once/catalog.sql seeded-1.5
DROP TRIGGER target_before_insert ON @extschema@.target;
DROP TRIGGER target_before_update ON @extschema@.target;
DROP TRIGGER target_after_delete ON @extschema@.target;
DROP TRIGGER target_retired_before_insert ON @extschema@.target_retired;
-- @include sql/once/catalog.sql target-triggers-1.5
DROP FUNCTION @extschema@.target_before_insert();
DROP FUNCTION @extschema@.target_before_update();
DROP FUNCTION @extschema@.target_after_delete();
DROP FUNCTION @extschema@.target_retired_before_insert();

-- The roadmap catalog (1.5): its tables, triggers, the 17 items of seed 004
-- and what pg_dump keeps (the COMMENT ON statements follow with the others).
-- @include sql/once/roadmap.sql

-- The weekly report by section (1.5, sql/report/): every section is f(ctx jsonb);
-- the 1.4 sections, the chart without holidays and the top/bottom rankings go.
DROP FUNCTION @extschema@.report_chart_svg(date[], double precision[], double precision[], date, double precision, double precision, double precision, double precision, text);
DROP FUNCTION @extschema@.report_dashboard(name, text, date);
DROP FUNCTION @extschema@.report_charts(name, text, date, jsonb);
DROP FUNCTION @extschema@.report_forecast(name, text, date, jsonb);
DROP FUNCTION @extschema@.report_rankings(name, text, date);
DROP FUNCTION @extschema@.report_not_started(name, jsonb, integer);
DROP FUNCTION @extschema@.report_data_quality(name, jsonb);
DROP FUNCTION @extschema@.report_summary(name, text, date, jsonb, jsonb, jsonb);
DROP FUNCTION @extschema@.report_verdict_class(text);

-- The report's wording (1.5): «количество / всего», not «числитель / знаменатель».
UPDATE @extschema@.label SET ru = 'Количество больше статистической формы'
 WHERE kind = 'quality_check' AND code = 'numerator_above_form';

-- The national store (1.5, issue 24): a view set of its own kind, and
-- attach_shard(server, national_schema, views_schema, organisations) serving
-- both the live coordinator and the national store (its third argument, NULL
-- by default, is the shard views' schema of a live coordinator as before).
ALTER TABLE @extschema@.view_set
    DROP CONSTRAINT view_set_kind_check,
    ADD CONSTRAINT view_set_kind_check CHECK (kind IN ('kpi', 'shard', 'national', 'national_store'));
DROP FUNCTION @extschema@.attach_shard(name, name, name);

-- The registry of the view builders (1.5), read by definitions_fingerprint()
-- and build_kpi_views().
-- @include sql/once/registry.sql builders-1.5
