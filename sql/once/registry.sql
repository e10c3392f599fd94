--------------------------------------------------------------------------------
-- The extension's registries (new in 1.4): the SQL fragments shared by the
-- indicator definitions, the view sets made by create_kpi_views,
-- create_shard_views and create_national, and which of their objects hold
-- person-level rows.
--------------------------------------------------------------------------------

CREATE TABLE @extschema@.indicator_fragment (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]+$' AND name NOT IN ('mart', 'monday', 'sunday')),
    description text NOT NULL,
    sql         text NOT NULL
);
COMMENT ON TABLE @extschema@.indicator_fragment IS
'SQL fragments shared by the indicator definitions, each named once (sql/indicators/fragments.sql): {{name:S}} in a base_sql or another fragment is replaced by the fragment (render()).';
COMMENT ON COLUMN @extschema@.indicator_fragment.name IS 'Fragment name, referenced as {{name:S}}; mart, monday and sunday are the placeholders of the mart schema and the week, not fragments.';
COMMENT ON COLUMN @extschema@.indicator_fragment.description IS 'What the fragment means, in words.';
COMMENT ON COLUMN @extschema@.indicator_fragment.sql IS 'The SQL text, a template of render(): it may use other fragments ({{name:S}}), the mart schema ({{mart:I}}) and the week ({{monday:S}}, {{sunday:S}}).';

-- The views are the DBA's (not extension members), so an update does not touch
-- them; view_set lets rebuild_views() re-create them from the current
-- definitions.  Both tables below are dumped with the DBA's data, so a restored
-- database keeps them.

CREATE TABLE @extschema@.view_set (
    schema_name  text NOT NULL CHECK (length(schema_name) BETWEEN 1 AND 63),
    kind         text NOT NULL CHECK (kind IN ('kpi', 'shard', 'national', 'national_store')),
    mart_schema  text,
    min_cell     integer CHECK (min_cell >= 0),
    fingerprint  text,
    built_with   text,
    built_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- a shard schema may hold the views of several marts: one row per mart
    CONSTRAINT view_set_key UNIQUE NULLS NOT DISTINCT (schema_name, mart_schema)
);
COMMENT ON TABLE @extschema@.view_set IS
'Schemas of views made by create_kpi_views (kind kpi), create_shard_views (shard, one row per data mart), create_national (national) and create_national_store (national_store): what they were built from, so that rebuild_views() can re-create them and check_views() can tell which are older than the current definitions.';
COMMENT ON COLUMN @extschema@.view_set.schema_name IS 'Schema holding the views.';
COMMENT ON COLUMN @extschema@.view_set.kind IS 'kpi (create_kpi_views), shard (create_shard_views), national (create_national: live) or national_store (create_national_store: pulled from the regions'' stores).';
COMMENT ON COLUMN @extschema@.view_set.mart_schema IS 'Data mart the views read (kpi and shard).';
COMMENT ON COLUMN @extschema@.view_set.min_cell IS 'Small-cell threshold the KPI views were made with.';
COMMENT ON COLUMN @extschema@.view_set.fingerprint IS 'definitions_fingerprint() when the views were built; NULL when unknown (views found by an update).';
COMMENT ON COLUMN @extschema@.view_set.built_with IS 'sferum_kpi version that built the views.';
COMMENT ON COLUMN @extschema@.view_set.built_at IS 'When the views were built.';

CREATE TABLE @extschema@.person_level_object (
    schema_name text NOT NULL,
    object_name text NOT NULL,
    reason      text NOT NULL,
    PRIMARY KEY (schema_name, object_name)
);
COMMENT ON TABLE @extschema@.person_level_object IS
'Relations made by the extension that hold one row per person (shard views facts_<region>, the coordinator''s facts): grant_reader refuses a schema that holds one, whatever its comment says.';
COMMENT ON COLUMN @extschema@.person_level_object.schema_name IS 'Schema of the relation.';
COMMENT ON COLUMN @extschema@.person_level_object.object_name IS 'Relation name.';
COMMENT ON COLUMN @extschema@.person_level_object.reason IS 'What person-level rows it holds.';

