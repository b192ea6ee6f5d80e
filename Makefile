# memcg-root-bench: `make bench` measures natively, `make test` tests.
# Build outputs go to $(BUILD) (git-ignored); nothing is written elsewhere.

BUILD       ?= build
CLANG       ?= clang
BPFTOOL     ?= bpftool
CC          ?= gcc
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
ARGS        ?=

# The BPF programs' target architecture, in the kernel's names (x86,
# arm64): this machine's unless a cross build says otherwise. ARCH itself
# is the guest's architecture for `make vm-bench ARCH=arm64`.
BPF_ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')

# One BPF object and skeleton per strategy: every bpf/<name>.bpf.c that
# declares facts (RB_FACT, RB_KFUNC, RB_FORM lines, see bpf/driver.bpf.h; the
# table script stops the build on a fact line it cannot read). Other BPF
# objects: the building blocks (bench/parts/blocks.c), timed by the same driver.
STRATEGY_SRCS := $(shell grep -lE '^[[:space:]]*RB_(FACT|KFUNC|FORM)' bpf/*.bpf.c)
STRATEGIES := $(patsubst bpf/%.bpf.c,%,$(STRATEGY_SRCS))
# The OOM victim-selection consumer, three ways: bpf/oom_select_<route>.bpf.c
CONSUMERS  := oom_select_kfunc oom_select_walk oom_select_ancestor
OTHER_BPF := blocks $(CONSUMERS)

# bench/ is layered by folder (bench/README.md): io, machine, core, parts,
# run and report, the commands at the top.
BENCH_DIRS := io machine core parts run report
BENCH_SRCS := $(wildcard bench/*.c $(patsubst %,bench/%/*.c,$(BENCH_DIRS)))
BENCH_HDRS := $(wildcard bench/*.h $(patsubst %,bench/%/*.h,$(BENCH_DIRS)))
BENCH_OBJS := $(patsubst bench/%.c,$(BUILD)/bench/%.o,$(BENCH_SRCS))
BPF_OBJS   := $(patsubst %,$(BUILD)/%.bpf.o,$(STRATEGIES) $(OTHER_BPF))
STRATEGY_SKELS := $(patsubst %,$(BUILD)/%.skel.h,$(STRATEGIES))
SKELS      := $(patsubst %,$(BUILD)/%.skel.h,$(STRATEGIES) $(OTHER_BPF))

CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Ibench -I$(BUILD) -Ibpf -MMD -MP
LDLIBS  += -lbpf -ljansson -lz -lm
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) -Wall -Wextra \
	-I$(BUILD) -Ibpf
# WERROR=1 (as `make test` builds): a warning fails the build.
WERROR ?=
ifeq ($(WERROR),1)
CFLAGS     += -Werror
BPF_CFLAGS += -Werror
FUZZ_WERROR := -Werror
endif

# Cross-building user space for another architecture (scripts/vm-bench.sh
# does it for VM_ARCH=arm64): CROSS_SYSROOT from scripts/cross-sysroot.sh,
# CC the cross compiler, BPF_ARCH the kernel's name of the target. The binary is
# static, so that the guest needs no libraries of its architecture.
ifdef CROSS_SYSROOT
CROSS_TRIPLET ?= aarch64-linux-gnu
CFLAGS  += -isystem $(CROSS_SYSROOT)/usr/include
LDFLAGS += -static -L$(CROSS_SYSROOT)/usr/lib/$(CROSS_TRIPLET)
LDLIBS  += -lelf -lz -lzstd
endif

ROOTBENCH := $(BUILD)/rootbench
# The guest's architecture for vm-bench and vm-matrix: ARCH=arm64 (or
# aarch64); anything else, or nothing, is this machine's own (amd64).
VM_ARCH := $(if $(filter arm64 aarch64,$(ARCH)),arm64,amd64)

.PHONY: all aa bench plots reference report vm-bench proxy-validation check test fuzz deps deps-test deps-vm deps-fuzz clean FORCE
.DEFAULT_GOAL := all

all: $(ROOTBENCH)

$(BUILD):
	@mkdir -p $@

# vmlinux.h comes from the running kernel's BTF (or VMLINUX_BTF=path).
$(BUILD)/vmlinux.h: | $(BUILD)
	@test -r $(VMLINUX_BTF) || { echo "error: no kernel BTF at $(VMLINUX_BTF): the kernel needs CONFIG_DEBUG_INFO_BTF=y (or set VMLINUX_BTF=/path/to/vmlinux)" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	@mv $@.tmp $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.h) $(BUILD)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	@mv $@.tmp $@

# The list of strategy files, rewritten only when it changes: a strategy
# file deleted (or added) rebuilds what lists the strategies, as an edited
# one does through its own date.
$(BUILD)/strategy-list.stamp: FORCE | $(BUILD)
	@v="$(STRATEGY_SRCS)"; [ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@

# The user-space strategy table, from the strategies' facts.
$(BUILD)/strategy_table.h: $(STRATEGY_SRCS) $(BUILD)/strategy-list.stamp scripts/strategy-table.sh | $(BUILD)
	scripts/strategy-table.sh $(STRATEGY_SRCS) > $@.tmp
	@mv $@.tmp $@

# Code lines of each strategy, for verifier.csv.
$(BUILD)/source_lines.h: $(patsubst %,bpf/%.bpf.c,$(STRATEGIES) $(CONSUMERS)) $(wildcard bpf/*.bpf.h) $(BUILD)/strategy-list.stamp \
		scripts/source-lines.sh | $(BUILD)
	scripts/source-lines.sh $(filter %.bpf.c,$^) > $@.tmp
	@mv $@.tmp $@

# The git commit goes into env.json; rewritten only when it changes. "-dirty"
# when the code differs from it: results/ and REPORT.md are outputs, so
# make reference can rewrite results/proxy-validation.csv before its runs.
# GIT_COMMIT=...: a tree without .git says which commit it is (make fleet
# ships `git archive` of HEAD to each host).
GIT_COMMIT ?=
$(BUILD)/version.h: FORCE | $(BUILD)
	@v="#define RB_GIT_COMMIT \"$(or $(GIT_COMMIT),$$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$$(git diff --quiet HEAD -- . ':(exclude)results' ':(exclude)REPORT.md' 2>/dev/null || echo -dirty))\""; \
	[ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" > $@

# Only the table needs the skeletons; -MMD records the rest.
$(BUILD)/bench/core/strategies.o: $(STRATEGY_SKELS) $(BUILD)/strategy_table.h $(BUILD)/source_lines.h
$(BUILD)/bench/parts/blocks.o: $(BUILD)/blocks.skel.h
$(BUILD)/bench/parts/consumer.o: $(patsubst %,$(BUILD)/%.skel.h,$(CONSUMERS)) $(BUILD)/source_lines.h
$(BUILD)/bench/%.o: bench/%.c $(BUILD)/version.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -include $(BUILD)/version.h -c $< -o $@

$(ROOTBENCH): $(BENCH_OBJS)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

-include $(BENCH_OBJS:.o=.d)

# Installs what is missing (Debian/Ubuntu), or lists it elsewhere.
deps:
	@scripts/deps.sh bench

deps-test:
	@scripts/deps.sh test

# ARGS="..." go to `rootbench run`; the run ends with plots and REPORT.md.
bench: deps
	$(MAKE) all
	BUILD=$(BUILD) scripts/bench.sh $(ARGS)

# Plots of an existing run directory, from its CSV files.
plots:
	@[ -n "$(RUN)" ] || { echo "make plots: RUN=results/<dir> is required" >&2; exit 2; }
	scripts/plot.sh "$(RUN)"

# The same suite in a QEMU VM on a kernel that has the kfunc (see
# scripts/vm-bench.sh for KERNEL, VM_SUITE, VM_ARGS, VM_ICOUNT, VM_CMDLINE,
# VM_TIMEOUT).
# ARCH=arm64: the newest Debian arm64 kernel with the kfunc, under
# qemu-system-aarch64 (TCG), rootbench cross-built static (see README).
export KERNEL VM_SUITE VM_ARGS VM_ICOUNT VM_CMDLINE VM_TIMEOUT
vm-bench: deps deps-vm
	$(MAKE) all
	@if [ "$(VM_ARCH)" = arm64 ]; then scripts/deps.sh arm64; fi
	VM_ARCH=$(VM_ARCH) BUILD=$(BUILD) scripts/vm-bench.sh

# The reference runs and the top-level REPORT.md (scripts/reference.sh):
# `make reference` reruns them all from a clean commit (about 15 min),
# `make report` only rewrites REPORT.md from the runs in results/reference/.
reference: deps deps-vm
	@scripts/deps.sh arm64
	$(MAKE) all
	BUILD=$(BUILD) scripts/reference.sh

# The A/A self-check (rootbench aa): the sweep twice, compared; ARGS go to
# both sweeps.
aa: deps
	$(MAKE) all
	$(ROOTBENCH) aa $(ARGS)

report: all
	BUILD=$(BUILD) scripts/reference.sh --report

deps-vm:
	@scripts/deps.sh vm

# The kfunc's proxy against the kfunc, in the VM under icount and TCG
# (scripts/proxy-validation.sh): writes results/proxy-validation.csv, which
# native runs read to print the kfunc's estimate.
proxy-validation: deps deps-vm
	@scripts/deps.sh arm64
	$(MAKE) all
	BUILD=$(BUILD) scripts/proxy-validation.sh

# The quick half of the tests, for a developer to run often: unit tests,
# shellcheck, the layers, the report regenerated byte for byte and the
# file-only suites; no root, no kernel, no VM (tests/run.sh --check).
check: deps-test
	$(MAKE) WERROR=1 all $(BUILD)/unit_tests
	tests/run.sh --check

test: deps-test deps-vm
	@scripts/deps.sh arm64
	$(MAKE) WERROR=1 all $(BUILD)/unit_tests $(FUZZ_REPLAYS)
	tests/run.sh

clean:
	rm -rf $(BUILD)

# Unit tests of the pure user-space parts (statistics, parsing, output).
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_DEPS := bench/core/stats.c bench/core/rounds.c bench/io/parse.c bench/io/output.c bench/io/json.c \
	bench/io/jsonread.c bench/io/csvread.c bench/io/cli.c bench/machine/fingerprint.c bench/core/sample.c \
	bench/core/signals.c bench/io/columns.c bench/machine/kernel.c bench/parts/proxy_rule.c
$(BUILD)/unit_tests: $(UNIT_SRCS) $(UNIT_DEPS) $(wildcard tests/unit/*.h) $(BENCH_HDRS) | $(BUILD)
	$(CC) $(CFLAGS) -Itests/unit $(UNIT_SRCS) $(UNIT_DEPS) -lbpf -ljansson -lz -lm -o $@

# Fuzzing (tests/fuzz/): the list and option parsers and the JSON and CSV
# readers, each a libFuzzer target. `make fuzz` runs each for FUZZ_SECONDS
# from its seed corpus (tests/fuzz/corpus/<target>/), crashes going to
# fuzz-out/<target>/; `make test` replays every seed, and every input that
# once crashed, through the same target under ASan without libFuzzer.
FUZZ_TARGETS := lists json csv options
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_BIN     := $(patsubst %,$(BUILD)/fuzz/fuzz-%,$(FUZZ_TARGETS))
FUZZ_REPLAYS := $(patsubst %,$(BUILD)/fuzz/replay-%,$(FUZZ_TARGETS))
# What each target links besides itself.
fuzz_deps_lists   := bench/io/parse.c
fuzz_deps_json    := bench/io/jsonread.c
fuzz_deps_csv     := bench/io/csvread.c
fuzz_deps_options := $(filter-out bench/rootbench.c,$(BENCH_SRCS))
FUZZ_CFLAGS = -g -O1 -std=gnu11 -D_GNU_SOURCE -Ibench -I$(BUILD) -Ibpf -Itests/fuzz \
	-include $(BUILD)/version.h

$(BUILD)/fuzz:
	mkdir -p $@

# The options target needs the skeletons, like rootbench itself.
$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(SKELS) $(BUILD)/version.h \
		$(BUILD)/source_lines.h $(BUILD)/strategy_table.h $(BENCH_HDRS) $(BENCH_SRCS) | $(BUILD)/fuzz
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $< $(fuzz_deps_$*) $(LDLIBS) -o $@

$(BUILD)/fuzz/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(SKELS) \
		$(BUILD)/version.h $(BUILD)/source_lines.h $(BUILD)/strategy_table.h $(BENCH_HDRS) $(BENCH_SRCS) | $(BUILD)/fuzz
	$(CC) $(FUZZ_CFLAGS) -Wall -Wextra $(FUZZ_WERROR) $(FUZZ_SAN) tests/fuzz/replay.c $< $(fuzz_deps_$*) \
		$(LDLIBS) -o $@

deps-fuzz:
	@scripts/deps.sh fuzz

fuzz: deps-fuzz
	$(MAKE) $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) BUILD=$(BUILD) scripts/fuzz.sh $(FUZZ_TARGETS)

# The BPF objects stay after the skeletons are made: scripts/veristat.sh
# and tests/veristat.sh run the real veristat on them.
.SECONDARY: $(BPF_OBJS)

# The icount suite on every Debian kernel reachable through apt, side by
# side, and cross-kernel tables per strategy (scripts/vm-matrix.sh;
# ARCHS="amd64 arm64" adds each suite's arm64 kernel:
# MATRIX_QUICK, MATRIX_JOBS, MATRIX_SUITES, MATRIX_REPEAT, MATRIX_ARGS,
# MATRIX_OUT, MATRIX_TIMEOUT, MATRIX_SSHLOGINFILE).
export MATRIX_QUICK MATRIX_JOBS MATRIX_SUITES MATRIX_REPEAT MATRIX_ARGS MATRIX_OUT MATRIX_TIMEOUT MATRIX_SSHLOGINFILE
.PHONY: vm-matrix
vm-matrix: deps deps-vm
	$(MAKE) all
	@if echo " $(ARCHS) $(MATRIX_ARCHS) " | grep -q ' arm64 '; then scripts/deps.sh arm64; fi
	MATRIX_ARCHS="$(or $(ARCHS),$(MATRIX_ARCHS),amd64)" BUILD=$(BUILD) scripts/vm-matrix.sh

# The default native suite on every host of an ssh login file, through GNU
# parallel; the runs come back into the machine gallery and the cross-class
# table is printed (scripts/fleet.sh: FLEET_ARGS, FLEET_JOBS, FLEET_GALLERY).
export FLEET_ARGS FLEET_JOBS FLEET_GALLERY
.PHONY: fleet
fleet: deps
	@[ -n "$(HOSTS)" ] || { echo "make fleet: HOSTS=FILE (an ssh login file, as GNU parallel --sshloginfile reads) is required" >&2; exit 2; }
	@scripts/deps.sh fleet
	$(MAKE) all
	BUILD=$(BUILD) scripts/fleet.sh "$(HOSTS)"
