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
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema), ARRAY[mart_schema]);
    IF EXISTS (SELECT 1 FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid
               WHERE n.nspname = mart_schema AND c.relname = 'activity_daily') THEN
        RAISE EXCEPTION 'schema "%" already holds a data mart', mart_schema
            USING ERRCODE = '42P07',
                  HINT = 'create_mart() never replaces existing tables; use another schema or drop this one first.';
    END IF;
    EXECUTE format('CREATE SCHEMA IF NOT EXISTS %s', s);
    EXECUTE @extschema@.render($ddl$
CREATE TABLE {{mart:I}}.region (
    region_code text PRIMARY KEY CHECK (length(region_code) BETWEEN 1 AND 63),
    name        text NOT NULL,
    time_zone   text NOT NULL CHECK (timestamptz '2000-01-01 00:00+00' AT TIME ZONE time_zone IS NOT NULL)
);
COMMENT ON TABLE {{mart:I}}.region IS 'Regions (субъекты РФ) held in this mart.';
COMMENT ON COLUMN {{mart:I}}.region.region_code IS 'Region code, e.g. 50 for Moscow oblast, 65 for Sakhalin.';
COMMENT ON COLUMN {{mart:I}}.region.name IS 'Region name.';
COMMENT ON COLUMN {{mart:I}}.region.time_zone IS 'IANA time zone of the region (weeks are local): Europe/Moscow, Asia/Sakhalin.';

CREATE TABLE {{mart:I}}.municipality (
    municipality_id bigint PRIMARY KEY,
    region_code     text NOT NULL REFERENCES {{mart:I}}.region,
    name            text NOT NULL
);
CREATE INDEX ON {{mart:I}}.municipality (region_code);
COMMENT ON TABLE {{mart:I}}.municipality IS 'Municipalities (муниципальные образования) of a region.';
COMMENT ON COLUMN {{mart:I}}.municipality.municipality_id IS 'Municipality id.';
COMMENT ON COLUMN {{mart:I}}.municipality.region_code IS 'Region of the municipality.';
COMMENT ON COLUMN {{mart:I}}.municipality.name IS 'Municipality name.';

CREATE TABLE {{mart:I}}.organisation (
    org_id                bigint PRIMARY KEY,
    region_code           text NOT NULL REFERENCES {{mart:I}}.region,
    municipality_id       bigint REFERENCES {{mart:I}}.municipality,
    parent_org_id         bigint REFERENCES {{mart:I}}.organisation,
    name                  text NOT NULL,
    kind                  text NOT NULL CHECK (kind IN ('general', 'preschool', 'spo', 'do', 'dpo', 'roiv', 'omsu', 'subordinate')),
    ownership             text NOT NULL CHECK (ownership IN ('state', 'municipal', 'private')),
    pedagogical_college   boolean NOT NULL DEFAULT false,
    registered_on         date,
    admin_logged_in_on    date,
    data_filled_on        date,
    ejournal_connected_on date
);
CREATE INDEX ON {{mart:I}}.organisation (region_code, municipality_id);
COMMENT ON TABLE {{mart:I}}.organisation IS 'Organisations: schools, colleges, kindergartens, education authorities and their subordinate bodies (spec §2). Status dates let status be computed as of any week.';
COMMENT ON COLUMN {{mart:I}}.organisation.org_id IS 'Organisation id.';
COMMENT ON COLUMN {{mart:I}}.organisation.region_code IS 'Region of the organisation.';
COMMENT ON COLUMN {{mart:I}}.organisation.municipality_id IS 'Municipality; NULL for regional bodies.';
COMMENT ON COLUMN {{mart:I}}.organisation.parent_org_id IS 'Authority (roiv/omsu) a subordinate body reports to.';
COMMENT ON COLUMN {{mart:I}}.organisation.name IS 'Short name.';
COMMENT ON COLUMN {{mart:I}}.organisation.kind IS 'general, preschool, spo, do, dpo, roiv, omsu or subordinate (spec §2).';
COMMENT ON COLUMN {{mart:I}}.organisation.ownership IS 'state, municipal or private; private organisations are outside every indicator scope.';
COMMENT ON COLUMN {{mart:I}}.organisation.pedagogical_college IS 'An spo organisation that is a pedagogical college (roadmap item 15).';
COMMENT ON COLUMN {{mart:I}}.organisation.registered_on IS 'Date the organisation was registered (connected) on Sferum; NULL = not registered.';
COMMENT ON COLUMN {{mart:I}}.organisation.admin_logged_in_on IS 'Date the administrator first logged in; NULL = never.';
COMMENT ON COLUMN {{mart:I}}.organisation.data_filled_on IS 'Date the administrator filled in the organisation data; NULL = not yet.';
COMMENT ON COLUMN {{mart:I}}.organisation.ejournal_connected_on IS 'Date the e-journal/diary was connected to Sferum (or «Моя школа» adopted); NULL = not yet.';

CREATE TABLE {{mart:I}}.person (
    person_id   bigint PRIMARY KEY,
    region_code text NOT NULL REFERENCES {{mart:I}}.region
);
COMMENT ON TABLE {{mart:I}}.person IS 'People, by id only: no names or contacts are needed to compute indicators. Personal data: never exposed by the KPI views.';
COMMENT ON COLUMN {{mart:I}}.person.person_id IS 'Person id (the platform user).';
COMMENT ON COLUMN {{mart:I}}.person.region_code IS 'Region of the person.';

CREATE TABLE {{mart:I}}.membership (
    person_id         bigint NOT NULL REFERENCES {{mart:I}}.person,
    org_id            bigint NOT NULL REFERENCES {{mart:I}}.organisation,
    role              text NOT NULL CHECK (role IN ('teacher', 'staff', 'official', 'pupil', 'parent')),
    since             date NOT NULL,
    until             date,
    sferum_added_on   date,
    role_confirmed_on date,
    PRIMARY KEY (person_id, org_id, role),
    CHECK (until IS NULL OR until >= since)
);
CREATE INDEX ON {{mart:I}}.membership (org_id, role);
COMMENT ON TABLE {{mart:I}}.membership IS 'Who belongs to which organisation in which role: the registry (employees, pupils, parents, officials), with the dates they joined the organisation''s Sferum community.';
COMMENT ON COLUMN {{mart:I}}.membership.person_id IS 'Person.';
COMMENT ON COLUMN {{mart:I}}.membership.org_id IS 'Organisation.';
COMMENT ON COLUMN {{mart:I}}.membership.role IS 'teacher (pedagogical worker), staff (other employee), official (authority staff), pupil, parent.';
COMMENT ON COLUMN {{mart:I}}.membership.since IS 'First day in the registry (employment, enrolment).';
COMMENT ON COLUMN {{mart:I}}.membership.until IS 'Last day in the registry; NULL = still there.';
COMMENT ON COLUMN {{mart:I}}.membership.sferum_added_on IS 'Date the person was added to the organisation''s Sferum community; NULL = not added.';
COMMENT ON COLUMN {{mart:I}}.membership.role_confirmed_on IS 'Date the teacher role was confirmed (verified profile together with community membership); NULL = not confirmed.';

CREATE TABLE {{mart:I}}.stat_form (
    org_id              bigint NOT NULL REFERENCES {{mart:I}}.organisation,
    school_year         integer NOT NULL,
    pupils              integer NOT NULL DEFAULT 0 CHECK (pupils >= 0),
    staff_headcount     integer NOT NULL DEFAULT 0 CHECK (staff_headcount >= 0),
    authority_headcount integer NOT NULL DEFAULT 0 CHECK (authority_headcount >= 0),
    PRIMARY KEY (org_id, school_year)
);
COMMENT ON TABLE {{mart:I}}.stat_form IS 'Statistical-form counts per organisation and school year (ОО-1, СПО-1, ministry headcount).';
COMMENT ON COLUMN {{mart:I}}.stat_form.org_id IS 'Organisation.';
COMMENT ON COLUMN {{mart:I}}.stat_form.school_year IS 'School year by its starting year (2025 = 2025/2026).';
COMMENT ON COLUMN {{mart:I}}.stat_form.pupils IS 'Pupils declared in the statistical forms (indicator 2 denominator: pupils x 2).';
COMMENT ON COLUMN {{mart:I}}.stat_form.staff_headcount IS 'Employees declared in the statistical forms.';
COMMENT ON COLUMN {{mart:I}}.stat_form.authority_headcount IS 'Actual headcount of an authority or subordinate body (ministry data; indicator 4 denominator).';

CREATE TABLE {{mart:I}}.activity_daily (
    person_id        bigint NOT NULL,
    day              date NOT NULL CHECK (isfinite(day)),
    platform         text NOT NULL CHECK (platform IN ('vk', 'national')),
    messages_written integer NOT NULL DEFAULT 0 CHECK (messages_written >= 0),
    messages_read    integer NOT NULL DEFAULT 0 CHECK (messages_read >= 0),
    PRIMARY KEY (person_id, day, platform)
);
CREATE INDEX ON {{mart:I}}.activity_daily (day);
COMMENT ON TABLE {{mart:I}}.activity_daily IS 'Daily activity per person and platform, by the region''s local calendar day.';
COMMENT ON COLUMN {{mart:I}}.activity_daily.person_id IS 'Person.';
COMMENT ON COLUMN {{mart:I}}.activity_daily.day IS 'Local calendar day; it belongs to the ISO week of that day.';
COMMENT ON COLUMN {{mart:I}}.activity_daily.platform IS 'vk (VK Messenger) or national (the national messenger).';
COMMENT ON COLUMN {{mart:I}}.activity_daily.messages_written IS 'Messages the person sent that day (every sent message counts one).';
COMMENT ON COLUMN {{mart:I}}.activity_daily.messages_read IS 'Messages the person read that day.';

CREATE TABLE {{mart:I}}.chat (
    chat_id           bigint PRIMARY KEY,
    org_id            bigint NOT NULL REFERENCES {{mart:I}}.organisation,
    creator_person_id bigint NOT NULL REFERENCES {{mart:I}}.person,
    platform          text NOT NULL CHECK (platform IN ('vk', 'national')),
    created_on        date NOT NULL,
    closed_on         date
);
CREATE INDEX ON {{mart:I}}.chat (org_id);
COMMENT ON TABLE {{mart:I}}.chat IS 'Chats, with the organisation and the person who created them.';
COMMENT ON COLUMN {{mart:I}}.chat.chat_id IS 'Chat id.';
COMMENT ON COLUMN {{mart:I}}.chat.org_id IS 'Organisation the chat belongs to.';
COMMENT ON COLUMN {{mart:I}}.chat.creator_person_id IS 'Person who created the chat.';
COMMENT ON COLUMN {{mart:I}}.chat.platform IS 'vk or national.';
COMMENT ON COLUMN {{mart:I}}.chat.created_on IS 'Creation date.';
COMMENT ON COLUMN {{mart:I}}.chat.closed_on IS 'Date the chat was closed: the first day without new messages; NULL = open.';

CREATE TABLE {{mart:I}}.chat_daily (
    chat_id  bigint NOT NULL REFERENCES {{mart:I}}.chat,
    day      date NOT NULL CHECK (isfinite(day)),
    messages integer NOT NULL CHECK (messages >= 0),
    PRIMARY KEY (chat_id, day)
);
CREATE INDEX ON {{mart:I}}.chat_daily (day);
COMMENT ON TABLE {{mart:I}}.chat_daily IS 'Messages per chat and local day.';
COMMENT ON COLUMN {{mart:I}}.chat_daily.chat_id IS 'Chat.';
COMMENT ON COLUMN {{mart:I}}.chat_daily.day IS 'Local calendar day.';
COMMENT ON COLUMN {{mart:I}}.chat_daily.messages IS 'Messages written in the chat that day.';

CREATE TABLE {{mart:I}}.milestone_progress (
    region_code text NOT NULL REFERENCES {{mart:I}}.region,
    indicator   text NOT NULL,
    reported_on date NOT NULL,
    done        bigint NOT NULL CHECK (done >= 0),
    total       bigint NOT NULL CHECK (total >= done),
    PRIMARY KEY (region_code, indicator, reported_on)
);
COMMENT ON TABLE {{mart:I}}.milestone_progress IS 'Counts a DBA loads for the roadmap milestones (spec §4b: channels moved, staff trained, modules included); not computed from activity.';
COMMENT ON COLUMN {{mart:I}}.milestone_progress.region_code IS 'Region.';
COMMENT ON COLUMN {{mart:I}}.milestone_progress.indicator IS 'Milestone indicator code (kind milestone in sferum_kpi.target).';
COMMENT ON COLUMN {{mart:I}}.milestone_progress.reported_on IS 'Date the counts refer to.';
COMMENT ON COLUMN {{mart:I}}.milestone_progress.done IS 'Units done (channels moved, staff trained, organisations that included the module).';
COMMENT ON COLUMN {{mart:I}}.milestone_progress.total IS 'All units.';
$ddl$, jsonb_build_object('mart', mart_schema));
    PERFORM @extschema@.create_school_calendar(mart_schema);
    PERFORM @extschema@.create_roadmap_progress(mart_schema);
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_mart(name) IS
'Create the reference data-mart tables (regions, municipalities, organisations, people, memberships, statistical forms, daily activity, chats, school holidays, reported roadmap progress) in a schema. The tables are not extension members: DROP EXTENSION never drops them.';


