-- ejournal_connected (spec §4a): share of schools whose e-journal is connected to Sferum.
SELECT @extschema@.define_indicator(
    indicator => 'ejournal_connected', unit => 'organisation', per_platform => false, counting => 'unit',
    title_ru => 'Доля общеобразовательных организаций, подключивших электронный журнал и дневник к ИКОП «Сферум» или внедривших ЭЖД ФГИС «Моя школа»',
    title_en => 'Share of schools whose e-journal is connected to Sferum or that use the «Моя школа» e-journal',
    scope => 'state and municipal general-education schools',
    numerator => 'e-journal connected by the end of the week',
    denominator => 'schools in scope',
    org_scope => $q$o.kind = 'general' AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT 'any'::text AS platform, {{group_columns:S}}, o.org_id AS unit_id,
       coalesce(o.ejournal_connected_on <= {{sunday:S}}, false) AS active, 0::bigint AS population
FROM {{mart:I}}.organisation o
WHERE o.kind = 'general' AND {{state_or_municipal:S}}$q$);
