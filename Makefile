# sferum_kpi — PGXS build.  `make && make install`, then `make installcheck`
# against a running server; test/run does all of it in a throwaway cluster.

EXTENSION   = sferum_kpi
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\([^']*\)'/\1/p" $(EXTENSION).control)
MODULE_big  = sferum_kpi
OBJS        = $(patsubst %.c,%.o,$(wildcard src/*.c))

# ---------------------------------------------------------------------------
# SQL.  The sources under sql/ are by concern (sql/README.md says which file
# holds what), in the order below; scripts/build_sql makes the release scripts
# from them (its head says how; test/shell/build_sql.sh tests it):
#   sferum_kpi--$(EXTVERSION).sql               every source, in SQL_SOURCES order
#   sferum_kpi--$(PREVVERSION)--$(EXTVERSION).sql   sql/updates/, the sources new in
#       this release (SQL_NEW) whole, the comments of sql/once/ (created once:
#       types, operators, tables, seeds) and every other source re-run, with
#       OR REPLACE for exactly the signatures that the released
#       sql/released/sferum_kpi--$(PREVVERSION).sql created.
# Released scripts (sql/released/) never change: test/shell/released.sh checks
# them against sql/released/SHA256SUMS.
# ---------------------------------------------------------------------------
SQL_SOURCES = sql/calendar.sql sql/status.sql sql/render.sql sql/arguments.sql sql/once/types.sql sql/once/kpi_ratio.sql sql/weekly.sql \
              sql/rawagg.sql sql/target.sql sql/once/catalog.sql sql/once/registry.sql sql/definitions.sql \
              sql/indicators/fragments.sql \
              $(sort $(filter-out sql/indicators/fragments.sql,$(wildcard sql/indicators/*.sql))) \
              sql/once/seeds.sql sql/once/roadmap.sql sql/mart.sql sql/comments.sql sql/store_tables.sql sql/store.sql sql/store_judge.sql sql/views.sql sql/forecast_model.sql sql/forecast.sql sql/quality.sql sql/answers.sql sql/roadmap.sql sql/stored_answers.sql \
              sql/report/format.sql sql/report/chart.sql sql/report/headline.sql sql/report/indicators.sql sql/report/municipalities.sql \
              sql/report/actions.sql sql/report/roadmap.sql sql/report/methodology.sql sql/report/page.sql sql/history.sql sql/sharding.sql sql/national.sql sql/national_pull.sql sql/national_views.sql sql/national_forecast.sql sql/roles.sql \
              sql/checks.sql
# Sources first released in EXTVERSION: the update script includes them whole.
SQL_NEW     =
BUILD_SQL   = perl scripts/build_sql

UPDATE_SRC  = $(wildcard sql/updates/*--$(EXTVERSION).sql)
PREVVERSION = $(patsubst sql/updates/%--$(EXTVERSION).sql,%,$(UPDATE_SRC))
SQL_INSTALL = $(EXTENSION)--$(EXTVERSION).sql
SQL_UPDATE  = $(EXTENSION)--$(PREVVERSION)--$(EXTVERSION).sql

DATA        = $(wildcard sql/released/$(EXTENSION)--*.sql)
DATA_built  = $(SQL_INSTALL) $(SQL_UPDATE)

TESTS        = $(wildcard test/sql/*.sql)
REGRESS      = $(patsubst test/sql/%.sql,%,$(TESTS))
# --outputdir: pg_regress prefers OUTPUTDIR/sql/NAME.sql to the input one, and
# sql/ holds the extension's sources (sql/calendar.sql would shadow the test).
REGRESS_OPTS = --inputdir=test --outputdir=test/out --load-extension=$(EXTENSION)

PG_CFLAGS  += -Wall -Wextra

PG_CONFIG ?= pg_config

# Mark the server headers as system headers: -Wextra then judges our code, not
# PostgreSQL's inline functions (some have parameters they do not use).  GCC
# and clang drop the plain -I for a directory also given with -isystem.
PG_CPPFLAGS += -isystem $(shell $(PG_CONFIG) --includedir-server)
EXTRA_CLEAN = test/out

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(SQL_INSTALL): $(SQL_SOURCES) scripts/build_sql $(EXTENSION).control Makefile
	@echo "generating $@ from the sources under sql/"
	@$(BUILD_SQL) install --version $(EXTVERSION) $(SQL_SOURCES) >$@.tmp && mv $@.tmp $@

$(SQL_UPDATE): $(UPDATE_SRC) $(wildcard sql/updates/*--$(EXTVERSION).post.sql) sql/updates/notice.sql \
               $(SQL_SOURCES) sql/released/$(EXTENSION)--$(PREVVERSION).sql scripts/build_sql Makefile
	@test -n "$(PREVVERSION)" || { echo "no sql/updates/*--$(EXTVERSION).sql" >&2; exit 1; }
	@echo "generating $@ from sql/updates/ and the sources under sql/"
	@$(BUILD_SQL) update --from $(PREVVERSION) --version $(EXTVERSION) --released sql/released \
	    $(addprefix --new ,$(SQL_NEW)) $(SQL_SOURCES) >$@.tmp && mv $@.tmp $@

.PHONY: sql
sql: $(SQL_INSTALL) $(SQL_UPDATE)
