-- staff_using (spec §4a): share of pedagogical workers using Sferum (verified profile).
SELECT @extschema@.define_indicator(
    indicator => 'staff_using', unit => 'person', per_platform => false, counting => 'unit',
    title_ru => 'Доля педагогических работников, использующих ИКОП «Сферум» в рамках должностных обязанностей',
    title_en => 'Share of pedagogical workers using Sferum in their duties',
    scope => 'teachers (role teacher) of state and municipal general, spo, preschool and do organisations, in the registry that week',
    numerator => 'distinct teachers with a verified profile (role confirmed and added to the community) by the end of the week',
    denominator => 'distinct teachers in scope',
    org_scope => $q$o.kind IN {{kinds_teaching:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, {{group_columns:S}}, m.person_id AS unit_id,
       coalesce({{verified_by_sunday:S}}, false) AS active, 0::bigint AS population
FROM {{week_members:S}} m JOIN {{mart:I}}.organisation o ON o.org_id = m.org_id
WHERE m.role = 'teacher' AND o.kind IN {{kinds_teaching:S}} AND {{state_or_municipal:S}}$q$);
