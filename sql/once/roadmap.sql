--------------------------------------------------------------------------------
-- The roadmap catalog (1.5): the items of a region's roadmap («дорожная карта»),
-- shipped filled with the 17 items of the 2025 Moscow-oblast roadmap (seed 004)
-- for region 50, editable by the DBA like the target catalog: an edited row
-- becomes the DBA's (seeded = false) and pg_dump keeps it, a deleted shipped
-- row is remembered in roadmap_item_retired so a restore deletes it again.
-- Other regions load their own roadmaps (rows with their region_code); a
-- region without rows has no roadmap.  sql/roadmap.sql computes the statuses.
--------------------------------------------------------------------------------

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
COMMENT ON TABLE @extschema@.roadmap_item IS
'Roadmap catalog: one row per item of a region''s roadmap (дорожная карта), with who answers for it, its period, its expected result and how its status is known. Shipped with the 17 items of the 2025 Moscow-oblast roadmap (region 50); DBAs edit it and load other regions'' roadmaps, and pg_dump keeps their edits, additions and deletions. <views>.roadmap shows each item''s status per week.';
COMMENT ON COLUMN @extschema@.roadmap_item.region_code IS 'Region the item belongs to (a region_code of the data mart); a region without rows has no roadmap.';
COMMENT ON COLUMN @extschema@.roadmap_item.item IS 'Item number in the roadmap (№ мероприятия).';
COMMENT ON COLUMN @extschema@.roadmap_item.title_ru IS 'Short title of the item in Russian.';
COMMENT ON COLUMN @extschema@.roadmap_item.responsible IS 'Who answers for it: roiv (РОИВ, the regional education authority), vk (ВК, the platform''s company) or both.';
COMMENT ON COLUMN @extschema@.roadmap_item.period_start IS 'First day of the item''s period (срок).';
COMMENT ON COLUMN @extschema@.roadmap_item.period_end IS 'Last day of the item''s period: after it an item not done is overdue. Not before period_start.';
COMMENT ON COLUMN @extschema@.roadmap_item.result_ru IS 'Expected result (результат), in short, in Russian.';
COMMENT ON COLUMN @extschema@.roadmap_item.known_by IS 'How its status is known: data (computed from the mart and the store, see measure), milestone (counts in the mart''s milestone_progress, see indicators) or manual (reported in the mart''s roadmap_progress).';
COMMENT ON COLUMN @extschema@.roadmap_item.measure IS 'For known_by data: stages (the stages of indicators met: the first stage of each that is due on or after period_start), vk_closure (no vk chat open and no vk activity after period_end) or weekly_report (a weekly report stored for a week of the period: setting sferum_kpi.report_table). NULL otherwise.';
COMMENT ON COLUMN @extschema@.roadmap_item.indicators IS 'The indicators (target codes) of measure stages, or the milestone indicators of known_by milestone (all must be met); NULL otherwise.';
COMMENT ON COLUMN @extschema@.roadmap_item.seeded IS 'true for a row exactly as the extension shipped it; any edit clears it, so pg_dump keeps the edited row.';

CREATE TABLE @extschema@.roadmap_item_retired (
    region_code text     NOT NULL,
    item        smallint NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (region_code, item)
);
COMMENT ON TABLE @extschema@.roadmap_item_retired IS
'Shipped roadmap items a DBA deleted. Kept so that a pg_dump restore deletes them again after CREATE EXTENSION re-seeds the catalog.';
COMMENT ON COLUMN @extschema@.roadmap_item_retired.region_code IS 'Region of the deleted shipped item.';
COMMENT ON COLUMN @extschema@.roadmap_item_retired.item IS 'Number of the deleted shipped item.';
COMMENT ON COLUMN @extschema@.roadmap_item_retired.retired_at IS 'When the item was deleted.';

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
COMMENT ON FUNCTION @extschema@.roadmap_item_check() IS
'Trigger: refuses a roadmap item with an unknown responsible or status source (22023), a period ending before it starts (23514) or a measure or indicators that do not fit (22023).';

-- pg_dump: as for the target catalog, with its trigger functions (sql/once/catalog.sql)
CREATE TRIGGER roadmap_item_check BEFORE INSERT OR UPDATE ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.roadmap_item_check();
CREATE TRIGGER roadmap_item_before_insert BEFORE INSERT ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_replace('roadmap_item', 'region_code', 'item');
CREATE TRIGGER roadmap_item_before_update BEFORE UPDATE ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_edit();
CREATE TRIGGER roadmap_item_after_delete AFTER DELETE ON @extschema@.roadmap_item
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_retire('roadmap_item_retired', 'region_code', 'item');
CREATE TRIGGER roadmap_item_retired_before_insert BEFORE INSERT ON @extschema@.roadmap_item_retired
    FOR EACH ROW EXECUTE FUNCTION @extschema@.seeded_replace('roadmap_item', 'region_code', 'item');

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
