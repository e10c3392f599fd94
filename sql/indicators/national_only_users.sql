-- national_only_users (spec §4b, roadmap indicator 3): users active in the
-- week only in the national messenger, over users active on either platform.
SELECT @extschema@.define_indicator(
    indicator => 'national_only_users', unit => 'person', per_platform => false, counting => 'unit',
    title_ru => 'Доля пользователей, использующих Сферум только в национальном мессенджере',
    title_en => 'Share of users active only in the national messenger',
    scope => 'members of state and municipal organisations of every kind but preschool, in the registry that week',
    numerator => 'distinct people active in the week only on the national messenger',
    denominator => 'distinct people active in the week on either platform',
    org_scope => $q$o.kind <> 'preschool' AND @state_or_municipal$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, @group_columns, m.person_id AS unit_id,
       u.on_national AND NOT u.on_vk AS active, 0::bigint AS population
FROM (SELECT pw.person_id, bool_or(pw.platform = 'national') AS on_national,
             bool_or(pw.platform = 'vk') AS on_vk
      FROM @week_activity pw WHERE pw.written + pw.read >= 1 GROUP BY pw.person_id) u
JOIN @m.membership m ON m.person_id = u.person_id JOIN @m.organisation o ON o.org_id = m.org_id
WHERE o.kind <> 'preschool' AND @state_or_municipal AND @in_registry$q$);
