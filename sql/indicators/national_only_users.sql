-- national_only_users (spec §4b, roadmap indicator 3): users active in the
-- week only in the national messenger, over users active on either platform.
SELECT @extschema@.define_indicator(
    indicator => 'national_only_users', unit => 'person', per_platform => false, counting => 'unit',
    title_ru => 'Доля пользователей, использующих Сферум только в национальном мессенджере',
    title_en => 'Share of users active only in the national messenger',
    scope => 'members of state and municipal organisations of every kind but preschool, in the registry that week',
    numerator => 'distinct people active in the week only on the national messenger',
    denominator => 'distinct people active in the week on either platform',
    org_scope => $q$o.kind <> 'preschool' AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, {{group_columns:S}}, m.person_id AS unit_id,
       m.national_written + m.national_read >= 1 AND m.vk_written + m.vk_read = 0 AS active,
       0::bigint AS population
FROM {{week_members:S}} m JOIN {{mart:I}}.organisation o ON o.org_id = m.org_id
WHERE m.vk_written + m.vk_read + m.national_written + m.national_read >= 1
  AND o.kind <> 'preschool' AND {{state_or_municipal:S}}$q$);
