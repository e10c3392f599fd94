/* sferum_kpi 1.1 -> 1.2: reference data mart, KPI views, weekly history */

\echo Use "ALTER EXTENSION sferum_kpi UPDATE TO '1.2'" to load this file. \quit

--------------------------------------------------------------------------------
-- Reference data mart.  create_mart() creates plain tables in a schema of the
-- DBA's choice.  They are NOT members of the extension and use no extension
-- types, so DROP EXTENSION ... CASCADE can never drop a region's data.
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.create_mart(mart_schema name)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    s text := quote_ident(mart_schema);
BEGIN
    IF mart_schema IS NULL THEN
        RAISE EXCEPTION 'mart_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
               WHERE n.nspname = mart_schema AND c.relname = 'activity_daily') THEN
        RAISE EXCEPTION 'schema "%" already holds a data mart', mart_schema
            USING ERRCODE = '42P07',
                  HINT = 'create_mart() never replaces existing tables; use another schema or drop this one first.';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', s);
    EXECUTE replace($ddl$
CREATE TABLE @s.region (
    region_code text PRIMARY KEY CHECK (length(region_code) BETWEEN 1 AND 63),
    name        text NOT NULL,
    time_zone   text NOT NULL CHECK (timestamptz '2000-01-01 00:00+00' AT TIME ZONE time_zone IS NOT NULL)
);
COMMENT ON TABLE @s.region IS 'Regions (субъекты РФ) held in this mart.';
COMMENT ON COLUMN @s.region.region_code IS 'Region code, e.g. 50 for Moscow oblast, 65 for Sakhalin.';
COMMENT ON COLUMN @s.region.name IS 'Region name.';
COMMENT ON COLUMN @s.region.time_zone IS 'IANA time zone of the region (weeks are local): Europe/Moscow, Asia/Sakhalin.';

CREATE TABLE @s.municipality (
    municipality_id bigint PRIMARY KEY,
    region_code     text NOT NULL REFERENCES @s.region,
    name            text NOT NULL
);
CREATE INDEX ON @s.municipality (region_code);
COMMENT ON TABLE @s.municipality IS 'Municipalities (муниципальные образования) of a region.';
COMMENT ON COLUMN @s.municipality.municipality_id IS 'Municipality id.';
COMMENT ON COLUMN @s.municipality.region_code IS 'Region of the municipality.';
COMMENT ON COLUMN @s.municipality.name IS 'Municipality name.';

CREATE TABLE @s.organisation (
    org_id                bigint PRIMARY KEY,
    region_code           text NOT NULL REFERENCES @s.region,
    municipality_id       bigint REFERENCES @s.municipality,
    parent_org_id         bigint REFERENCES @s.organisation,
    name                  text NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('general', 'preschool', 'spo', 'do', 'dpo', 'roiv', 'omsu', 'subordinate')),
    ownership             text NOT NULL CHECK (ownership IN ('state', 'municipal', 'private')),
    pedagogical_college   boolean NOT NULL DEFAULT false,
    registered_on         date,
    admin_logged_in_on    date,
    data_filled_on        date,
    ejournal_connected_on date
);
CREATE INDEX ON @s.organisation (region_code, municipality_id);
COMMENT ON TABLE @s.organisation IS 'Organisations: schools, colleges, kindergartens, education authorities and their subordinate bodies (spec §2). Status dates let status be computed as of any week.';
COMMENT ON COLUMN @s.organisation.org_id IS 'Organisation id.';
COMMENT ON COLUMN @s.organisation.region_code IS 'Region of the organisation.';
COMMENT ON COLUMN @s.organisation.municipality_id IS 'Municipality; NULL for regional bodies.';
COMMENT ON COLUMN @s.organisation.parent_org_id IS 'Authority (roiv/omsu) a subordinate body reports to.';
COMMENT ON COLUMN @s.organisation.name IS 'Short name.';
COMMENT ON COLUMN @s.organisation.kind IS 'general, preschool, spo, do, dpo, roiv, omsu or subordinate (spec §2).';
COMMENT ON COLUMN @s.organisation.ownership IS 'state, municipal or private; private organisations are outside every indicator scope.';
COMMENT ON COLUMN @s.organisation.pedagogical_college IS 'An spo organisation that is a pedagogical college (roadmap item 15).';
COMMENT ON COLUMN @s.organisation.registered_on IS 'Date the organisation was registered (connected) on Sferum; NULL = not registered.';
COMMENT ON COLUMN @s.organisation.admin_logged_in_on IS 'Date the administrator first logged in; NULL = never.';
COMMENT ON COLUMN @s.organisation.data_filled_on IS 'Date the administrator filled in the organisation data; NULL = not yet.';
COMMENT ON COLUMN @s.organisation.ejournal_connected_on IS 'Date the e-journal/diary was connected to Sferum (or «Моя школа» adopted); NULL = not yet.';

