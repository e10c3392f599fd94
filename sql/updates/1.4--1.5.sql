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

-- The weekly report by section (1.5, sql/report/): every section is f(ctx jsonb);
-- the 1.4 sections, the chart without holidays and the top/bottom rankings go.
DROP FUNCTION @extschema@.report_chart_svg(date[], double precision[], double precision[], date, double precision, double precision, double precision, double precision, text);
DROP FUNCTION @extschema@.report_dashboard(name, text, date);
DROP FUNCTION @extschema@.report_charts(name, text, date, jsonb);
DROP FUNCTION @extschema@.report_forecast(name, text, date, jsonb);
DROP FUNCTION @extschema@.report_rankings(name, text, date);
DROP FUNCTION @extschema@.report_not_started(name, jsonb, integer);
DROP FUNCTION @extschema@.report_data_quality(name, jsonb);
DROP FUNCTION @extschema@.report_summary(name, text, date, jsonb, jsonb, jsonb);
DROP FUNCTION @extschema@.report_verdict_class(text);

-- The report's wording (1.5): «количество / всего», not «числитель / знаменатель».
UPDATE @extschema@.label SET ru = 'Количество больше статистической формы'
 WHERE kind = 'quality_check' AND code = 'numerator_above_form';
