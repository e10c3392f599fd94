-- spo_registered (spec §4a): share of vocational (СПО) organisations registered in Sferum.
SELECT @extschema@.define_indicator(
    indicator => 'spo_registered', unit => 'organisation', per_platform => false, counting => 'unit',
    title_ru => 'Доля профессиональных образовательных организаций (СПО), зарегистрированных на ИКОП «Сферум»',
    title_en => 'Share of vocational (SPO) organisations registered in Sferum',
    scope => 'state and municipal spo organisations',
    numerator => 'registered by the end of the week',
    denominator => 'organisations in scope',
    org_scope => $q$o.kind = 'spo' AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, {{group_columns:S}}, o.org_id AS unit_id,
       coalesce(o.registered_on <= {{sunday:S}}, false) AS active, 0::bigint AS population
FROM {{mart:I}}.organisation o
WHERE o.kind = 'spo' AND {{state_or_municipal:S}}$q$);