CREATE TABLE @s.person (
    person_id   bigint PRIMARY KEY,
    region_code text NOT NULL REFERENCES @s.region
);
COMMENT ON TABLE @s.person IS 'People, by id only: no names or contacts are needed to compute indicators. Personal data: never exposed by the KPI views.';
COMMENT ON COLUMN @s.person.person_id IS 'Person id (the platform user).';
COMMENT ON COLUMN @s.person.region_code IS 'Region of the person.';

CREATE TABLE @s.membership (
    person_id         bigint NOT NULL REFERENCES @s.person,
    org_id            bigint NOT NULL REFERENCES @s.organisation,
    role              text NOT NULL CHECK (role IN ('teacher', 'staff', 'official', 'pupil', 'parent')),
    since             date NOT NULL,
    until             date,
    sferum_added_on   date,
    role_confirmed_on date,
    PRIMARY KEY (person_id, org_id, role),
    CHECK (until IS NULL OR until >= since)
);
CREATE INDEX ON @s.membership (org_id, role);
COMMENT ON TABLE @s.membership IS 'Who belongs to which organisation in which role: the registry (employees, pupils, parents, officials), with the dates they joined the organisation''s Sferum community.';
COMMENT ON COLUMN @s.membership.person_id IS 'Person.';
COMMENT ON COLUMN @s.membership.org_id IS 'Organisation.';
COMMENT ON COLUMN @s.membership.role IS 'teacher (pedagogical worker), staff (other employee), official (authority staff), pupil, parent.';
COMMENT ON COLUMN @s.membership.since IS 'First day in the registry (employment, enrolment).';
COMMENT ON COLUMN @s.membership.until IS 'Last day in the registry; NULL = still there.';
COMMENT ON COLUMN @s.membership.sferum_added_on IS 'Date the person was added to the organisation''s Sferum community; NULL = not added.';
COMMENT ON COLUMN @s.membership.role_confirmed_on IS 'Date the teacher role was confirmed (verified profile together with community membership); NULL = not confirmed.';

CREATE TABLE @s.stat_form (
    org_id              bigint NOT NULL REFERENCES @s.organisation,
    school_year         integer NOT NULL,
    pupils              integer NOT NULL DEFAULT 0 CHECK (pupils >= 0),
    staff_headcount     integer NOT NULL DEFAULT 0 CHECK (staff_headcount >= 0),
    authority_headcount integer NOT NULL DEFAULT 0 CHECK (authority_headcount >= 0),
    PRIMARY KEY (org_id, school_year)
);
COMMENT ON TABLE @s.stat_form IS 'Statistical-form counts per organisation and school year (ОО-1, СПО-1, ministry headcount).';
COMMENT ON COLUMN @s.stat_form.org_id IS 'Organisation.';
COMMENT ON COLUMN @s.stat_form.school_year IS 'School year by its starting year (2025 = 2025/2026).';
COMMENT ON COLUMN @s.stat_form.pupils IS 'Pupils declared in the statistical forms (indicator 2 denominator: pupils x 2).';
COMMENT ON COLUMN @s.stat_form.staff_headcount IS 'Employees declared in the statistical forms.';
COMMENT ON COLUMN @s.stat_form.authority_headcount IS 'Actual headcount of an authority or subordinate body (ministry data; indicator 4 denominator).';

CREATE TABLE @s.activity_daily (
    person_id        bigint NOT NULL,
    day              date NOT NULL,
    platform         text NOT NULL CHECK (platform IN ('vk', 'national')),
    messages_written integer NOT NULL DEFAULT 0 CHECK (messages_written >= 0),
    messages_read    integer NOT NULL DEFAULT 0 CHECK (messages_read >= 0),
    PRIMARY KEY (person_id, day, platform)
);
CREATE INDEX ON @s.activity_daily (day);
COMMENT ON TABLE @s.activity_daily IS 'Daily activity per person and platform, by the region''s local calendar day.';
COMMENT ON COLUMN @s.activity_daily.person_id IS 'Person.';
COMMENT ON COLUMN @s.activity_daily.day IS 'Local calendar day; it belongs to the ISO week of that day.';
COMMENT ON COLUMN @s.activity_daily.platform IS 'vk (VK Messenger) or national (the national messenger).';
COMMENT ON COLUMN @s.activity_daily.messages_written IS 'Messages the person sent that day (every sent message counts one).';
COMMENT ON COLUMN @s.activity_daily.messages_read IS 'Messages the person read that day.';

