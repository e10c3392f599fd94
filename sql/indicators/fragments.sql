--------------------------------------------------------------------------------
-- The SQL fragments the indicator definitions share, each named once.  The
-- indicator files and the fragments are templates of render(): in them
-- {{name:S}} stands for the fragment called name, {{mart:I}} for the data-mart
-- schema, {{monday:S}} and {{sunday:S}} for the week's Monday and Sunday (an
-- SQL expression of the caller's: a column of the live views, a literal date
-- in the store refresh).  kpi_base_rows() expands the fragments.
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
    $q$m.since <= {{sunday:S}} AND (m.until IS NULL OR m.until >= {{monday:S}})$q$);

SELECT @extschema@.define_fragment('in_registry_on_sunday',
    'The membership m is still in the registry on the week''s Sunday (status "as of the end of the week", spec §3).',
    $q$m.since <= {{sunday:S}} AND (m.until IS NULL OR m.until >= {{sunday:S}})$q$);

SELECT @extschema@.define_fragment('verified_by_sunday',
    'The teacher profile of membership m is verified (role confirmed and added to the community) by the week''s Sunday (spec §3).',
    $q$@extschema@.profile_is_verified(coalesce(m.role_confirmed_on <= {{sunday:S}}, false), coalesce(m.sferum_added_on <= {{sunday:S}}, false))$q$);

SELECT @extschema@.define_fragment('platforms',
    'The two platforms, for indicators counted per platform: one base row per platform for everyone in scope.',
    $q$(VALUES ('vk'::text), ('national'::text)) pf(platform)$q$);

SELECT @extschema@.define_fragment('week_person_activity',
    'The week''s activity per person: messages written and read on each platform, summed over the week''s days (0 for a platform without activity).',
    $q$(SELECT a.person_id,
               coalesce(sum(a.messages_written) FILTER (WHERE a.platform = 'vk'), 0) AS vk_written,
               coalesce(sum(a.messages_read) FILTER (WHERE a.platform = 'vk'), 0) AS vk_read,
               coalesce(sum(a.messages_written) FILTER (WHERE a.platform = 'national'), 0) AS national_written,
               coalesce(sum(a.messages_read) FILTER (WHERE a.platform = 'national'), 0) AS national_read
          FROM {{mart:I}}.activity_daily a WHERE a.day BETWEEN {{monday:S}} AND {{sunday:S}}
          GROUP BY a.person_id)$q$);

-- One relation for every indicator over people: the store refresh builds it
-- once per week (a work table) instead of joining the registry with the
-- week's activity once per indicator.
SELECT @extschema@.define_fragment('week_members',
    'The memberships m in the registry on some day of the week of employees and officials (roles teacher, staff, official), and of anyone who read or wrote a message that week, with the person''s week activity per platform (vk_written, vk_read, national_written, national_read; 0 without activity). Pupils and parents without activity that week are not in it: no indicator counts them.',
    $q$(SELECT m.person_id, m.org_id, m.role, m.since, m.until, m.sferum_added_on, m.role_confirmed_on,
               coalesce(pa.vk_written, 0) AS vk_written, coalesce(pa.vk_read, 0) AS vk_read,
               coalesce(pa.national_written, 0) AS national_written, coalesce(pa.national_read, 0) AS national_read
          FROM {{mart:I}}.membership m LEFT JOIN {{week_person_activity:S}} pa ON pa.person_id = m.person_id
         WHERE {{in_registry:S}}
           AND (m.role IN ('teacher', 'staff', 'official')
                OR pa.vk_written + pa.vk_read + pa.national_written + pa.national_read >= 1))$q$);

-- Per chat, through the (chat_id, day) key: a join of the chats with the week's
-- per-chat sums is planned as a nested loop over the aggregate when the chats
-- are underestimated (as for a summer week), minutes instead of a second.  The
-- store refresh reads the sums from a work table of the week's chats instead.
SELECT @extschema@.define_fragment('week_chat_messages',
    'The week''s messages of chat c, summed over its days: a LATERAL subquery of one row (chat_id, messages; messages NULL for a chat without any), joined ON cw.chat_id = c.chat_id.',
    $q$(SELECT c.chat_id, sum(cd.messages) AS messages FROM {{mart:I}}.chat_daily cd
           WHERE cd.chat_id = c.chat_id AND cd.day BETWEEN {{monday:S}} AND {{sunday:S}})$q$);

SELECT @extschema@.define_fragment('written_on_platform',
    'Messages the member m of week_members wrote in the week on the platform pf.platform of platforms.',
    $q$(CASE pf.platform WHEN 'vk' THEN m.vk_written WHEN 'national' THEN m.national_written END)$q$);

SELECT @extschema@.define_fragment('read_on_platform',
    'Messages the member m of week_members read in the week on the platform pf.platform of platforms.',
    $q$(CASE pf.platform WHEN 'vk' THEN m.vk_read WHEN 'national' THEN m.national_read END)$q$);

SELECT @extschema@.define_fragment('stat_form_of_year',
    'The statistical form of organisation o for the school year of the week.',
    $q${{mart:I}}.stat_form sf ON sf.org_id = o.org_id AND sf.school_year = @extschema@.school_year({{monday:S}})$q$);
