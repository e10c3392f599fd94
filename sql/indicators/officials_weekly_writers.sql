-- officials_weekly_writers (spec §4b, roadmap indicator 4): staff of the
-- education authorities and their subordinate bodies writing weekly, over the
-- bodies' actual headcount (ministry data).
SELECT @extschema@.define_indicator(
    indicator => 'officials_weekly_writers', unit => 'person', per_platform => true, counting => 'population',
    title_ru => 'Доля служащих РОИВ, ОМСУ и подведомственных организаций, еженедельно пишущих сообщения',
    title_en => 'Share of staff of education authorities and subordinate bodies writing messages weekly',
    scope => 'staff of roiv, omsu and their subordinate bodies (kinds subordinate and dpo), state and municipal',
    numerator => 'distinct staff who wrote >= 1 message in the week on the platform',
    denominator => 'actual headcount of those bodies from the statistical forms (ministry data)',
    org_scope => $q$o.kind IN {{kinds_authorities:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT pf.platform, {{group_columns:S}}, m.person_id AS unit_id, true AS active, 0::bigint AS population
FROM {{week_members:S}} m JOIN {{mart:I}}.organisation o ON o.org_id = m.org_id
CROSS JOIN {{platforms:S}}
WHERE {{written_on_platform:S}} >= 1 AND m.role IN ('official', 'staff', 'teacher')
  AND o.kind IN {{kinds_authorities:S}} AND {{state_or_municipal:S}}
UNION ALL
SELECT pf.platform, {{group_columns:S}}, NULL::bigint, false, sf.authority_headcount::bigint
FROM {{mart:I}}.organisation o JOIN {{stat_form_of_year:S}}
CROSS JOIN {{platforms:S}}
WHERE o.kind IN {{kinds_authorities:S}} AND {{state_or_municipal:S}}$q$);