CREATE TABLE @s.chat (
    chat_id           bigint PRIMARY KEY,
    org_id            bigint NOT NULL REFERENCES @s.organisation,
    creator_person_id bigint NOT NULL REFERENCES @s.person,
    platform          text NOT NULL CHECK (platform IN ('vk', 'national')),
    created_on        date NOT NULL,
    closed_on         date
);
CREATE INDEX ON @s.chat (org_id);
COMMENT ON TABLE @s.chat IS 'Chats, with the organisation and the person who created them.';
COMMENT ON COLUMN @s.chat.chat_id IS 'Chat id.';
COMMENT ON COLUMN @s.chat.org_id IS 'Organisation the chat belongs to.';
COMMENT ON COLUMN @s.chat.creator_person_id IS 'Person who created the chat.';
COMMENT ON COLUMN @s.chat.platform IS 'vk or national.';
COMMENT ON COLUMN @s.chat.created_on IS 'Creation date.';
COMMENT ON COLUMN @s.chat.closed_on IS 'Date the chat was closed: the first day without new messages; NULL = open.';

CREATE TABLE @s.chat_daily (
    chat_id  bigint NOT NULL REFERENCES @s.chat,
    day      date NOT NULL,
    messages integer NOT NULL CHECK (messages >= 0),
    PRIMARY KEY (chat_id, day)
);
CREATE INDEX ON @s.chat_daily (day);
COMMENT ON TABLE @s.chat_daily IS 'Messages per chat and local day.';
COMMENT ON COLUMN @s.chat_daily.chat_id IS 'Chat.';
COMMENT ON COLUMN @s.chat_daily.day IS 'Local calendar day.';
COMMENT ON COLUMN @s.chat_daily.messages IS 'Messages written in the chat that day.';

CREATE TABLE @s.milestone_progress (
    region_code text NOT NULL REFERENCES @s.region,
    indicator   text NOT NULL,
    reported_on date NOT NULL,
    done        bigint NOT NULL CHECK (done >= 0),
    total       bigint NOT NULL CHECK (total >= done),
    PRIMARY KEY (region_code, indicator, reported_on)
);
COMMENT ON TABLE @s.milestone_progress IS 'Counts a DBA loads for the roadmap milestones (spec §4b: channels moved, staff trained, modules included); not computed from activity.';
COMMENT ON COLUMN @s.milestone_progress.region_code IS 'Region.';
COMMENT ON COLUMN @s.milestone_progress.indicator IS 'Milestone indicator code (kind milestone in sferum_kpi.target).';
COMMENT ON COLUMN @s.milestone_progress.reported_on IS 'Date the counts refer to.';
COMMENT ON COLUMN @s.milestone_progress.done IS 'Units done (channels moved, staff trained, organisations that included the module).';
COMMENT ON COLUMN @s.milestone_progress.total IS 'All units.';
$ddl$, '@s', s);
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_mart(name) IS
'Create the reference data-mart tables (regions, municipalities, organisations, people, memberships, statistical forms, daily activity, chats) in a schema. The tables are not extension members: DROP EXTENSION never drops them.';