CREATE TABLE @extschema@.label (
    kind text NOT NULL CONSTRAINT label_kind_check
                       CHECK (kind IN ('level', 'org_kind', 'group', 'verdict',
                                       'quality_check', 'quality_fix', 'activity_status', 'rag', 'holiday',
                                                   'stage_status', 'action_reason',
                                                   'roadmap_status', 'roadmap_basis', 'roadmap_responsible')),
    code text NOT NULL,
    ru   text NOT NULL,
    en   text NOT NULL,
    PRIMARY KEY (kind, code)
);
COMMENT ON TABLE @extschema@.label IS 'Russian and English labels of the codes the views show (levels, organisation kinds, groups, forecast verdicts, red/amber/green, data-quality checks and what to fix, activity statuses of not_started).';
COMMENT ON COLUMN @extschema@.label.kind IS 'What the code is: level, org_kind, group, verdict (forecast), rag (rankings), quality_check (title of a data_quality check), quality_fix (what to fix for that check), activity_status (status of not_started), holiday (kind of school holiday), stage_status (stage_results), action_reason (action_list), roadmap_status, roadmap_basis or roadmap_responsible (roadmap).';
COMMENT ON COLUMN @extschema@.label.code IS 'The code as the views show it.';
COMMENT ON COLUMN @extschema@.label.ru IS 'Russian label.';
COMMENT ON COLUMN @extschema@.label.en IS 'English label.';
INSERT INTO @extschema@.label (kind, code, ru, en) VALUES
('level', 'region', 'Регион', 'Region'),
('level', 'municipality', 'Муниципалитет', 'Municipality'),
('level', 'org_kind', 'Тип организации', 'Kind of organisation'),
('level', 'organisation', 'Организация', 'Organisation'),
('org_kind', 'general', 'Общеобразовательная организация', 'School'),
('org_kind', 'preschool', 'Дошкольная образовательная организация', 'Kindergarten'),
('org_kind', 'spo', 'Профессиональная образовательная организация (СПО)', 'Vocational college'),
('org_kind', 'do', 'Организация дополнительного образования детей', 'Additional education'),
('org_kind', 'dpo', 'Организация дополнительного профессионального образования', 'Further professional education'),
('org_kind', 'roiv', 'Региональный орган исполнительной власти в сфере образования', 'Regional education authority'),
('org_kind', 'omsu', 'Орган местного самоуправления в сфере образования', 'Municipal education authority'),
('org_kind', 'subordinate', 'Подведомственная организация', 'Subordinate body'),
('group', 'regional_bodies', 'Региональный уровень', 'Regional bodies'),
-- the verdicts of <views>.forecast and the bands of <views>.rankings (sql/forecast.sql)
('verdict', 'met', 'Выполнено', 'Met'),
('verdict', 'on_track', 'Успеваем', 'On track'),
('verdict', 'at_risk', 'Под угрозой', 'At risk'),
('verdict', 'off_track', 'Не успеваем', 'Off track'),
('verdict', 'unknown', 'Недостаточно данных', 'Not enough data'),
('rag', 'green', 'Зелёный: цель достигнута', 'Green: meets the stage'),
('rag', 'amber', 'Жёлтый: отставание не более 10 п. п.', 'Amber: at most 10 percentage points below'),
('rag', 'red', 'Красный: отставание более 10 п. п.', 'Red: more than 10 percentage points below'),
('rag', 'grey', 'Серый: нет данных или цели', 'Grey: no value or no target'),
-- the checks of <views>.data_quality (sql/quality.sql) and what to fix
('quality_check', 'numerator_above_form', 'Количество больше статистической формы', 'Numerator above the statistical form'),
('quality_check', 'activity_without_membership', 'Активность без членства в реестре', 'Activity without a membership'),
('quality_check', 'activity_outside_membership', 'Активность вне сроков членства', 'Activity outside the membership dates'),
('quality_check', 'org_without_municipality', 'Организация без муниципалитета', 'Organisation without a municipality'),
('quality_check', 'school_without_stat_form', 'Нет статистической формы', 'No statistical form'),
('quality_check', 'feed_gap_day', 'Пропуск дней в выгрузке активности', 'Days missing from the activity feed'),
('quality_check', 'duplicate_day', 'Повторяющиеся строки за день', 'Duplicate daily rows'),
('quality_check', 'future_day', 'Активность в будущем', 'Activity dated in the future'),
('quality_fix', 'numerator_above_form',
 'Обновите статистическую форму организации за учебный год (stat_form.pupils или authority_headcount): активных в реестре больше, чем указано в форме, и доля ограничена 100 %.',
 'Update the organisation''s statistical form for the school year (stat_form.pupils or authority_headcount): the registry counts more active people than the form declares, and the share is capped at 100 %.'),
