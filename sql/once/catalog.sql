--------------------------------------------------------------------------------
-- Targets (spec §4-§5)
--------------------------------------------------------------------------------

CREATE TABLE @extschema@.target (
    indicator            text     NOT NULL
        CHECK (indicator ~ '^[a-z][a-z0-9_]*$' AND length(indicator) <= 63),
    stage                smallint NOT NULL CHECK (stage >= 1),
    region_code          text     CHECK (length(region_code) BETWEEN 1 AND 63),
    deadline             date     NOT NULL CHECK (deadline > '-infinity' AND deadline < 'infinity'),
    comparison           text     NOT NULL CHECK (comparison IN ('>=', '>')),
    rule                 text     NOT NULL DEFAULT 'fixed' CHECK (rule IN ('fixed', 'baseline_max')),
    threshold            numeric  CHECK (threshold BETWEEN 0 AND 1 AND scale(threshold) <= 15),
    baseline_platform    text     CHECK (baseline_platform IN ('vk', 'national')),
    baseline_school_year integer  CHECK (baseline_school_year BETWEEN 2000 AND 2200),
    in_force             boolean  NOT NULL DEFAULT true,
    kind                 text     NOT NULL DEFAULT 'computed' CHECK (kind IN ('computed', 'milestone')),
    title_ru             text     NOT NULL,
    title_en             text     NOT NULL,
    source_document      text     NOT NULL,
    seeded               boolean  NOT NULL DEFAULT false,
    CONSTRAINT target_key UNIQUE NULLS NOT DISTINCT (indicator, stage, region_code),
    CONSTRAINT target_rule_fixed CHECK (rule <> 'fixed' OR threshold IS NOT NULL),
    CONSTRAINT target_rule_baseline CHECK (rule <> 'baseline_max'
        OR (threshold IS NULL AND baseline_platform IS NOT NULL AND baseline_school_year IS NOT NULL))
);
COMMENT ON TABLE @extschema@.target IS
'Target catalog: one row per indicator stage (spec §4). Seeded by the extension; DBAs edit it for their region, and pg_dump keeps their edits, additions and deletions.';
COMMENT ON COLUMN @extschema@.target.indicator IS 'Indicator code, e.g. active_teachers, staff_weekly_writers.';
COMMENT ON COLUMN @extschema@.target.stage IS 'Stage number within the indicator (1, 2, ...).';
COMMENT ON COLUMN @extschema@.target.region_code IS 'Region the row applies to; NULL = every region. A region row replaces the every-region row of the same stage.';
COMMENT ON COLUMN @extschema@.target.deadline IS 'Date the stage is measured on (по состоянию на). The stage applies to dates up to it; due from that date on.';
COMMENT ON COLUMN @extschema@.target.comparison IS '>= for "not less than X %", > for a strict "> X %".';
COMMENT ON COLUMN @extschema@.target.rule IS 'fixed: compare with threshold; baseline_max: compare with the best weekly value of the same indicator on baseline_platform in baseline_school_year (indicator_history).';
COMMENT ON COLUMN @extschema@.target.threshold IS 'Share between 0 and 1 (0.75 = 75 %) for rule fixed; compared exactly with kpi_ratio values.';
COMMENT ON COLUMN @extschema@.target.baseline_platform IS 'Platform of the baseline weeks (vk) for rule baseline_max.';
COMMENT ON COLUMN @extschema@.target.baseline_school_year IS 'School year of the baseline weeks (2024 = 2024/2025) for rule baseline_max.';
COMMENT ON COLUMN @extschema@.target.in_force IS 'false while the stage awaits its normative acts (spec §4b *); target_met still evaluates it, dashboards show the flag.';
COMMENT ON COLUMN @extschema@.target.kind IS 'computed: measured from activity; milestone: a roadmap result measured from counts a DBA loads.';
COMMENT ON COLUMN @extschema@.target.title_ru IS 'Indicator title in Russian.';
COMMENT ON COLUMN @extschema@.target.title_en IS 'Indicator title in English.';
COMMENT ON COLUMN @extschema@.target.source_document IS 'Document the target comes from.';
COMMENT ON COLUMN @extschema@.target.seeded IS 'true for a row exactly as the extension shipped it; any edit clears it, so pg_dump keeps the edited row.';

