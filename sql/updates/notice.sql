-- The end of every update script: name the view sets to rebuild.
SELECT @extschema@.notice_stale_views();