-- A table the DBA owns in a data mart, added by a later release (1.5: the
-- school calendar, the roadmap's progress): created when missing, by
-- create_mart() and by the update for the marts made before.
CREATE FUNCTION @extschema@.create_mart_table(mart_schema name, table_name name, ddl text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'table_name', table_name, 'ddl', ddl),
                                     ARRAY[mart_schema, table_name]);
    PERFORM @extschema@.require_schema(mart_schema, 'data mart', 'Create one with sferum_kpi.create_mart(schema) first.', '{region}');
    IF to_regclass(format('%I.%I', mart_schema, table_name)) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE @extschema@.render(ddl, jsonb_build_object('mart', mart_schema));
    RETURN true;
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_mart_table(name, name, text) IS
'Internal: create the table table_name of a data mart when it has none, with ddl (a render() template; {{mart:I}} is the mart); returns whether it did. 42P01 when mart_schema holds no data mart. The table is the DBA''s, not an extension member (create_school_calendar, create_roadmap_progress).';

-- The school calendar (1.5): each region loads its own holidays.  A separate
-- function, because the 1.5 update adds the table to the marts made before.
CREATE FUNCTION @extschema@.create_school_calendar(mart_schema name)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema), ARRAY[mart_schema]);
    RETURN @extschema@.create_mart_table(mart_schema, 'school_holiday', $ddl$
CREATE TABLE {{mart:I}}.school_holiday (
    region_code text NOT NULL REFERENCES {{mart:I}}.region,
    first_day   date NOT NULL,
    last_day    date NOT NULL,
    kind        text NOT NULL CONSTRAINT school_holiday_kind CHECK (kind IN ('autumn', 'winter', 'spring', 'summer', 'other')),
    PRIMARY KEY (region_code, first_day),
    CONSTRAINT school_holiday_last_day_not_before_first_day CHECK (last_day >= first_day)
);
COMMENT ON TABLE {{mart:I}}.school_holiday IS 'School holidays (каникулы) of each region, loaded by the region: a week with at least 3 of its Monday-Friday days in a holiday is a holiday week (flagged in the store, left out of the forecasts'' trend and of "gone quiet"). A region without rows has no holiday weeks, and data_quality says that no calendar is loaded.';
COMMENT ON COLUMN {{mart:I}}.school_holiday.region_code IS 'Region whose schools are on holiday (a region of the mart).';
COMMENT ON COLUMN {{mart:I}}.school_holiday.first_day IS 'First day of the holiday (local date).';
COMMENT ON COLUMN {{mart:I}}.school_holiday.last_day IS 'Last day of the holiday, inclusive; not before first_day.';
COMMENT ON COLUMN {{mart:I}}.school_holiday.kind IS 'autumn, winter, spring, summer or other (осенние, зимние, весенние, летние, другие каникулы).';
$ddl$);
END
$fn$;
COMMENT ON FUNCTION @extschema@.create_school_calendar(name) IS
'Create the table school_holiday (region_code, first_day, last_day, kind) in a data mart when it has none; returns whether it did. create_mart() calls it; the 1.5 update runs it for every mart made before. The table is the DBA''s, not an extension member.';

