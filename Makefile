# hangar_fdw: PGXS build of the C++17 extension, its pg_regress suite, and the unit tests of
# the pure C++ core (GoogleTest, no server needed).

MODULE_big = hangar_fdw
EXTENSION = hangar_fdw
DATA = sql/hangar_fdw--0.1.sql sql/hangar_fdw--0.1--0.2.sql sql/hangar_fdw--0.2.sql sql/hangar_fdw--0.2--0.3.sql sql/hangar_fdw--0.3.sql sql/hangar_fdw--0.3--0.4.sql sql/hangar_fdw--0.4.sql
PGFILEDESC = "hangar_fdw - SQLite foreign-data wrapper and migration"

SOURCES = $(sort $(wildcard src/*/*.cpp))
OBJS = $(SOURCES:.cpp=.o)
CORE_SOURCES = $(sort $(wildcard src/core/*.cpp))

REGRESS = setup options security import scan lateral pushdown types values errors snapshot write export cancel migrate migrate_options migrate_django migrate_errors migrate_security migrate_hostile_ddl migrate_cut migrate_boundary migrate_fk_copy migrate_schemas migrate_encoding verify sync progress update

PG_CONFIG ?= pg_config
PG_INCLUDEDIR_SERVER := $(shell $(PG_CONFIG) --includedir-server)
# PostgreSQL's headers as system headers: our warning flags apply to our code only.
PG_CPPFLAGS = -Isrc -isystem $(PG_INCLUDEDIR_SERVER) -MMD -MP
PG_CXXFLAGS = -std=c++17 -pthread -Wall -Wextra -Wshadow -Wno-missing-field-initializers
SHLIB_LINK = -lsqlite3 -lstdc++ -pthread
# No LLVM bitcode: JIT inlining of this module is not worth requiring clang to build it.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Rebuild an object when a header it includes changes (-MMD writes the lists).
-include $(OBJS:.o=.d)

# Unit tests of src/core (pure C++), linked with the same core objects the extension ships.
UNIT_BIN = test/unit/core_tests
UNIT_SOURCES = $(sort $(wildcard test/unit/*.cpp))
$(UNIT_BIN): $(CORE_SOURCES:.cpp=.o) $(UNIT_SOURCES) $(wildcard src/core/*.hpp test/unit/*.hpp)
	$(CXX) -std=c++17 -O1 -g -Wall -Wextra -Wshadow -Isrc -o $@ $(UNIT_SOURCES) $(CORE_SOURCES:.cpp=.o) \
		-lgtest -lgtest_main -lsqlite3 -pthread

unittest: $(UNIT_BIN)
	./$(UNIT_BIN)

.PHONY: unittest
EXTRA_CLEAN = $(UNIT_BIN) $(OBJS:.o=.d)

# The benchmark beside COPY and pgloader (bench/README.md); never part of the tests.
BENCH_SCALE ?= 1
BENCH_RUNS ?= 3
bench:
	bash bench/run.sh $(BENCH_SCALE) $(BENCH_RUNS)

.PHONY: bench

# The PGXN release (https://pgxn.org/spec/): $(EXTENSION)-<version>.zip of the commit HEAD
# (git archive; uncommitted changes are not in it), everything under $(EXTENSION)-<version>/,
# the version taken from META.json. test/dist.py builds and checks it.
DIST_VERSION = $(shell sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' $(dir $(firstword $(MAKEFILE_LIST)))META.json)
DIST_ZIP = $(EXTENSION)-$(DIST_VERSION).zip
dist:
	@git diff --quiet HEAD -- || echo "make dist: the working tree has uncommitted changes; the zip holds HEAD" >&2
	git archive --format=zip --prefix=$(EXTENSION)-$(DIST_VERSION)/ --output=$(DIST_ZIP) HEAD

.PHONY: dist
