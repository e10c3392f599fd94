--------------------------------------------------------------------------------
-- The extension's registries (new in 1.4): the SQL fragments shared by the
-- indicator definitions, the view sets made by create_kpi_views,
-- create_shard_views and create_national, and which of their objects hold
-- person-level rows.
--------------------------------------------------------------------------------

CREATE TABLE @extschema@.indicator_fragment (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]+$'),
    description text NOT NULL,
    sql         text NOT NULL
);
COMMENT ON TABLE @extschema@.indicator_fragment IS
'SQL fragments shared by the indicator definitions, each named once (sql/indicators/fragments.sql): @name in a base_sql or another fragment is replaced by the fragment.';
COMMENT ON COLUMN @extschema@.indicator_fragment.name IS 'Fragment name, referenced as @name.';
COMMENT ON COLUMN @extschema@.indicator_fragment.description IS 'What the fragment means, in words.';
COMMENT ON COLUMN @extschema@.indicator_fragment.sql IS 'The SQL text (may reference other fragments and the @m., :W, :E placeholders).';

-- The views are the DBA's (not extension members), so an update does not touch
-- them; view_set lets rebuild_views() re-create them from the current
-- definitions.  Both tables below are dumped with the DBA's data, so a restored
-- database keeps them.

CREATE TABLE @extschema@.view_set (
    schema_name  text NOT NULL CHECK (length(schema_name) BETWEEN 1 AND 63),
    kind         text NOT NULL CHECK (kind IN ('kpi', 'shard', 'national')),
    mart_schema  text,
    min_cell     integer CHECK (min_cell >= 0),
    fingerprint  text,
    built_with   text,
    built_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- a shard schema may hold the views of several marts: one row per mart
    CONSTRAINT view_set_key UNIQUE NULLS NOT DISTINCT (schema_name, mart_schema)
);
COMMENT ON TABLE @extschema@.view_set IS
'Schemas of views made by create_kpi_views (kind kpi), create_shard_views (shard, one row per data mart) and create_national (national): what they were built from, so that rebuild_views() can re-create them and check_views() can tell which are older than the current definitions.';
COMMENT ON COLUMN @extschema@.view_set.schema_name IS 'Schema holding the views.';
COMMENT ON COLUMN @extschema@.view_set.kind IS 'kpi (create_kpi_views), shard (create_shard_views) or national (create_national).';
COMMENT ON COLUMN @extschema@.view_set.mart_schema IS 'Data mart the views read (kpi and shard).';
COMMENT ON COLUMN @extschema@.view_set.min_cell IS 'Small-cell threshold the KPI views were made with.';
COMMENT ON COLUMN @extschema@.view_set.fingerprint IS 'definitions_fingerprint() when the views were built; NULL when unknown (views found by an update).';
COMMENT ON COLUMN @extschema@.view_set.built_with IS 'sferum_kpi version that built the views.';
COMMENT ON COLUMN @extschema@.view_set.built_at IS 'When the views were built.';

CREATE TABLE @extschema@.person_level_object (
    schema_name text NOT NULL,
    object_name text NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (schema_name, object_name)
);
COMMENT ON TABLE @extschema@.person_level_object IS
'Relations made by the extension that hold one row per person (shard views facts_<region>, the coordinator''s facts): grant_reader refuses a schema that holds one, whatever its comment says.';
COMMENT ON COLUMN @extschema@.person_level_object.schema_name IS 'Schema of the relation.';
COMMENT ON COLUMN @extschema@.person_level_object.object_name IS 'Relation name.';
COMMENT ON COLUMN @extschema@.person_level_object.reason IS 'What person-level rows it holds.';

CREATE TABLE @extschema@.label (
    kind text NOT NULL CHECK (kind IN ('level', 'org_kind', 'group', 'verdict', 'rag')),
    code text NOT NULL,
    ru   text NOT NULL,
    en   text NOT NULL,
    PRIMARY KEY (kind, code)
);
COMMENT ON TABLE @extschema@.label IS 'Russian and English labels of the codes the views show (levels, organisation kinds, groups, forecast verdicts, red/amber/green).';
COMMENT ON COLUMN @extschema@.label.kind IS 'What the code is: level, org_kind, group, verdict (forecast) or rag (rankings).';
COMMENT ON COLUMN @extschema@.label.code IS 'The code as the views show it.';
COMMENT ON COLUMN @extschema@.label.ru IS 'Russian label.';
COMMENT ON COLUMN @extschema@.label.en IS 'English label.';
INSERT INTO @extschema@.label (kind, code, ru, en) VALUES
('level', 'region', 'Регион', 'Region'),
('level', 'municipality', 'Муниципалитет', 'Municipality'),
('level', 'org_kind', 'Тип организации', 'Kind of organisation'),
('level', 'organisation', 'Организация', 'Organisation'),
('org_kind', 'general', 'Общеобразовательная организация', 'School'),
('org_kind', 'preschool', 'Дошкольная образовательная организация', 'Kindergarten'),
('org_kind', 'spo', 'Профессиональная образовательная организация (СПО)', 'Vocational college'),
('org_kind', 'do', 'Организация дополнительного образования детей', 'Additional education'),
('org_kind', 'dpo', 'Организация дополнительного профессионального образования', 'Further professional education'),
('org_kind', 'roiv', 'Региональный орган исполнительной власти в сфере образования', 'Regional education authority'),
('org_kind', 'omsu', 'Орган местного самоуправления в сфере образования', 'Municipal education authority'),
('org_kind', 'subordinate', 'Подведомственная организация', 'Subordinate body'),
('group', 'regional_bodies', 'Региональный уровень', 'Regional bodies'),
('verdict', 'met', 'Выполнено', 'Met'),
('verdict', 'on_track', 'Успеваем', 'On track'),
('verdict', 'at_risk', 'Под угрозой', 'At risk'),
('verdict', 'off_track', 'Не успеваем', 'Off track'),
('verdict', 'unknown', 'Недостаточно данных', 'Not enough data'),
('rag', 'green', 'Зелёный: цель достигнута', 'Green: meets the stage'),
('rag', 'amber', 'Жёлтый: отставание не более 10 п. п.', 'Amber: at most 10 percentage points below'),
('rag', 'red', 'Красный: отставание более 10 п. п.', 'Red: more than 10 percentage points below'),
('rag', 'grey', 'Серый: нет данных или цели', 'Grey: no value or no target');

SELECT pg_catalog.pg_extension_config_dump('@extschema@.view_set', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person_level_object', '');