CREATE TABLE @extschema@.target_retired (
    indicator   text     NOT NULL,
    stage       smallint NOT NULL,
    region_code text,
    retired_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT target_retired_key UNIQUE NULLS NOT DISTINCT (indicator, stage, region_code)
);
COMMENT ON TABLE @extschema@.target_retired IS
'Seeded targets a DBA deleted. Kept so that a pg_dump restore deletes them again after CREATE EXTENSION re-seeds the catalog.';
COMMENT ON COLUMN @extschema@.target_retired.indicator IS 'Indicator code of the deleted seeded row.';
COMMENT ON COLUMN @extschema@.target_retired.stage IS 'Stage of the deleted seeded row.';
COMMENT ON COLUMN @extschema@.target_retired.region_code IS 'Region of the deleted seeded row (NULL = every region).';
COMMENT ON COLUMN @extschema@.target_retired.retired_at IS 'When the row was deleted.';

CREATE TABLE @extschema@.indicator_history (
    region_code text NOT NULL CHECK (length(region_code) BETWEEN 1 AND 63),
    indicator   text NOT NULL CHECK (length(indicator) BETWEEN 1 AND 63),
    platform    text NOT NULL CHECK (platform IN ('vk', 'national', 'any')),
    week        date NOT NULL CHECK (pg_catalog.date_part('isodow', week) = 1),
    value       @extschema@.kpi_ratio NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (region_code, indicator, platform, week)
);
COMMENT ON TABLE @extschema@.indicator_history IS
'Weekly indicator values already computed, per region and platform. The stage-1 baselines are the best week of school year 2024/2025 on vk.';
COMMENT ON COLUMN @extschema@.indicator_history.region_code IS 'Region code.';
COMMENT ON COLUMN @extschema@.indicator_history.indicator IS 'Indicator code (see sferum_kpi.target).';
COMMENT ON COLUMN @extschema@.indicator_history.platform IS 'vk, national, or any for indicators without a platform.';
COMMENT ON COLUMN @extschema@.indicator_history.week IS 'Monday of the ISO week.';
COMMENT ON COLUMN @extschema@.indicator_history.value IS 'The week''s value as an exact kpi_ratio.';
COMMENT ON COLUMN @extschema@.indicator_history.computed_at IS 'When the value was computed.';

-- Keep the DBA's catalog edits across pg_dump/pg_restore.  CREATE EXTENSION
-- re-seeds `target` before the dumped rows come back, so only rows that
-- differ from the shipped seed are dumped, a dumped row replaces the seed of
-- the same key, and deleted seeds are remembered in target_retired.
-- The same three trigger functions serve the roadmap catalog (sql/once/roadmap.sql):
-- a catalog table has a column seeded and a table of retired seeds with the
-- catalog's key; the triggers name the other table and the key columns.
-- @section seeded-1.5
CREATE FUNCTION @extschema@.seeded_replace() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- a shipped row being seeded replaces nothing (retired rows have no seeded)
    IF NOT coalesce((to_jsonb(NEW) ->> 'seeded')::boolean, false) THEN
        EXECUTE format('DELETE FROM %I.%I t WHERE t.seeded AND %s', TG_TABLE_SCHEMA, TG_ARGV[0],
                       (SELECT string_agg(format('t.%1$I IS NOT DISTINCT FROM ($1).%1$I', k), ' AND ')
                          FROM unnest(TG_ARGV[1:]) k))
            USING NEW;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.seeded_replace() IS
'Trigger (arguments: a catalog table, its key columns): deletes the shipped (seeded) rows of that catalog with the key of the new row, unless the new row is itself a shipped one. On a catalog (target, roadmap_item), an inserted or restored row replaces the shipped row of the same key; on its table of retired seeds, a restored row deletes the re-seeded row again.';

CREATE FUNCTION @extschema@.seeded_edit() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.seeded := false;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.seeded_edit() IS
'Trigger: an edited shipped row of a catalog (target, roadmap_item) becomes the DBA''s row (seeded = false), so pg_dump keeps it.';

