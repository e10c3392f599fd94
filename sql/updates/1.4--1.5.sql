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
                                                   'stage_status', 'action_reason',
                                                   'roadmap_status', 'roadmap_basis', 'roadmap_responsible'));
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

-- The roadmap catalog (1.5): as sql/once/roadmap.sql creates it (its COMMENT ON
-- statements follow from there).
CREATE TABLE @extschema@.roadmap_item (
    region_code  text     NOT NULL CHECK (length(region_code) BETWEEN 1 AND 63),
    item         smallint NOT NULL CHECK (item BETWEEN 1 AND 999),
    title_ru     text     NOT NULL CHECK (title_ru <> ''),
    responsible  text     NOT NULL CONSTRAINT roadmap_item_responsible_known CHECK (responsible IN ('roiv', 'vk', 'both')),
    period_start date     NOT NULL CHECK (isfinite(period_start)),
    period_end   date     NOT NULL CHECK (isfinite(period_end)),
    result_ru    text     NOT NULL,
    known_by     text     NOT NULL CONSTRAINT roadmap_item_known_by_known CHECK (known_by IN ('data', 'milestone', 'manual')),
    measure      text     CONSTRAINT roadmap_item_measure_known CHECK (measure IN ('stages', 'vk_closure', 'weekly_report')),
    indicators   text[],
    seeded       boolean  NOT NULL DEFAULT false,
    PRIMARY KEY (region_code, item),
    CONSTRAINT roadmap_item_period_ordered CHECK (period_end >= period_start),
    CONSTRAINT roadmap_item_measure_fits CHECK ((known_by = 'data') = (measure IS NOT NULL)),
    CONSTRAINT roadmap_item_indicators_fit CHECK (
        CASE WHEN known_by = 'milestone' OR measure = 'stages' THEN coalesce(cardinality(indicators), 0) > 0 ELSE indicators IS NULL END)
);

CREATE TABLE @extschema@.roadmap_item_retired (
    region_code text     NOT NULL,
    item        smallint NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (region_code, item)
);

-- Bad input refused with a message that says what is wrong and a specific
-- SQLSTATE (the CHECK constraints above stay as the last line).
CREATE FUNCTION @extschema@.roadmap_item_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW.responsible IS NULL OR NEW.responsible NOT IN ('roiv', 'vk', 'both') THEN
        RAISE EXCEPTION 'roadmap item % of region %: unknown responsible "%"', NEW.item, NEW.region_code, NEW.responsible
            USING ERRCODE = '22023', HINT = 'responsible is roiv (РОИВ), vk (ВК) or both (РОИВ и ВК).';
    END IF;
    IF NEW.known_by IS NULL OR NEW.known_by NOT IN ('data', 'milestone', 'manual') THEN
        RAISE EXCEPTION 'roadmap item % of region %: unknown status source "%"', NEW.item, NEW.region_code, NEW.known_by
            USING ERRCODE = '22023', HINT = 'known_by is data, milestone or manual.';
    END IF;
    IF NEW.period_end < NEW.period_start THEN
        RAISE EXCEPTION 'roadmap item % of region %: the period ends (%) before it starts (%)',
                        NEW.item, NEW.region_code, NEW.period_end, NEW.period_start
            USING ERRCODE = '23514', HINT = 'period_end is the last day of the item''s period, on or after period_start.';
    END IF;
    IF (NEW.known_by = 'data') <> (NEW.measure IS NOT NULL) OR NEW.measure NOT IN ('stages', 'vk_closure', 'weekly_report') THEN
        RAISE EXCEPTION 'roadmap item % of region %: measure "%" does not fit known_by %', NEW.item, NEW.region_code,
                        NEW.measure, NEW.known_by
            USING ERRCODE = '22023', HINT = 'An item known by data has a measure (stages, vk_closure or weekly_report); the others have none.';
    END IF;
    IF (NEW.known_by = 'milestone' OR coalesce(NEW.measure = 'stages', false)) <> (coalesce(cardinality(NEW.indicators), 0) > 0) THEN
        RAISE EXCEPTION 'roadmap item % of region %: indicators % do not fit known_by % (measure %)', NEW.item, NEW.region_code,
                        coalesce(NEW.indicators::text, 'NULL'), NEW.known_by, coalesce(NEW.measure, 'none')
            USING ERRCODE = '22023', HINT = 'A milestone item names its milestone indicators, a stages item its indicators; the others name none.';
    END IF;
    RETURN NEW;