('quality_fix', 'activity_without_membership',
 'Загрузите членство этих людей в реестр (membership) за эту неделю или удалите их активность: активность людей вне реестра не входит ни в один показатель.',
 'Load these people''s memberships (membership) for the week, or delete their activity: activity of people outside the registry counts in no indicator.'),
('quality_fix', 'activity_outside_membership',
 'Проверьте даты membership.since и until этих людей: они активны в дни вне срока членства (пришли или ушли в середине недели, активность раньше since). За неделю они всё равно учитываются.',
 'Check membership.since and until of these people: they were active on days outside their memberships (joined or left mid-week, activity before since). The week still counts them.'),
('quality_fix', 'org_without_municipality',
 'Заполните organisation.municipality_id: без муниципалитета бывают только региональные органы (РОИВ, региональные подведомственные и ДПО); иначе организация попадает в «Региональный уровень».',
 'Set organisation.municipality_id: only regional bodies (roiv, regional subordinate and dpo organisations) have none; otherwise the organisation is counted among the regional bodies.'),
('quality_fix', 'school_without_stat_form',
 'Загрузите строку stat_form организации за этот учебный год: без неё знаменатель показателей по статистической форме равен 0, а доля неизвестна.',
 'Load the organisation''s stat_form row for that school year: without it the denominators of the statistical-form indicators are 0 and the shares unknown.'),
('quality_fix', 'feed_gap_day',
 'Загрузите activity_daily за эти дни заново (ежедневная загрузка не прошла) и пересчитайте недели: SELECT * FROM sferum_kpi.refresh_recent(...).',
 'Load activity_daily for these days again (a daily load failed or was skipped), then refresh the weeks: SELECT * FROM sferum_kpi.refresh_recent(...).'),
('quality_fix', 'duplicate_day',
 'Удалите повторяющиеся строки и создайте первичный ключ (person_id, day, platform) в activity_daily и (chat_id, day) в chat_daily.',
 'Delete the duplicate rows and add the primary keys (person_id, day, platform) on activity_daily and (chat_id, day) on chat_daily.'),
('quality_fix', 'future_day',
 'Исправьте день этих строк (ошибка часового пояса или формата даты при загрузке): день — местная календарная дата региона, не позже сегодняшней.',
 'Fix the day of these rows (a time-zone or date-format error in the load): a day is the region''s local calendar day, never after today.'),
