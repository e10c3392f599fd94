-- chats_10_per_week (spec §4a): share of teachers' chats with >= 10 messages in the week.
-- A chat counts only when its creator held a teacher membership of the chat's
-- organisation on the day the chat was created (spec §4a decision).
SELECT @extschema@.define_indicator(
    indicator => 'chats_10_per_week', unit => 'chat', per_platform => true, counting => 'unit',
    title_ru => 'Доля чатов педагогов государственных и муниципальных организаций с не менее 10 сообщениями в неделю',
    title_en => 'Share of chats created by teachers of state and municipal organisations with at least 10 messages a week',
    scope => 'chats of state and municipal educational organisations whose creator was a teacher of that organisation on the day of creation, open on some day of the week (created_on <= Sunday, closed_on after Monday)',
    numerator => 'chats with >= 10 messages in the week',
    denominator => 'chats in scope open during the week',
    org_scope => $q$o.kind IN {{kinds_educational:S}} AND {{state_or_municipal:S}}$q$,
    base_sql => $q$
SELECT c.platform, {{group_columns:S}}, c.chat_id AS unit_id,
       coalesce(cw.messages, 0) >= 10 AS active, 0::bigint AS population
FROM {{mart:I}}.chat c JOIN {{mart:I}}.organisation o ON o.org_id = c.org_id
LEFT JOIN LATERAL {{week_chat_messages:S}} cw ON cw.chat_id = c.chat_id
-- closed_on is the first day without new messages: open on some day of the week
WHERE c.created_on <= {{sunday:S}} AND (c.closed_on IS NULL OR c.closed_on > {{monday:S}})
  AND o.kind IN {{kinds_educational:S}} AND {{state_or_municipal:S}}
  AND EXISTS (SELECT 1 FROM {{mart:I}}.membership m
              WHERE m.person_id = c.creator_person_id AND m.org_id = c.org_id AND m.role = 'teacher'
                AND m.since <= c.created_on AND (m.until IS NULL OR m.until >= c.created_on))$q$);
