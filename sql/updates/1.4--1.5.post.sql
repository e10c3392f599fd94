-- 1.4 -> 1.5, after the re-run sources.
-- The mart tables new in 1.5: every data mart made before 1.5 gets them
-- (empty), each made by its own function: school_holiday (the school
-- calendar, create_school_calendar) and roadmap_progress (the roadmap's
-- reported progress, create_roadmap_progress).  A table created by an
-- extension script would become a member of the extension; the mart's tables
-- are the DBA's, so each is released at once (DROP EXTENSION never takes it).
-- A mart is a schema with create_mart()'s region, organisation and
-- activity_daily tables.
DO $$
DECLARE
    t record;
    m record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        (1, 'school_holiday', 'create_school_calendar',
         'Load the region''s school holidays into it, then SELECT sferum_kpi.refresh_holidays(views_schema) for each KPI view set.'),
        (2, 'roadmap_progress', 'create_roadmap_progress',
         'Record there the progress of the roadmap items reported by hand; then SELECT sferum_kpi.rebuild_views(views_schema) adds the views roadmap and vk_closure.')
        ) x(ord, table_name, creator, hint) ORDER BY x.ord LOOP
        FOR m IN SELECT n.nspname FROM pg_catalog.pg_namespace n
                  WHERE to_regclass(format('%I.region', n.nspname)) IS NOT NULL
                    AND to_regclass(format('%I.organisation', n.nspname)) IS NOT NULL
                    AND to_regclass(format('%I.activity_daily', n.nspname)) IS NOT NULL
                    AND to_regclass(format('%I.%I', n.nspname, t.table_name)) IS NULL
                  ORDER BY n.nspname LOOP
            EXECUTE format('SELECT @extschema@.%I($1)', t.creator) USING m.nspname;
            EXECUTE format('ALTER EXTENSION sferum_kpi DROP TABLE %I.%I', m.nspname, t.table_name);
            -- a WARNING: an extension script shows nothing quieter
            RAISE WARNING 'data mart "%": table % added, empty', m.nspname, t.table_name
                USING HINT = t.hint;
        END LOOP;
    END LOOP;
END
$$;
