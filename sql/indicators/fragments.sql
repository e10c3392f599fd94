--------------------------------------------------------------------------------
-- The SQL fragments the indicator definitions share, each named once.  In a
-- definition's base_sql (sql/indicators/<indicator>.sql), @name stands for the
-- fragment; @m. is the data-mart schema, :W the week's Monday, :E its Sunday.
-- kpi_base_rows() expands them.
--------------------------------------------------------------------------------

SELECT @extschema@.define_fragment('group_columns',
    'The grouping columns of every base row: region, municipality, organisation kind and organisation (ids only: names are joined after the aggregate).',
    $q$o.region_code, o.municipality_id, o.kind AS org_kind, o.org_id$q$);

SELECT @extschema@.define_fragment('state_or_municipal',
    'In scope: state and municipal organisations; private ones are kept in the data but outside every indicator (spec §2).',
    $q$o.ownership <> 'private'$q$);

SELECT @extschema@.define_fragment('kinds_educational',
    'Educational organisations of the 2023 targets: schools, kindergartens, colleges, additional and further-professional education.',
    $q$('general', 'preschool', 'spo', 'do', 'dpo')$q$);

SELECT @extschema@.define_fragment('kinds_teaching',
    'Organisations whose pedagogical workers the 2023 teacher targets count: schools, colleges, kindergartens, additional education.',
    $q$('general', 'spo', 'preschool', 'do')$q$);

SELECT @extschema@.define_fragment('kinds_roadmap',
    'Organisations of the 2025 roadmap indicators 1 and 2: schools, colleges and additional education (preschool excluded, spec §4b).',
    $q$('general', 'spo', 'do')$q$);

SELECT @extschema@.define_fragment('kinds_authorities',
    'Bodies of roadmap indicator 4: regional and municipal education authorities and the organisations subordinate to them (subordinate and dpo).',
    $q$('roiv', 'omsu', 'subordinate', 'dpo')$q$);

SELECT @extschema@.define_fragment('in_registry',
    'The membership m is in the registry on some day of the week (joined by Sunday, not left before Monday).',
    $q$m.since <= :E AND (m.until IS NULL OR m.until >= :W)$q$);

SELECT @extschema@.define_fragment('in_registry_on_sunday',
    'The membership m is still in the registry on the week''s Sunday (status "as of the end of the week", spec §3).',
    $q$m.since <= :E AND (m.until IS NULL OR m.until >= :E)$q$);

SELECT @extschema@.define_fragment('verified_by_sunday',
    'The teacher profile of membership m is verified (role confirmed and added to the community) by the week''s Sunday (spec §3).',
    $q$@extschema@.profile_is_verified(coalesce(m.role_confirmed_on <= :E, false), coalesce(m.sferum_added_on <= :E, false))$q$);

SELECT @extschema@.define_fragment('platforms',
    'The two platforms, for indicators counted per platform: one base row per platform for everyone in scope.',
    $q$(VALUES ('vk'::text), ('national'::text)) pf(platform)$q$);

SELECT @extschema@.define_fragment('week_activity',
    'The week''s activity per person and platform: messages written and read, summed over the week''s days.',
    $q$(SELECT a.person_id, a.platform, sum(a.messages_written) AS written, sum(a.messages_read) AS read
          FROM @m.activity_daily a WHERE a.day BETWEEN :W AND :E
          GROUP BY a.person_id, a.platform)$q$);

SELECT @extschema@.define_fragment('stat_form_of_year',
    'The statistical form of organisation o for the school year of the week.',
    $q$@m.stat_form sf ON sf.org_id = o.org_id AND sf.school_year = @extschema@.school_year(:W)$q$);