-- the statuses of <views>.not_started
('activity_status', 'not_started', 'Не начали работу', 'Not started'),
('activity_status', 'gone_quiet', 'Активность прекратилась', 'Gone quiet');
-- @section labels-1.5
-- school holidays (mart table school_holiday, 1.5)
INSERT INTO @extschema@.label (kind, code, ru, en) VALUES
('verdict', 'deadline_met', 'Срок истёк — выполнено', 'Deadline passed: met'),
('verdict', 'deadline_missed', 'Срок истёк — не выполнено', 'Deadline passed: not met'),
('verdict', 'deadline_no_data', 'Срок истёк — нет данных на срок', 'Deadline passed: no data for it'),
('stage_status', 'deadline_met', 'Срок истёк — выполнено', 'Deadline passed: met'),
('stage_status', 'deadline_missed', 'Срок истёк — не выполнено', 'Deadline passed: not met'),
('stage_status', 'deadline_no_data', 'Срок истёк — нет данных на срок', 'Deadline passed: no data for it'),
('stage_status', 'upcoming', 'Срок не наступил', 'Deadline not reached'),
('action_reason', 'not_connected', 'Не подключена к Сферуму', 'Not connected'),
('action_reason', 'not_active', 'Статус организации не «Активна»', 'Not «active»'),
('action_reason', 'no_ejournal', 'Электронный журнал не подключён', 'No e-journal connected'),
('action_reason', 'not_started', 'Не начали работу на платформе', 'Not started on the platform'),
('action_reason', 'gone_quiet', 'Прекратившие активность', 'Gone quiet'),
('action_reason', 'below_stage', 'Больше всего не хватает до этапа', 'Furthest below the stage'),
('holiday', 'autumn', 'Осенние каникулы', 'Autumn holidays'),
('holiday', 'winter', 'Зимние каникулы', 'Winter holidays'),
('holiday', 'spring', 'Весенние каникулы', 'Spring holidays'),
('holiday', 'summer', 'Летние каникулы', 'Summer holidays'),
('holiday', 'other', 'Каникулы', 'Holidays'),
('quality_check', 'no_school_calendar', 'Не загружен календарь каникул', 'No school calendar loaded'),
('quality_fix', 'no_school_calendar',
 'Загрузите каникулы региона в school_holiday (первый и последний день, вид) и выполните SELECT sferum_kpi.refresh_holidays(...): без календаря каникулярные недели не отмечены, прогноз строится по всем неделям, а молчание на каникулах считается прекращением активности.',
 'Load the region''s school holidays into school_holiday (first and last day, kind), then run SELECT sferum_kpi.refresh_holidays(...): without a calendar no week is a holiday week, forecasts fit every week and silence over the holidays counts as gone quiet.');

-- the roadmap (1.5): statuses, how a status is known, who answers, the vk closure reason
INSERT INTO @extschema@.label (kind, code, ru, en) VALUES
('roadmap_status', 'done', 'Выполнено', 'Done'),
('roadmap_status', 'in_progress', 'Выполняется', 'In progress'),
('roadmap_status', 'overdue', 'Просрочено', 'Overdue'),
('roadmap_status', 'not_started', 'Срок не наступил', 'Not started'),
('roadmap_status', 'unknown', 'Нет сведений', 'Unknown'),
('roadmap_basis', 'data', 'По данным витрины', 'From the data'),
('roadmap_basis', 'milestone', 'По отчётным показателям', 'From the milestone counts'),
('roadmap_basis', 'manual', 'По отчёту исполнителя', 'Reported by hand'),
('roadmap_responsible', 'roiv', 'РОИВ', 'Regional education authority'),
('roadmap_responsible', 'vk', 'ВК', 'VK'),
('roadmap_responsible', 'both', 'РОИВ, ВК', 'Regional education authority and VK'),
('action_reason', 'vk_not_closed', 'Не закрыты чаты в VK Мессенджере', 'VK Messenger chats not closed');
-- @end labels-1.5