CREATE FUNCTION @extschema@.holiday_weeks(mart_schema name, from_week date, to_week date)
RETURNS TABLE (region_code text, week_start date, holiday boolean, holiday_kind text, holiday_days integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    PERFORM @extschema@.require_args(jsonb_build_array('mart_schema', mart_schema, 'from_week', from_week, 'to_week', to_week));
    PERFORM @extschema@.require_schema(mart_schema, 'school calendar', format('SELECT sferum_kpi.create_school_calendar(%L) creates it.', mart_schema),
                '{school_holiday}');
    -- Decision (docs/domain.md): a week is a holiday week of a region when at
    -- least 3 of its Monday-Friday days fall in one of the region's holidays;
    -- its kind is the kind of most of those days (alphabetically first on a tie).
    RETURN QUERY EXECUTE @extschema@.render($q$
SELECT r.region_code, wk.week_start::date,
       count(d.kind) >= 3 AS holiday,
       CASE WHEN count(d.kind) >= 3 THEN mode() WITHIN GROUP (ORDER BY d.kind) END AS holiday_kind,
       count(d.kind)::integer AS holiday_days
FROM {{mart:I}}.region r
CROSS JOIN generate_series(@extschema@.week_start({{from:L}}::date)::timestamp, {{to:L}}::date::timestamp, interval '7 days') AS wk(week_start)
CROSS JOIN generate_series(0, 4) AS i(n)
LEFT JOIN LATERAL (SELECT min(h.kind) AS kind FROM {{mart:I}}.school_holiday h
                    WHERE h.region_code = r.region_code
                      AND wk.week_start::date + i.n BETWEEN h.first_day AND h.last_day) d ON true
GROUP BY r.region_code, wk.week_start$q$,
        jsonb_build_object('mart', mart_schema, 'from', from_week, 'to', to_week));
END
$fn$;
COMMENT ON FUNCTION @extschema@.holiday_weeks(name, date, date) IS
'Every region of a mart and every week from the week of from_week to to_week: whether it is a holiday week (at least 3 of its Monday-Friday days in one of the region''s school_holiday rows), the kind of most of those days, and how many there are (0-5). A region without a calendar has no holiday weeks.';