END
$$;

-- pg_dump: as for the target catalog (sql/once/catalog.sql)
CREATE FUNCTION @extschema@.roadmap_item_before_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT NEW.seeded THEN
        DELETE FROM @extschema@.roadmap_item r
         WHERE r.seeded AND r.region_code = NEW.region_code AND r.item = NEW.item;
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION @extschema@.roadmap_item_before_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NEW IS DISTINCT FROM OLD THEN
        NEW.seeded := false;
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION @extschema@.roadmap_item_after_delete() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- depth 1: the DBA's own DELETE, not a replacement made by a trigger
    IF OLD.seeded AND pg_trigger_depth() = 1 THEN
        INSERT INTO @extschema@.roadmap_item_retired (region_code, item)
        VALUES (OLD.region_code, OLD.item)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION @extschema@.roadmap_item_retired_before_insert() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM @extschema@.roadmap_item r
     WHERE r.seeded AND r.region_code = NEW.region_code AND r.item = NEW.item;
    RETURN NEW;
END
$$;

CREATE TRIGGER roadmap_item_check BEFORE INSERT OR UPDATE ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_item_check();
CREATE TRIGGER roadmap_item_before_insert BEFORE INSERT ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_item_before_insert();
CREATE TRIGGER roadmap_item_before_update BEFORE UPDATE ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_item_before_update();
CREATE TRIGGER roadmap_item_after_delete AFTER DELETE ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_item_after_delete();
CREATE TRIGGER roadmap_item_retired_before_insert BEFORE INSERT ON @extschema@.roadmap_item_retired
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_item_retired_before_insert();

-- The 2025 roadmap of Moscow oblast (seed 004, region 50): a month as the
-- period means the whole month.
INSERT INTO @extschema@.roadmap_item
    (region_code, item, title_ru, responsible, period_start, period_end, result_ru, known_by, measure, indicators, seeded)
VALUES
('50', 1, 'Доведение плана переноса коммуникаций и целевых показателей до ОМСУ и организаций', 'roiv',
 '2025-07-01', '2025-07-31', 'Дорожная карта доведена до ОМСУ, подведомственных и образовательных организаций всех типов',
 'manual', NULL, NULL, true),
('50', 2, 'Доработка интеграции РГИС (электронный журнал и дневник) со Сферумом в национальном мессенджере', 'both',
 '2025-07-01', '2025-08-31', 'Интеграция РГИС поддерживает работу Сферума в национальном мессенджере (чаты, видеоконференции)',
 'manual', NULL, NULL, true),
('50', 3, 'Презентация Сферума в национальном мессенджере на августовских педагогических совещаниях', 'both',
 '2025-08-01', '2025-08-31', 'Органы управления образованием и педагогические коллективы ознакомлены с планами и порядком переноса',
 'manual', NULL, NULL, true),
('50', 4, 'Перенос региональных чатов сотрудников ВК с администраторами организаций и органов управления', 'vk',
 '2025-08-01', '2025-08-31', 'Региональные чаты переведены в национальный мессенджер, чаты в VK Мессенджере закрыты для новых сообщений',
 'manual', NULL, NULL, true),
('50', 5, 'Перенос коммуникаций РОИВ, ОМСУ и подведомственных организаций', 'both',
 '2025-08-01', '2025-09-30', 'Выполнен показатель 4; чаты Сферума в VK Мессенджере закрыты для новых сообщений',
 'manual', NULL, NULL, true),
('50', 6, 'Перенос коммуникаций во всех типах образовательных организаций', 'both',
 '2025-09-01', '2025-10-31', 'Выполнены показатели 1, 2, 3; чаты Сферума в VK Мессенджере закрыты для новых сообщений',
 'data', 'stages', ARRAY['staff_weekly_writers', 'learners_parents_weekly', 'national_only_users'], true),
