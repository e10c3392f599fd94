-- active_teachers (spec §3, §4a): share of teachers with status «Активен».
SELECT @extschema@.define_indicator(
    indicator => 'active_teachers', unit => 'person', per_platform => true, counting => 'unit',
    title_ru => 'Доля педагогов со статусом «Активен»',
    title_en => 'Share of teachers with status «Активен» (active)',
    scope => 'teachers of state and municipal general, spo, preschool and do organisations, in the registry that week',
    numerator => 'distinct teachers with status «Активен»: verified and >= 10 messages written in the week on the platform',
    denominator => 'distinct teachers in scope',
    org_scope => $q$o.kind IN {{kinds_teaching:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT pf.platform, {{group_columns:S}}, m.person_id AS unit_id,
       coalesce(@extschema@.teacher_is_active({{verified_by_sunday:S}}, {{written_on_platform:S}}), false) AS active,
       0::bigint AS population
FROM {{week_members:S}} m JOIN {{mart:I}}.organisation o ON o.org_id = m.org_id
CROSS JOIN {{platforms:S}}
WHERE m.role = 'teacher' AND o.kind IN {{kinds_teaching:S}} AND {{state_or_municipal:S}}$q$);
