# abicheck — see README.md.  `make` builds ./abicheck; `make run` and
# `make test` are the two set-up commands (they install what they need).

CC       ?= cc
PKGS     := libelf libarchive libseccomp jansson libcrypto zlib libzstd libisal capstone libcurl
OPTFLAGS ?= -O2 -g
CFLAGS   := -std=c11 -Wall -Wextra -Werror $(OPTFLAGS) -D_GNU_SOURCE -I. $(EXTRA_CFLAGS)
LDFLAGS  += $(EXTRA_LDFLAGS)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Zydis (libzydis-dev) ships no pkg-config file.
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lZydis

BUILD ?= build/release
BIN   ?= abicheck

LIB_SRC  := $(sort $(wildcard common/*.c images/*.c analyzer/*.c syscalls/*.c probes/*.c verdict/*.c))
CLI_SRC  := $(sort $(wildcard cli/*.c))
GEN_CC   := $(BUILD)/gen/checkconfig_steps.c
GEN_SRC  := $(BUILD)/gen/exit_codes.c $(BUILD)/gen/glibc_fallbacks.c $(BUILD)/gen/syscall_table.c $(BUILD)/gen/seccomp_profiles.c \
	$(BUILD)/gen/libseccomp_support.c $(GEN_CC)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(GEN_SRC:.c=.o)
SECCOMP_JSON := $(sort $(wildcard data/seccomp/*.json))
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
FIXTURES  ?= $(HOME)/.cache/abicheck-fixtures
DEMO      := build/demo-image

.PHONY: all deps deps-check run test unit integration asan test-asan clean demo bench validate valgrind \
	fuzz fuzzers hostile-table a64-check

all: $(BIN)

$(BIN): $(LIB_OBJ) $(CLI_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

# Syscall tables are generated from data, never typed (syscalls/table.h).
$(BUILD)/gen/syscall_table.c: data/syscalls/syscalls-kver.csv scripts/gen-syscalls.awk
	@mkdir -p $(dir $@)
	awk -f scripts/gen-syscalls.awk $< > $@.tmp && mv $@.tmp $@

# check-config.sh's options, groups and version conditions, generated from
# the vendored JSON (probes/checkconfig.h); jq is already a test dependency.
$(GEN_CC): data/checkconfig/moby-check-config-options.json scripts/gen-checkconfig.jq
	@mkdir -p $(dir $@)
	jq -r -f scripts/gen-checkconfig.jq $< > $@.tmp && mv $@.tmp $@

# So are the runtimes' seccomp profiles and libseccomp's name support
# (probes/seccomp_data.h).
$(BUILD)/gen/seccomp_profiles.c: $(SECCOMP_JSON) scripts/gen-seccomp-profiles.awk
	@mkdir -p $(dir $@)
	awk -f scripts/gen-seccomp-profiles.awk $(SECCOMP_JSON) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/exit_codes.c: data/exit-codes.csv scripts/gen-exit-codes.awk scripts/csv.awk
	@mkdir -p $(dir $@)
	awk -f scripts/csv.awk -f scripts/gen-exit-codes.awk $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/glibc_fallbacks.c: data/glibc/enosys-fallbacks.csv scripts/gen-fallbacks.awk scripts/csv.awk
	@mkdir -p $(dir $@)
	awk -f scripts/csv.awk -f scripts/gen-fallbacks.awk $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/libseccomp_support.c: data/libseccomp/libseccomp-syscall-support.csv scripts/gen-libseccomp-support.awk
	@mkdir -p $(dir $@)
	awk -F, -f scripts/gen-libseccomp-support.awk $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c syscalls/table.h probes/checkconfig.h probes/seccomp_data.h \
		verdict/fallbacks.h verdict/exit_codes.h
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) $(EXTRA_DEFS) -c -o $@ $<

# The analysis cache is keyed by a hash of everything that decides a
# file's analysis (analyzer/cache.h): any change starts a fresh cache.
ANALYZER_INPUTS := $(sort $(wildcard analyzer/*.c analyzer/*.h syscalls/*.c syscalls/*.h)) \
	data/syscalls/syscalls-kver.csv scripts/gen-syscalls.awk
ANALYZER_HASH := $(shell cat $(ANALYZER_INPUTS) | sha256sum | cut -c1-16)
$(BUILD)/analyzer/cache.o: $(ANALYZER_INPUTS)
$(BUILD)/analyzer/cache.o: EXTRA_DEFS := -DANALYZER_HASH='"$(ANALYZER_HASH)"'

# Layer records (images/layercache.h) hold what the tar reader decided per
# member: a change to those decisions or to the record starts afresh.
LAYER_INPUTS := $(sort $(wildcard images/layer.[ch] images/path.[ch] images/layercache.[ch]))
LAYER_HASH := $(shell cat $(LAYER_INPUTS) | sha256sum | cut -c1-16)
$(BUILD)/images/layercache.o: $(LAYER_INPUTS)
$(BUILD)/images/layercache.o: EXTRA_DEFS := -DLAYER_HASH='"$(LAYER_HASH)"'

# Unit tests find checked-in fixtures through ABICHECK_FIXTURES_DIR.
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -DABICHECK_FIXTURES_DIR='"$(abspath tests/fixtures)"' \
		-o $@ $< $(LIB_OBJ) $(PKG_LIBS) -lcmocka $(LDFLAGS)

# Installs the Debian packages the build and the tests need (see DESIGN.md).
deps:
	scripts/deps.sh

# Runs `make deps` only when something is missing, so a fresh machine
# needs nothing by hand and a prepared one pays nothing.
deps-check:
	@scripts/deps.sh --check || scripts/deps.sh

demo: deps-check
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/mkdemo.sh $(DEMO)

# The main job on the embedded demo image (built from tests/fixtures/demo).
run: demo
	./$(BIN) oci:$(DEMO):demo

unit: $(UNIT_BIN)
	@for t in $(UNIT_BIN); do echo "== $$t"; $$t || exit 1; done

integration: $(BIN)
	ABICHECK=$(abspath $(BIN)) FIXTURES=$(FIXTURES) \
		ABICHECK_TEST_CACHE=$(abspath $(BUILD))/test-cache tests/integration/run.sh

# The same suites built with AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan:
	$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/abicheck \
		OPTFLAGS="-O1 -g" EXTRA_CFLAGS="$(SAN_FLAGS)" EXTRA_LDFLAGS="$(SAN_FLAGS)" \
		unit integration

test: deps-check
	$(MAKE) --no-print-directory all unit integration
	$(MAKE) --no-print-directory test-asan

# Timings into docs/PERFORMANCE.md (scripts/bench.sh); not part of `test`.
bench: deps-check
	@$(MAKE) --no-print-directory $(BIN)
	ABICHECK=$(abspath $(BIN)) FIXTURES=$(FIXTURES) scripts/bench.sh

# The integration suites with every abicheck run under valgrind (slow; not
# part of `make test`).  ONLY=PATTERN picks suites.
valgrind: deps-check
	@$(MAKE) --no-print-directory $(BIN)
	ABICHECK=$(abspath $(BIN)) FIXTURES=$(FIXTURES) \
		ABICHECK_TEST_CACHE=$(abspath $(BUILD))/test-cache scripts/valgrind.sh

# t-hostile's cases of issue 10's list, with the exit code, time and peak
# RSS of each, into docs/RELIABILITY.md (scripts/hostile-table.sh).
hostile-table: deps-check
	@$(MAKE) --no-print-directory $(BIN)
	ABICHECK=$(abspath $(BIN)) FIXTURES=$(FIXTURES) scripts/hostile-table.sh

# Predictions against real Debian kernels booted under qemu (the vmrun
# harness in ../shared/tools/vmrun) into docs/VALIDATION.md
# (scripts/validate.sh).  Minutes of boots, so not part of `test`; fails
# on any disagreement.
validate: deps-check
	@$(MAKE) --no-print-directory $(BIN)
	ABICHECK=$(abspath $(BIN)) FIXTURES=$(FIXTURES) scripts/validate.sh

# libFuzzer targets (tests/fuzz/fuzz_TARGET.c) over the real parsers,
# FUZZ_SECONDS each, into docs/RELIABILITY.md (scripts/fuzz.sh).  libFuzzer
# is clang's, so the library is rebuilt by clang in build/fuzz the way
# test-asan rebuilds it, with coverage instrumentation (fuzzer-no-link);
# only the targets link libFuzzer's main.  Not part of `test`.
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=fuzzer-no-link $(SAN_FLAGS)
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))

$(BUILD)/fuzzers/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_OBJ) $(PKG_LIBS) $(LDFLAGS)

fuzzers: $(FUZZ_TARGETS:%=$(BUILD)/fuzzers/%)

fuzz: deps-check
	@scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory $(BIN)
	$(MAKE) --no-print-directory CC=clang BUILD=build/fuzz OPTFLAGS="-O1 -g" \
		EXTRA_CFLAGS="$(FUZZ_SAN)" EXTRA_LDFLAGS="$(FUZZ_SAN)" fuzzers
	ABICHECK=$(abspath $(BIN)) tests/fuzz/seeds.sh build/fuzz/corpus
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh build/fuzz $(FUZZ_TARGETS)

# The proof behind analyzer/a64_decode.c: every 32-bit word it answers,
# capstone decodes the same way (scripts/a64-check.c; minutes of both
# cores, so not part of `test`, whose unit test samples the same).
a64-check: deps-check $(BUILD)/a64-check
	@$(BUILD)/a64-check --all 0 2 & p=$$!; $(BUILD)/a64-check --all 1 2 || r=1; \
		wait $$p || r=1; exit $${r:-0}

$(BUILD)/a64-check: scripts/a64-check.c $(BUILD)/analyzer/a64_decode.o
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

clean:
	rm -rf build $(BIN)
