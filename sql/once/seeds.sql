--------------------------------------------------------------------------------
-- The shipped target catalog (spec §4): every stage of every indicator, and the
-- roadmap milestones.  Titles of computed indicators come from their definition
-- files (sql/indicators/), so each title is written once.
--------------------------------------------------------------------------------

INSERT INTO @extschema@.target
    (indicator, stage, deadline, comparison, rule, threshold, baseline_platform,
     baseline_school_year, in_force, kind, title_ru, title_en, source_document, seeded)
SELECT s.indicator, s.stage, s.deadline::date, s.comparison, s.rule, s.threshold, s.baseline_platform,
       s.baseline_school_year, s.in_force, s.kind,
       (SELECT d.title_ru FROM @extschema@.indicator_definition d WHERE d.indicator = s.indicator),
       (SELECT d.title_en FROM @extschema@.indicator_definition d WHERE d.indicator = s.indicator),
       s.source_document, s.seeded
FROM (VALUES
('orgs_connected', 1, '2023-05-01', '>=', 'fixed', 1, NULL::text, NULL::integer, true, 'computed',
 'Протокол совещания от 22.03.2023', true),
('spo_registered', 1, '2023-05-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Протокол совещания от 22.03.2023', true),
('staff_using', 1, '2023-05-31', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Протокол совещания от 22.03.2023', true),
('chats_10_per_week', 1, '2023-05-31', '>=', 'fixed', 0.25, NULL, NULL, true, 'computed',
 'Протокол совещания от 22.03.2023', true),
('ejournal_connected', 1, '2023-07-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Протокол совещания от 22.03.2023', true),
('active_teachers', 1, '2023-05-31', '>', 'fixed', 0.25, NULL, NULL, true, 'computed',
 'ИКОП «Сферум». Статистическая отчётность', true),
('active_orgs', 1, '2023-05-01', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'ИКОП «Сферум». Статистическая отчётность', true),
('staff_weekly_writers', 1, '2025-10-01', '>=', 'baseline_max', NULL, 'vk', 2024, true, 'computed',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 1', true),
('staff_weekly_writers', 2, '2025-12-30', '>=', 'fixed', 0.75, NULL, NULL, false, 'computed',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 1 (*)', true),
('learners_parents_weekly', 1, '2025-10-01', '>=', 'baseline_max', NULL, 'vk', 2024, true, 'computed',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 2', true),
('learners_parents_weekly', 2, '2025-12-30', '>=', 'fixed', 0.30, NULL, NULL, false, 'computed',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 2 (*)', true),
('national_only_users', 1, '2025-12-30', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 3', true),
('officials_weekly_writers', 1, '2025-12-30', '>=', 'fixed', 1, NULL, NULL, true, 'computed',
 'Дорожная карта перевода коммуникаций Сферума в национальный мессенджер, показатель 4', true)
) AS s(indicator, stage, deadline, comparison, rule, threshold, baseline_platform,
       baseline_school_year, in_force, kind, source_document, seeded);

-- roadmap milestones with countable results (loaded counts, not activity)
INSERT INTO @extschema@.target
    (indicator, stage, deadline, comparison, rule, threshold, baseline_platform,
     baseline_school_year, in_force, kind, title_ru, title_en, source_document, seeded)
VALUES
('official_channels_moved', 1, '2025-10-31', '>=', 'fixed', 1, NULL, NULL, true, 'milestone',
 'Доля официальных каналов, перенесённых в национальный мессенджер',
 'Share of official channels moved to the national messenger',
 'Дорожная карта, мероприятие 7', true),
('staff_trained', 1, '2025-10-31', '>=', 'fixed', 0.90, NULL, NULL, true, 'milestone',
 'Доля сотрудников, принявших участие в обучающих мероприятиях',
 'Share of staff who took part in training',
 'Дорожная карта, мероприятие 9', true),
('dpo_module_included', 1, '2025-12-31', '>=', 'fixed', 1, NULL, NULL, true, 'milestone',
 'Доля организаций ДПО, включивших модуль о Сферуме в курсы повышения квалификации',
 'Share of further-professional (DPO) organisations including the Sferum module in their courses',
 'Дорожная карта, мероприятие 14', true),
('ped_colleges_module_included', 1, '2025-12-31', '>=', 'fixed', 1, NULL, NULL, true, 'milestone',
 'Доля педагогических колледжей, включивших модуль о Сферуме в учебные программы',
 'Share of pedagogical colleges including the Sferum module in their curricula',
 'Дорожная карта, мероприятие 15', true);