('50', 7, 'Перенос официальных информационных каналов в национальный мессенджер', 'roiv',
 '2025-09-01', '2025-10-31', '100 % официальных каналов РОИВ, ОМСУ, подведомственных и образовательных организаций перенесены',
 'milestone', NULL, ARRAY['official_channels_moved'], true),
('50', 8, 'Кампания в СМИ о преимуществах переноса коммуникаций', 'both',
 '2025-09-01', '2025-10-31', 'Не менее 2 публикаций в печатных СМИ, 3 в интернете, 1 репортаж на радио или телевидении',
 'manual', NULL, NULL, true),
('50', 9, 'Консультационные и обучающие мероприятия для педагогических работников', 'both',
 '2025-09-01', '2025-10-31', 'Не менее 90 % сотрудников образовательных организаций и органов управления приняли участие',
 'milestone', NULL, ARRAY['staff_trained'], true),
('50', 10, 'Информирование пользователей региона о преимуществах переноса', 'both',
 '2025-09-01', '2025-10-31', 'Материалы о Сферуме в 100 % родительских собраний, во всех официальных каналах и на стендах всех организаций',
 'manual', NULL, NULL, true),
('50', 11, 'Промежуточная оценка целевых показателей 1–4 по итогам сентября (онлайн-мониторинг)', 'both',
 '2025-10-01', '2025-10-31', 'Оценка предоставлена в РОИВ, обратная связь для ВК, скорректированы планы на вторую четверть',
 'data', 'weekly_report', NULL, true),
('50', 12, 'Разрешение субъекта РФ на доступ к региональной витрине данных', 'roiv',
 '2025-08-01', '2025-12-31', 'Предоставлен доступ к региональным витринам данных согласно действующим НПА',
 'manual', NULL, NULL, true),
('50', 13, 'Мотивирующие акции для педагогов, поощрение самых активных пользователей', 'both',
 '2025-10-01', '2025-12-31', 'Проведено не менее одной мотивирующей акции',
 'manual', NULL, NULL, true),
('50', 14, 'Учебный модуль о Сферуме в курсах повышения квалификации (организации ДПО)', 'roiv',
 '2025-11-01', '2025-12-31', '100 % организаций ДПО включили модуль в курсы повышения квалификации педагогов',
 'milestone', NULL, ARRAY['dpo_module_included'], true),
('50', 15, 'Учебный модуль о Сферуме в программах педагогических колледжей (СПО)', 'roiv',
 '2025-11-01', '2025-12-31', 'Модуль включён в учебные программы 100 % педагогических колледжей',
 'milestone', NULL, ARRAY['ped_colleges_module_included'], true),
('50', 16, 'Подведение итогов переноса, оценка целевых показателей (онлайн-мониторинг)', 'both',
 '2025-11-01', '2025-11-30', 'Оценка предоставлена в РОИВ, сформирована обратная связь для ВК',
 'data', 'weekly_report', NULL, true),
('50', 17, 'Полное закрытие всех чатов Сферума в VK Мессенджере', 'roiv',
 '2025-11-01', '2025-11-30', 'Все коммуникации переведены в национальный мессенджер, в VK Мессенджере прекращены',
 'data', 'vk_closure', NULL, true);

SELECT pg_catalog.pg_extension_config_dump('@extschema@.roadmap_item', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.roadmap_item_retired', '');

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

-- The national store (1.5, issue 24): a view set of its own kind, and
-- attach_shard(server, national_schema, views_schema, organisations) serving
-- both the live coordinator and the national store (its third argument, NULL
-- by default, is the shard views' schema of a live coordinator as before).
ALTER TABLE @extschema@.view_set
    DROP CONSTRAINT view_set_kind_check,
    ADD CONSTRAINT view_set_kind_check CHECK (kind IN ('kpi', 'shard', 'national', 'national_store'));
DROP FUNCTION @extschema@.attach_shard(name, name, name);