CREATE FUNCTION @extschema@.seeded_retire() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- depth 1: the DBA's own DELETE, not a replacement made by a trigger
    IF OLD.seeded AND pg_trigger_depth() = 1 THEN
        EXECUTE format('INSERT INTO %I.%I (%s) SELECT %s ON CONFLICT DO NOTHING', TG_TABLE_SCHEMA, TG_ARGV[0],
                       (SELECT string_agg(format('%I', k), ', ') FROM unnest(TG_ARGV[1:]) k),
                       (SELECT string_agg(format('($1).%I', k), ', ') FROM unnest(TG_ARGV[1:]) k))
            USING OLD;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.seeded_retire() IS
'Trigger (arguments: the table of retired seeds, the key columns): remembers a deleted shipped row of a catalog (target, roadmap_item) there, so a restore deletes it again.';
-- @end seeded-1.5

-- @section target-triggers-1.5
CREATE TRIGGER target_before_insert BEFORE INSERT ON @extschema@.target
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_replace('target', 'indicator', 'stage', 'region_code');
CREATE TRIGGER target_before_update BEFORE UPDATE ON @extschema@.target
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_edit();
CREATE TRIGGER target_after_delete AFTER DELETE ON @extschema@.target
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_retire('target_retired', 'indicator', 'stage', 'region_code');
CREATE TRIGGER target_retired_before_insert BEFORE INSERT ON @extschema@.target_retired
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_replace('target', 'indicator', 'stage', 'region_code');
-- @end target-triggers-1.5

--------------------------------------------------------------------------------
-- Indicator definitions.  One file per indicator under sql/indicators/ fills a
-- row of indicator_definition through define_indicator() (sql/definitions.sql).
-- The KPI views, the shard views and this documentation are all built from
-- these rows, so the table can never disagree with what is computed.
--------------------------------------------------------------------------------

CREATE TABLE @extschema@.indicator_definition (
    indicator    text PRIMARY KEY,
    unit         text NOT NULL CHECK (unit IN ('organisation', 'person', 'chat')),
    per_platform boolean NOT NULL,
    scope        text NOT NULL,
    numerator    text NOT NULL,
    denominator  text NOT NULL,
    counting     text NOT NULL CONSTRAINT indicator_definition_counting_check CHECK (counting IN ('unit', 'population')),
    title_ru     text NOT NULL,
    title_en     text NOT NULL,
    base_sql     text NOT NULL,
    org_scope    text NOT NULL
);
COMMENT ON TABLE @extschema@.indicator_definition IS
'How each computed indicator is measured (spec §4): unit counted, per platform or not, scope, numerator, denominator, counting mode, titles and the per-week base-row SQL the KPI views and shard views are built from. Filled from sql/indicators/*.sql by define_indicator(); an extension update re-fills it, so edit the source file, not the row.';
COMMENT ON COLUMN @extschema@.indicator_definition.indicator IS 'Indicator code (as in sferum_kpi.target).';
COMMENT ON COLUMN @extschema@.indicator_definition.unit IS 'What is counted: organisation, person or chat.';
COMMENT ON COLUMN @extschema@.indicator_definition.per_platform IS 'true: one row per platform (vk, national); false: platform any.';
COMMENT ON COLUMN @extschema@.indicator_definition.scope IS 'Which organisations and roles are in scope.';
COMMENT ON COLUMN @extschema@.indicator_definition.numerator IS 'What the numerator counts in a week.';
COMMENT ON COLUMN @extschema@.indicator_definition.denominator IS 'What the denominator counts in a week.';
COMMENT ON COLUMN @extschema@.indicator_definition.counting IS 'unit: the denominator is the distinct units in scope; population: the sum of the statistical-form figures on the population rows.';
COMMENT ON COLUMN @extschema@.indicator_definition.title_ru IS 'Indicator title in Russian.';
COMMENT ON COLUMN @extschema@.indicator_definition.title_en IS 'Indicator title in English.';
COMMENT ON COLUMN @extschema@.indicator_definition.org_scope IS 'Which organisations o are in scope, as an SQL condition: each gets its groups every week, with people or not (0/0: unknown).';
COMMENT ON COLUMN @extschema@.indicator_definition.base_sql IS 'One week''s base rows (platform, region_code, municipality_id, org_kind, org_id, unit_id, active, population) as SQL with @fragment (indicator_fragment), @m. (mart schema), :W (Monday) and :E (Sunday) placeholders; expanded by kpi_base_rows().';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.target', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.target_retired', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.indicator_history', '');
