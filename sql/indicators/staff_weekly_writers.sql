-- staff_weekly_writers (spec §4b, roadmap indicator 1): employees writing weekly.
SELECT @extschema@.define_indicator(
    indicator => 'staff_weekly_writers', unit => 'person', per_platform => true, counting => 'unit',
    title_ru => 'Доля работников образовательных организаций, еженедельно пишущих сообщения',
    title_en => 'Share of employees of educational organisations writing messages weekly',
    scope => 'employees (roles teacher and staff) of state and municipal general, spo and do organisations (preschool excluded), in the registry that week',
    numerator => 'distinct employees who wrote >= 1 message in the week on the platform',
    denominator => 'distinct employees in scope',
    org_scope => $q$o.kind IN {{kinds_roadmap:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT pf.platform, {{group_columns:S}}, m.person_id AS unit_id,
       {{written_on_platform:S}} >= 1 AS active, 0::bigint AS population
FROM {{week_members:S}} m JOIN {{mart:I}}.organisation o ON o.org_id = m.org_id
CROSS JOIN {{platforms:S}}
WHERE m.role IN ('teacher', 'staff') AND o.kind IN {{kinds_roadmap:S}} AND {{state_or_municipal:S}}$q$);
