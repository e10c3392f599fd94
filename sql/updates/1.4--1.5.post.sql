-- 1.4 -> 1.5, after the re-run sources.
-- The school calendar: every data mart made before 1.5 gets its (empty) table
-- school_holiday.  A table created by an extension script would become a member
-- of the extension; the mart's tables are the DBA's, so it is released at once
-- (DROP EXTENSION never takes it).  A mart is a schema with create_mart()'s
-- region, organisation and activity_daily tables.
DO $$
DECLARE
    m record;
BEGIN
    FOR m IN SELECT n.nspname FROM pg_catalog.pg_namespace n
              WHERE to_regclass(format('%I.region', n.nspname)) IS NOT NULL
                AND to_regclass(format('%I.organisation', n.nspname)) IS NOT NULL
                AND to_regclass(format('%I.activity_daily', n.nspname)) IS NOT NULL
                AND to_regclass(format('%I.school_holiday', n.nspname)) IS NULL
              ORDER BY n.nspname LOOP
        PERFORM @extschema@.create_school_calendar(m.nspname);
        EXECUTE format('ALTER EXTENSION sferum_kpi DROP TABLE %I.school_holiday', m.nspname);
        -- a WARNING: an extension script shows nothing quieter
        RAISE WARNING 'data mart "%": table school_holiday added, empty', m.nspname
            USING HINT = 'Load the region''s school holidays into it, then SELECT sferum_kpi.refresh_holidays(views_schema) for each KPI view set.';
    END LOOP;
END
$$;