--------------------------------------------------------------------------------
-- KPI views.  create_kpi_views() writes one view per indicator of spec §4a/§4b
-- into a schema for BI tools.  Each view has one row per week, platform and
-- group at four levels (region, municipality, organisation kind, organisation),
-- computed from person-level rows so that distinct people are counted once per
-- group.  Rows are aggregates only: no view exposes a person.
--
-- Shape: weeks CROSS JOIN LATERAL (one week's rows GROUP BY GROUPING SETS).
-- PostgreSQL does not push a filter on a grouping-set column below the
-- aggregate, so a plain GROUPING SETS view would compute every week for a
-- query about one; with the week as the lateral parameter, `WHERE week_start
-- = ...` reads one week of activity through the day index.
--------------------------------------------------------------------------------

CREATE TABLE @extschema@.indicator_definition (
    indicator    text PRIMARY KEY,
    unit         text NOT NULL CHECK (unit IN ('organisation', 'person', 'chat')),
    per_platform boolean NOT NULL,
    scope        text NOT NULL,
    numerator    text NOT NULL,
    denominator  text NOT NULL
);
COMMENT ON TABLE @extschema@.indicator_definition IS
'How each computed indicator is measured by the KPI views (spec §4): unit counted, per platform or not, scope, numerator and denominator. Documentation the views follow; editing it does not change them.';
COMMENT ON COLUMN @extschema@.indicator_definition.indicator IS 'Indicator code (as in sferum_kpi.target).';
COMMENT ON COLUMN @extschema@.indicator_definition.unit IS 'What is counted: organisation, person or chat.';
COMMENT ON COLUMN @extschema@.indicator_definition.per_platform IS 'true: one row per platform (vk, national); false: platform any.';
COMMENT ON COLUMN @extschema@.indicator_definition.scope IS 'Which organisations and roles are in scope.';
COMMENT ON COLUMN @extschema@.indicator_definition.numerator IS 'What the numerator counts in a week.';
COMMENT ON COLUMN @extschema@.indicator_definition.denominator IS 'What the denominator counts in a week.';

INSERT INTO @extschema@.indicator_definition VALUES
('orgs_connected', 'organisation', false,
 'state and municipal organisations of kinds general, preschool, spo, do, dpo',
 'registered on Sferum by the end of the week', 'organisations in scope'),
('spo_registered', 'organisation', false,
 'state and municipal spo organisations', 'registered by the end of the week', 'organisations in scope'),
('ejournal_connected', 'organisation', false,
 'state and municipal general-education schools', 'e-journal connected by the end of the week', 'schools in scope'),
('active_orgs', 'organisation', false,
 'state and municipal organisations of kinds general, preschool, spo, do, dpo',
 'status «Активна» at the end of the week: admin logged in, data filled, >= 3 teachers added (still in the registry)',
 'organisations in scope'),
('staff_using', 'person', false,
 'teachers (role teacher) of state and municipal general, spo, preschool and do organisations, in the registry that week',
 'distinct teachers with a verified profile (role confirmed and added to the community) by the end of the week',
 'distinct teachers in scope'),
('active_teachers', 'person', true,
 'teachers of state and municipal general, spo, preschool and do organisations, in the registry that week',
 'distinct teachers with status «Активен»: verified and >= 10 messages written in the week on the platform',
 'distinct teachers in scope'),
('chats_10_per_week', 'chat', true,
 'chats of state and municipal educational organisations created by a teacher of that organisation, open on some day of the week (created_on <= Sunday, closed_on after Monday)',
 'chats with >= 10 messages in the week', 'chats in scope open during the week'),
('staff_weekly_writers', 'person', true,
 'employees (roles teacher and staff) of state and municipal general, spo and do organisations (preschool excluded), in the registry that week',
 'distinct employees who wrote >= 1 message in the week on the platform', 'distinct employees in scope'),
('learners_parents_weekly', 'person', true,
 'pupils and parents of state and municipal general, spo and do organisations (preschool excluded)',
 'distinct pupils and parents who read or wrote >= 1 message in the week on the platform',
 'pupils in the statistical forms of the school year x 2 (one parent per pupil)'),
('national_only_users', 'person', false,
 'members of state and municipal organisations of every kind but preschool, in the registry that week',
 'distinct people active in the week only on the national messenger',
 'distinct people active in the week on either platform'),
('officials_weekly_writers', 'person', true,
 'staff of roiv, omsu and their subordinate bodies (kinds subordinate and dpo), state and municipal',
 'distinct staff who wrote >= 1 message in the week on the platform',
 'actual headcount of those bodies from the statistical forms (ministry data)');

CREATE FUNCTION @extschema@.comment_kpi_view(views_schema name, view_name name, description text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    col record;
BEGIN
    EXECUTE format('COMMENT ON VIEW %I.%I IS %L', views_schema, view_name, description);
    FOR col IN
        SELECT a.attname, c.comment
        FROM pg_attribute a
        JOIN (VALUES
            ('indicator', 'Indicator code (see sferum_kpi.target and sferum_kpi.indicator_definition).'),
            ('week_start', 'Monday of the ISO week (local time of the region).'),
            ('platform', 'vk, national, or any for indicators without a platform.'),
            ('level', 'region, municipality, org_kind or organisation: which grouping the row is.'),
            ('region_code', 'Region code.'),
            ('region_name', 'Region name.'),
            ('municipality_id', 'Municipality (municipality and organisation levels; NULL for regional bodies).'),
            ('municipality_name', 'Municipality name.'),
            ('org_kind', 'Organisation kind (org_kind and organisation levels).'),
            ('org_id', 'Organisation id (organisation level).'),
            ('org_name', 'Organisation name (organisation level).'),
            ('numerator', 'Units counted (distinct people, organisations or chats in the group).'),
            ('denominator', 'Population of the group (distinct units in scope, or the statistical-form figure).'),
            ('share', 'numerator / denominator; NULL when the denominator is 0.'),
            ('previous_share', 'Share of the week before.'),
            ('change', 'share - previous_share.'),
            ('trend', 'Shares of the last 8 weeks, oldest first, as a bar per week (▁ = 0 %, █ = 100 %, · = no value).'),
            ('title_ru', 'Indicator title in Russian.'),
            ('title_en', 'Indicator title in English.'),
            ('kind', 'computed (from activity) or milestone (loaded counts).'),
            ('target_stage', 'Target stage for the week: the earliest deadline on or after the week''s Monday.'),
            ('target_deadline', 'Deadline of that stage.'),
            ('target_comparison', '>= or >.'),
            ('target_threshold', 'Threshold of that stage (the baseline for baseline stages); NULL when unknown.'),
            ('target_met', 'Whether the value meets the stage; NULL when unknown.'),
            ('target_due', 'true when the stage''s deadline falls on or before the week''s Sunday.'),
            ('target_in_force', 'false while the stage awaits its normative acts.'),
            ('short_by', 'How many more units (same denominator) would meet the stage.')
        ) c(name, comment) ON c.name = a.attname
        WHERE a.attrelid = format('%I.%I', views_schema, view_name)::regclass AND a.attnum > 0
    LOOP
        EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS %L', views_schema, view_name, col.attname, col.comment);
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.comment_kpi_view(name, name, text) IS
'Internal: comment a KPI view and each of its columns (BI tools show these comments).';

CREATE FUNCTION @extschema@.create_kpi_views(mart_schema name, views_schema name DEFAULT 'kpi')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    m text := quote_ident(mart_schema);
    v text := quote_ident(views_schema);
    -- one week of activity per person and platform (lateral on wk)
    pw constant text := $q$(SELECT a.person_id, a.platform, sum(a.messages_written) AS written,
               sum(a.messages_read) AS read
          FROM @m.activity_daily a WHERE a.day BETWEEN :W AND :E
          GROUP BY a.person_id, a.platform)$q$;
    org constant text := $q$@m.organisation o$q$;
    -- ids only: names are joined after the aggregate, so the grouping sorts integers, not text
    cols constant text := $q$o.region_code, o.municipality_id, o.kind AS org_kind, o.org_id$q$;
    in_registry constant text := $q$m.since <= :E AND (m.until IS NULL OR m.until >= :W)$q$;
    platforms constant text := $q$(VALUES ('vk'::text), ('national'::text)) pf(platform)$q$;
    verified constant text := $q$@x.profile_is_verified(coalesce(m.role_confirmed_on <= :E, false), coalesce(m.sferum_added_on <= :E, false))$q$;
    -- Distinct units per group with the raw-row aggregate of release 1.1: a
    -- unit counts once however many rows (memberships) it has in the group;
    -- rows with a NULL unit (population rows) are ignored by it.
    counted constant text := '@extschema@.weekly_active_ratio(b.unit_id, b.active::integer::bigint, 1, NULL::bigint)';
    defs text[][];
    def text[];
    base text;
    sql text;
    views text[] := '{}';
BEGIN
    IF mart_schema IS NULL OR views_schema IS NULL THEN
        RAISE EXCEPTION 'mart_schema and views_schema must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF to_regclass(format('%s.activity_daily', m)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no data mart', mart_schema
            USING ERRCODE = '42P01', HINT = 'Create one with sferum_kpi.create_mart(schema) first.';
    END IF;

    -- indicator, per-week base rows (platform, org columns, unit_id, active, population), counting mode
    defs := ARRAY[
      ARRAY['orgs_connected', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(o.registered_on <= :E, false) AS active, 0::bigint AS population
        FROM @org
        WHERE o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['spo_registered', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(o.registered_on <= :E, false) AS active, 0::bigint AS population
        FROM @org
        WHERE o.kind = 'spo' AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['ejournal_connected', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(o.ejournal_connected_on <= :E, false) AS active, 0::bigint AS population
        FROM @org
        WHERE o.kind = 'general' AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['active_orgs', $q$
        SELECT 'any'::text AS platform, @cols, o.org_id AS unit_id,
               coalesce(@x.org_is_active(coalesce(o.admin_logged_in_on <= :E, false),
                                         coalesce(o.data_filled_on <= :E, false),
                                         coalesce(ta.teachers_added, 0)::integer), false) AS active,
               0::bigint AS population
        FROM @org
        LEFT JOIN (SELECT m.org_id, count(*) AS teachers_added FROM @m.membership m
                   WHERE m.role = 'teacher' AND m.sferum_added_on <= :E AND @in_registry
                   GROUP BY m.org_id) ta ON ta.org_id = o.org_id
        WHERE o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership <> 'private'$q$, 'unit'],
      ARRAY['staff_using', $q$
        SELECT 'any'::text AS platform, @cols, m.person_id AS unit_id,
               coalesce(@verified, false) AS active, 0::bigint AS population
        FROM @m.membership m JOIN @org ON o.org_id = m.org_id
        WHERE m.role = 'teacher' AND o.kind IN ('general', 'spo', 'preschool', 'do')
          AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['active_teachers', $q$
        SELECT pf.platform, @cols, m.person_id AS unit_id,
               coalesce(@x.teacher_is_active(@verified, coalesce(pw.written, 0)), false) AS active,
               0::bigint AS population
        FROM @m.membership m JOIN @org ON o.org_id = m.org_id
        CROSS JOIN @platforms
        LEFT JOIN @pw pw ON pw.person_id = m.person_id AND pw.platform = pf.platform
        WHERE m.role = 'teacher' AND o.kind IN ('general', 'spo', 'preschool', 'do')
          AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['chats_10_per_week', $q$
        SELECT c.platform, @cols, c.chat_id AS unit_id,
               -- per chat through the (chat_id, day) key: a join to the week's
               -- per-chat sums invites a nested loop over an aggregate
               coalesce((SELECT sum(cd.messages) FROM @m.chat_daily cd
                         WHERE cd.chat_id = c.chat_id AND cd.day BETWEEN :W AND :E), 0) >= 10 AS active,
               0::bigint AS population
        FROM @m.chat c JOIN @org ON o.org_id = c.org_id
        -- closed_on is the first day without new messages: open on some day of the week
        WHERE c.created_on <= :E AND (c.closed_on IS NULL OR c.closed_on > :W)
          AND o.kind IN ('general', 'preschool', 'spo', 'do', 'dpo') AND o.ownership <> 'private'
          AND EXISTS (SELECT 1 FROM @m.membership m
                      WHERE m.person_id = c.creator_person_id AND m.org_id = c.org_id AND m.role = 'teacher')$q$, 'unit'],
      ARRAY['staff_weekly_writers', $q$
        SELECT pf.platform, @cols, m.person_id AS unit_id,
               coalesce(pw.written, 0) >= 1 AS active, 0::bigint AS population
        FROM @m.membership m JOIN @org ON o.org_id = m.org_id
        CROSS JOIN @platforms
        LEFT JOIN @pw pw ON pw.person_id = m.person_id AND pw.platform = pf.platform
        WHERE m.role IN ('teacher', 'staff') AND o.kind IN ('general', 'spo', 'do')
          AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['learners_parents_weekly', $q$
        SELECT pw.platform, @cols, m.person_id AS unit_id, true AS active, 0::bigint AS population
        FROM @pw pw JOIN @m.membership m ON m.person_id = pw.person_id JOIN @org ON o.org_id = m.org_id
        WHERE pw.written + pw.read >= 1 AND m.role IN ('pupil', 'parent')
          AND o.kind IN ('general', 'spo', 'do') AND o.ownership <> 'private' AND @in_registry
        UNION ALL
        SELECT pf.platform, @cols, NULL::bigint, false, 2 * sf.pupils::bigint
        FROM @org JOIN @m.stat_form sf ON sf.org_id = o.org_id AND sf.school_year = @x.school_year(:W)
        CROSS JOIN @platforms
        WHERE o.kind IN ('general', 'spo', 'do') AND o.ownership <> 'private'$q$, 'population'],
      ARRAY['national_only_users', $q$
        SELECT 'any'::text AS platform, @cols, m.person_id AS unit_id,
               u.on_national AND NOT u.on_vk AS active, 0::bigint AS population
        FROM (SELECT pw.person_id, bool_or(pw.platform = 'national') AS on_national,
                     bool_or(pw.platform = 'vk') AS on_vk
              FROM @pw pw WHERE pw.written + pw.read >= 1 GROUP BY pw.person_id) u
        JOIN @m.membership m ON m.person_id = u.person_id JOIN @org ON o.org_id = m.org_id
        WHERE o.kind <> 'preschool' AND o.ownership <> 'private' AND @in_registry$q$, 'unit'],
      ARRAY['officials_weekly_writers', $q$
        SELECT pw.platform, @cols, m.person_id AS unit_id, true AS active, 0::bigint AS population
        FROM @pw pw JOIN @m.membership m ON m.person_id = pw.person_id JOIN @org ON o.org_id = m.org_id
        WHERE pw.written >= 1 AND m.role IN ('official', 'staff', 'teacher')
          AND o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') AND o.ownership <> 'private' AND @in_registry
        UNION ALL
        SELECT pf.platform, @cols, NULL::bigint, false, sf.authority_headcount::bigint
        FROM @org JOIN @m.stat_form sf ON sf.org_id = o.org_id AND sf.school_year = @x.school_year(:W)
        CROSS JOIN @platforms
        WHERE o.kind IN ('roiv', 'omsu', 'subordinate', 'dpo') AND o.ownership <> 'private'$q$, 'population']
    ];

    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', v);

    FOREACH def SLICE 1 IN ARRAY defs LOOP
        base := replace(replace(replace(replace(replace(replace(replace(def[2],
                    '@pw', pw), '@org', org), '@cols', cols), '@in_registry', in_registry),
                    '@platforms', platforms), '@verified', verified), '@x.', '@extschema@.');
        sql := format($v$
CREATE VIEW %1$s.%2$I AS
SELECT %3$L::text AS indicator, wk.week_start, a.platform, a.level,
       a.region_code, a.municipality_id, mu.name AS municipality_name, a.org_kind, a.org_id, og.name AS org_name,
       a.numerator, a.denominator,
       CASE WHEN a.denominator > 0 THEN a.numerator::double precision / a.denominator END AS share,
       t.stage AS target_stage, t.deadline AS target_deadline, t.threshold AS target_threshold,
       t.met AS target_met, wk.week_start + 6 >= t.deadline AS target_due, t.in_force AS target_in_force
FROM (SELECT w::date AS week_start
      FROM generate_series((SELECT @extschema@.week_start(min(d.day)) FROM @m.activity_daily d)::timestamp,
                           (SELECT max(d.day) FROM @m.activity_daily d)::timestamp,
                           interval '7 days') AS w) wk
CROSS JOIN LATERAL (
    SELECT b.platform,
           CASE WHEN grouping(b.org_id) = 0 THEN 'organisation'
                WHEN grouping(b.municipality_id) = 0 THEN 'municipality'
                WHEN grouping(b.org_kind) = 0 THEN 'org_kind'
                ELSE 'region' END AS level,
           b.region_code, b.municipality_id, b.org_kind, b.org_id,
           coalesce(@extschema@.numerator(%4$s), 0) AS numerator, %5$s AS denominator
    FROM (%6$s) b
    GROUP BY GROUPING SETS (
        (b.platform, b.region_code),
        (b.platform, b.region_code, b.municipality_id),
        (b.platform, b.region_code, b.org_kind),
        (b.platform, b.region_code, b.municipality_id, b.org_kind, b.org_id))
) a
LEFT JOIN @m.municipality mu ON mu.municipality_id = a.municipality_id
LEFT JOIN @m.organisation og ON og.org_id = a.org_id
-- a DBA may delete an indicator's targets: the rows stay, with NULL target columns
LEFT JOIN LATERAL (
    SELECT s.* FROM @extschema@.target_status(%3$L,
                        @extschema@.kpi_ratio(LEAST(a.numerator, a.denominator), a.denominator),
                        wk.week_start, a.region_code) s
    WHERE EXISTS (SELECT 1 FROM @extschema@.target tt WHERE tt.indicator = %3$L)) t ON true$v$,
            v, def[1], def[1], counted,
            CASE def[3] WHEN 'unit' THEN format('coalesce(@extschema@.denominator(%s), 0)', counted)
                        ELSE 'coalesce(sum(b.population), 0)::bigint' END,
            base);
        sql := replace(replace(replace(sql, '@m.', m || '.'), ':W', 'wk.week_start'), ':E', '(wk.week_start + 6)');
        EXECUTE sql;
        views := views || def[1];
        PERFORM @extschema@.comment_kpi_view(views_schema, def[1],
            format('Indicator %s per week, platform and level (region, municipality, org_kind, organisation): %s / %s. Aggregates only.',
                   def[1],
                   (SELECT d.numerator FROM @extschema@.indicator_definition d WHERE d.indicator = def[1]),
                   (SELECT d.denominator FROM @extschema@.indicator_definition d WHERE d.indicator = def[1])));
    END LOOP;

    -- every indicator in one long result
    EXECUTE format('CREATE VIEW %s.all_indicators AS %s', v,
                   (SELECT string_agg(format('SELECT * FROM %s.%I', v, x), E'\nUNION ALL ') FROM unnest(views) x));
    PERFORM @extschema@.comment_kpi_view(views_schema, 'all_indicators',
        'Every computed indicator in one result (long format): indicator, week, platform, level, group, numerator, denominator, share, target.');

    EXECUTE replace(replace(format($v$
CREATE VIEW %1$s.dashboard AS
WITH latest AS (
    -- the latest complete week: the last week whose Sunday has activity data
    SELECT r.region_code, r.name AS region_name,
           @extschema@.week_start((SELECT max(a.day) FROM @m.activity_daily a) + 1) - 7 AS week_start
    FROM @m.region r
), indicators AS (
    SELECT DISTINCT ON (t.indicator) t.indicator, t.kind, t.title_ru, t.title_en
    FROM @extschema@.target t
    WHERE t.kind = 'milestone'
       OR t.indicator IN (SELECT d.indicator FROM @extschema@.indicator_definition d)
    ORDER BY t.indicator, t.stage
), cur AS (
    SELECT l.region_code, l.region_name, i.indicator, i.kind, i.title_ru, i.title_en, l.week_start,
           CASE WHEN i.kind = 'milestone' THEN 'any'
                WHEN NOT coalesce((SELECT d.per_platform FROM @extschema@.indicator_definition d
                                   WHERE d.indicator = i.indicator), false) THEN 'any'
                WHEN @extschema@.school_year(l.week_start) >= 2025 THEN 'national'
                ELSE 'vk' END AS platform
    FROM latest l CROSS JOIN indicators i
    WHERE l.week_start IS NOT NULL
), val AS (
    SELECT c.*,
           CASE WHEN c.kind = 'milestone' THEN
               (SELECT @extschema@.kpi_ratio(mp.done, mp.total) FROM @m.milestone_progress mp
                WHERE mp.region_code = c.region_code AND mp.indicator = c.indicator
                  AND mp.reported_on <= c.week_start + 6
                ORDER BY mp.reported_on DESC LIMIT 1)
           ELSE
               (SELECT h.value FROM @extschema@.indicator_history h
                WHERE h.region_code = c.region_code AND h.indicator = c.indicator
                  AND h.platform = c.platform AND h.week = c.week_start)
           END AS value,
           (SELECT h.value FROM @extschema@.indicator_history h
            WHERE h.region_code = c.region_code AND h.indicator = c.indicator
              AND h.platform = c.platform AND h.week = c.week_start - 7) AS previous,
           (SELECT string_agg(CASE WHEN h.value IS NULL OR @extschema@.share(h.value) IS NULL THEN '·'
                                   ELSE substr('▁▂▃▄▅▆▇█', 1 + least(7, floor(@extschema@.share(h.value) * 8))::integer, 1)
                              END, '' ORDER BY w.week)
            FROM generate_series((c.week_start - 49)::timestamp, c.week_start::timestamp, interval '7 days') AS w(week)
            LEFT JOIN @extschema@.indicator_history h
                   ON h.region_code = c.region_code AND h.indicator = c.indicator
                  AND h.platform = c.platform AND h.week = w.week::date) AS trend
    FROM cur c
)
SELECT v.region_code, v.region_name, v.indicator, v.title_ru, v.title_en, v.kind, v.platform, v.week_start,
       @extschema@.numerator(v.value) AS numerator, @extschema@.denominator(v.value) AS denominator,
       @extschema@.share(v.value) AS share,
       @extschema@.share(v.previous) AS previous_share,
       @extschema@.share(v.value) - @extschema@.share(v.previous) AS change,
       v.trend,
       s.stage AS target_stage, s.deadline AS target_deadline, s.comparison AS target_comparison,
       s.threshold AS target_threshold, s.met AS target_met,
       v.week_start + 6 >= s.deadline AS target_due, s.in_force AS target_in_force, s.short_by
FROM val v
LEFT JOIN LATERAL @extschema@.target_status(v.indicator, v.value, v.week_start, v.region_code) s ON true$v$, v),
        '@m.', m || '.'), '@x.', '@extschema@.');
    PERFORM @extschema@.comment_kpi_view(views_schema, 'dashboard',
        'One row per region and indicator: the latest complete week from indicator_history (milestones: the latest loaded counts) against the target stage for that week, with the previous week, the change and an 8-week trend.');
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_kpi_views(name, name) IS
'Create the KPI views over a data mart in views_schema (default kpi): one view per indicator, all_indicators, dashboard. The views are not extension members; DROP EXTENSION refuses while they exist.';

--------------------------------------------------------------------------------
-- History: weekly region-level values into indicator_history
--------------------------------------------------------------------------------

CREATE FUNCTION @extschema@.snapshot_week(views_schema name, week date)
RETURNS integer
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- JIT-compiling the union of every indicator's plan costs seconds and saves nothing here
SET jit = off
AS $fn$
DECLARE
    changed integer;
BEGIN
    IF views_schema IS NULL OR week IS NULL THEN
        RAISE EXCEPTION 'views_schema and week must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF to_regclass(format('%I.all_indicators', views_schema)) IS NULL THEN
        RAISE EXCEPTION 'schema "%" holds no KPI views', views_schema
            USING ERRCODE = '42P01', HINT = 'Create them with sferum_kpi.create_kpi_views(mart_schema, views_schema).';
    END IF;
    -- Region level of every indicator.  A numerator above a statistical-form
    -- denominator (registry ahead of the forms) is stored capped at it.
    -- Re-running a week changes nothing unless a value changed.
    EXECUTE format($q$
        INSERT INTO @extschema@.indicator_history AS h (region_code, indicator, platform, week, value)
        SELECT k.region_code, k.indicator, k.platform, k.week_start,
               @extschema@.kpi_ratio(LEAST(k.numerator, k.denominator), k.denominator)
        FROM %I.all_indicators k
        WHERE k.week_start = $1 AND k.level = 'region'
        ON CONFLICT (region_code, indicator, platform, week) DO UPDATE
            SET value = EXCLUDED.value, computed_at = pg_catalog.now()
            WHERE h.value::text IS DISTINCT FROM EXCLUDED.value::text$q$, views_schema)
    USING @extschema@.week_start(week);
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END
$fn$;
COMMENT ON FUNCTION @extschema@.snapshot_week(name, date) IS
'Compute the region-level value of every indicator for the week containing `week` from the KPI views and store it in indicator_history. Idempotent: returns the number of rows inserted or changed (0 on a re-run).';

CREATE FUNCTION @extschema@.backfill(views_schema name, from_week date, to_week date)
RETURNS TABLE (week date, rows_changed integer)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    w date;
BEGIN
    IF from_week IS NULL OR to_week IS NULL OR from_week > to_week THEN
        RAISE EXCEPTION 'from_week and to_week must be dates with from_week <= to_week'
            USING ERRCODE = '22023';
    END IF;
    w := @extschema@.week_start(from_week);
    WHILE w <= to_week LOOP
        week := w;
        rows_changed := @extschema@.snapshot_week(views_schema, w);
        RETURN NEXT;
        w := w + 7;
    END LOOP;
END
$fn$;
COMMENT ON FUNCTION @extschema@.backfill(name, date, date) IS
'Run snapshot_week for every week from from_week to to_week (e.g. school year 2024/2025 on vk gives the stage-1 baselines). One row per week with the rows it changed.';
