-- The end of every update script: name the view sets to rebuild.
SELECT @extschema@.report_stale_views();