-- @section builders-1.5
-- The view builders (1.5): the functions whose text writes the views of a view
-- set.  definitions_fingerprint() reads their source from here, and
-- build_kpi_views() runs the steps after its own views in this order: a
-- builder listed here cannot be left out of either.
CREATE TABLE @extschema@.view_builder (
    name  text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]*$'),
    step  smallint UNIQUE CHECK (step > 0),
    takes text CHECK (takes IN ('views', 'all')),
    what  text NOT NULL,
    CONSTRAINT view_builder_step_takes CHECK ((step IS NULL) = (takes IS NULL))
);
COMMENT ON TABLE @extschema@.view_builder IS
'The functions of the extension whose text writes the views of a view set (builders, and the functions that give them their SQL): definitions_fingerprint() covers the source of each, so a change to one marks the view sets built before as stale; build_kpi_views() runs those with a step, in step order, after its own views. A new builder is one more row.';
COMMENT ON COLUMN @extschema@.view_builder.name IS 'Function name in the extension''s schema (every overload of it counts).';
COMMENT ON COLUMN @extschema@.view_builder.step IS 'Order in which build_kpi_views() runs it after the KPI views and the store; NULL for a function called otherwise (by a builder, a refresh or rebuild_views).';
COMMENT ON COLUMN @extschema@.view_builder.takes IS 'For a step: all (it takes mart_schema, views_schema, min_cell, or_replace) or views (views_schema alone); NULL otherwise.';
COMMENT ON COLUMN @extschema@.view_builder.what IS 'What it writes, in words.';
INSERT INTO @extschema@.view_builder (name, step, takes, what) VALUES
('expand_fragments', NULL, NULL, 'the fragments of indicator_fragment inside an indicator''s SQL'),
('expand_base_rows', NULL, NULL, 'the per-week base rows of every computed indicator, some fragments read from relations'),
('kpi_base_rows', NULL, NULL, 'the per-week base rows of every computed indicator'),
('comment_kpi_view', NULL, NULL, 'the column comments of every view set'),
('comment_columns', NULL, NULL, 'the column comments of the lists of organisations and of single views'),
('judged_columns', NULL, NULL, 'the figure and judgement columns of the indicators views (KPI and national)'),
('build_kpi_views', NULL, NULL, 'the KPI views (kind kpi): live views per indicator, the store-backed views, then the steps'),
('build_store', NULL, NULL, 'the weekly KPI store''s tables (build_kpi_views)'),
('store_columns', NULL, NULL, 'the columns of the KPI store (build_store) and of the national store'),
('refresh_week', NULL, NULL, 'one week of the store'),
('build_forecast_views', 10, 'all', 'live_forecast_by_week, forecast_by_week (stored), forecast and rankings'),
('forecast_fit_sql', NULL, NULL, 'the fit of the forecast views (KPI and national)'),
('forecast_verdict_sql', NULL, NULL, 'the projections and the verdict of the forecast views (KPI and national)'),
('build_quality_views', 20, 'all', 'data_quality and not_started'),
('quality_sql', NULL, NULL, 'the SQL of the data-quality checks (build_quality_views)'),
('build_roadmap_store', 30, 'views', 'the roadmap''s refresh-time table vk_closure_week (before the answer views: action_list reads it)'),
('roadmap_refresh_week', NULL, NULL, 'one week of vk_closure_week'),
('build_answer_views', 40, 'all', 'live_stage_results, live_action_list and the stored stage_results and action_list'),
('target_applies_sql', NULL, NULL, 'which target rows apply to a region (the stage results of the KPI and national views, the roadmap)'),
('result_week_sql', NULL, NULL, 'the week a stage''s result is read from, moved before a holiday week (stage_results, roadmap)'),
('stored_answer', NULL, NULL, 'an answer stored at refresh time and the view over it (the answer builders)'),
('build_roadmap_views', 50, 'all', 'roadmap and vk_closure (after the answer views: roadmap reads stage_results)'),
('build_shard_views', NULL, NULL, 'the shard views (kind shard)'),
('build_national', NULL, NULL, 'the live national views of a coordinator (kind national)'),
('build_national_views', NULL, NULL, 'the BI views of a national store (kind national_store): indicators, latest, dashboard, rankings, pull_log'),
('build_national_forecast_views', NULL, NULL, 'forecast and stage_results of a national store');
-- @end builders-1.5

SELECT pg_catalog.pg_extension_config_dump('@extschema@.view_set', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.person_level_object', '');
