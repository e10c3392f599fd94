-- learners_parents_weekly (spec §4b, roadmap indicator 2): pupils and parents
-- reading or writing weekly, over the pupils of the statistical forms x 2.
SELECT @extschema@.define_indicator(
    indicator => 'learners_parents_weekly', unit => 'person', per_platform => true, counting => 'population',
    title_ru => 'Доля обучающихся и родителей, еженедельно использующих Сферум (читают / пишут)',
    title_en => 'Share of pupils and parents using Sferum weekly (reading or writing)',
    scope => 'pupils and parents of state and municipal general, spo and do organisations (preschool excluded)',
    numerator => 'distinct pupils and parents who read or wrote >= 1 message in the week on the platform',
    denominator => 'pupils in the statistical forms of the school year x 2 (one parent per pupil)',
    org_scope => $q$o.kind IN {{kinds_roadmap:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT pf.platform, {{group_columns:S}}, m.person_id AS unit_id, true AS active, 0::bigint AS population
FROM {{week_members:S}} m JOIN {{mart:I}}.organisation o ON o.org_id = m.org_id
CROSS JOIN {{platforms:S}}
WHERE {{written_on_platform:S}} + {{read_on_platform:S}} >= 1 AND m.role IN ('pupil', 'parent')
  AND o.kind IN {{kinds_roadmap:S}} AND {{state_or_municipal:S}}
UNION ALL
SELECT pf.platform, {{group_columns:S}}, NULL::bigint, false, 2 * sf.pupils::bigint
FROM {{mart:I}}.organisation o JOIN {{stat_form_of_year:S}}
CROSS JOIN {{platforms:S}}
WHERE o.kind IN {{kinds_roadmap:S}} AND {{state_or_municipal:S}}$q$);
