-- orgs_connected (spec §4a): share of educational organisations connected to Sferum.
SELECT @extschema@.define_indicator(
    indicator => 'orgs_connected', unit => 'organisation', per_platform => false, counting => 'unit',
    title_ru => 'Доля образовательных организаций, подключённых к ИКОП «Сферум»',
    title_en => 'Share of educational organisations connected to Sferum',
    scope => 'state and municipal organisations of kinds general, preschool, spo, do, dpo',
    numerator => 'registered on Sferum by the end of the week',
    denominator => 'organisations in scope',
    org_scope => $q$o.kind IN {{kinds_educational:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, {{group_columns:S}}, o.org_id AS unit_id,
       coalesce(o.registered_on <= {{sunday:S}}, false) AS active, 0::bigint AS population
FROM {{mart:I}}.organisation o
WHERE o.kind IN {{kinds_educational:S}} AND {{state_or_municipal:S}}$q$);
