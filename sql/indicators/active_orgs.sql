-- active_orgs (spec §3, §4a): share of organisations with status «Активна».
-- The three teachers count as of the end of the week: added to the community
-- by Sunday and still in the registry on Sunday (spec §3 decision).
SELECT @extschema@.define_indicator(
    indicator => 'active_orgs', unit => 'organisation', per_platform => false, counting => 'unit',
    title_ru => 'Доля организаций со статусом «Активна»',
    title_en => 'Share of organisations with status «Активна» (active)',
    scope => 'state and municipal organisations of kinds general, preschool, spo, do, dpo',
    numerator => 'status «Активна» at the end of the week: admin logged in, data filled, >= 3 teachers added to the community and still in the registry on Sunday',
    denominator => 'organisations in scope',
    org_scope => $q$o.kind IN {{kinds_educational:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, {{group_columns:S}}, o.org_id AS unit_id,
       coalesce(@extschema@.org_is_active(coalesce(o.admin_logged_in_on <= {{sunday:S}}, false),
                                          coalesce(o.data_filled_on <= {{sunday:S}}, false),
                                          coalesce(ta.teachers_added, 0)::integer), false) AS active,
       0::bigint AS population
FROM {{mart:I}}.organisation o
LEFT JOIN (SELECT m.org_id, count(*) AS teachers_added FROM {{mart:I}}.membership m
           WHERE m.role = 'teacher' AND m.sferum_added_on <= {{sunday:S}} AND {{in_registry_on_sunday:S}}
           GROUP BY m.org_id) ta ON ta.org_id = o.org_id
WHERE o.kind IN {{kinds_educational:S}} AND {{state_or_municipal:S}}$q$);
