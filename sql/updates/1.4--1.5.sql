-- 1.4 -> 1.5, before the new and re-run sources (see sql/README.md).

-- The indicator files are templates of render() (1.5): a fragment's name shares
-- one namespace with the placeholders of the mart schema and the week.
ALTER TABLE @extschema@.indicator_fragment
    DROP CONSTRAINT indicator_fragment_name_check,
    ADD CONSTRAINT indicator_fragment_name_check CHECK (name ~ '^[a-z][a-z0-9_]+$' AND name NOT IN ('mart', 'monday', 'sunday'));

-- Labels of the school calendar (1.5): the kinds of holiday, the data-quality
-- check of a region without one.
ALTER TABLE @extschema@.label
    DROP CONSTRAINT label_kind_check,
    ADD CONSTRAINT label_kind_check CHECK (kind IN ('level', 'org_kind', 'group', 'verdict',
                                                   'quality_check', 'quality_fix', 'activity_status', 'rag', 'holiday',
                                                   'stage_status', 'action_reason'));
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

-- The national store (1.5, issue 24): a view set of its own kind, and
-- attach_shard(server, national_schema, views_schema, organisations) serving
-- both the live coordinator and the national store (its third argument, NULL
-- by default, is the shard views' schema of a live coordinator as before).
ALTER TABLE @extschema@.view_set
    DROP CONSTRAINT view_set_kind_check,
    ADD CONSTRAINT view_set_kind_check CHECK (kind IN ('kpi', 'shard', 'national', 'national_store'));
DROP FUNCTION @extschema@.attach_shard(name, name, name);
