# sferum_kpi — PGXS build.  `make && make install`, then `make installcheck`
# against a running server; test/run does all of it in a throwaway cluster.

EXTENSION   = sferum_kpi
MODULE_big  = sferum_kpi
OBJS        = $(patsubst %.c,%.o,$(wildcard src/*.c))

# The first release's install script, and one upgrade script per later release.
DATA        = $(wildcard sql/$(EXTENSION)--*.sql)

TESTS        = $(wildcard test/sql/*.sql)
REGRESS      = $(patsubst test/sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --inputdir=test --load-extension=$(EXTENSION)

PG_CFLAGS  += -Wall -Wextra

PG_CONFIG ?= pg_config

# Mark the server headers as system headers: -Wextra then judges our code, not
# PostgreSQL's inline functions (some have parameters they do not use).  GCC
# and clang drop the plain -I for a directory also given with -isystem.
PG_CPPFLAGS += -isystem $(shell $(PG_CONFIG) --includedir-server)
EXTRA_CLEAN = results regression.diffs regression.out

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
