# tlsroot: boot from network root storage protected by TLS.
#
#   make                 build libraries and binaries into build/
#   make check           everything: unit tests (plain, then ASan+UBSan),
#                        fuzzers, and the QEMU scenarios; ends "N passed, N failed"
#   make install PREFIX=/usr DESTDIR=/tmp/pkg
#   make deb             the Debian package tlsroot into build/deb/
#   make demo            boot a client from an NFS root over mTLS (see README)
#
# One static library per component folder, one public header named after it.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DRACUTDIR  ?= /usr/lib/dracut/modules.d
SYSTEMDDIR ?= /usr/lib/systemd/system
DESTDIR    ?=

# O: output root. SAN=asan: ASan+UBSan unit-test build in $(O)/asan;
# SAN=fuzz: clang libFuzzer build in $(O)/fuzz. Parallel work trees of
# builds can use separate O= roots.
O   ?= build
SAN ?=
ifeq ($(SAN),asan)
BUILD ?= $(O)/asan
SAN_CFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1
SAN_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(SAN),fuzz)
BUILD ?= $(O)/fuzz
CC := clang
SAN_CFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -O1 -DTLSROOT_FUZZING
SAN_LDFLAGS := -fsanitize=fuzzer,address,undefined
else
BUILD ?= $(O)
endif

# pkg-config module=Debian package. The flags are looked up when a recipe
# first needs them, not when make parses this file: `make check` and
# `make demo` install the packages (scripts/host-setup.sh) first, and a
# missing one is named by $(BUILD)/.libs-ok instead of a wall of
# undefined references.
PKG_DEBS := gnutls=libgnutls28-dev tss2-esys=libtss2-dev tss2-mu=libtss2-dev \
	tss2-tctildr=libtss2-dev tss2-rc=libtss2-dev libkeyutils=libkeyutils-dev \
	libmnl=libmnl-dev zlib=zlib1g-dev json-c=libjson-c-dev
PKGS := $(foreach m,$(PKG_DEBS),$(firstword $(subst =, ,$(m))))
# Deferred once: expanded at first use, then kept.
lazy_shell = $(eval $(1) := $$(shell $(2)))$($(1))
PKG_CFLAGS = $(call lazy_shell,PKG_CFLAGS,pkg-config --cflags $(PKGS))
PKG_LIBS = $(call lazy_shell,PKG_LIBS,pkg-config --libs $(PKGS))
CMOCKA_LIBS = $(call lazy_shell,CMOCKA_LIBS,pkg-config --libs cmocka)

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
CPPFLAGS += -I. -D_GNU_SOURCE -DTLSROOT_VERSION='"$(VERSION)"'
CFLAGS   ?= -O2 -g
# Sanitizer builds run without _FORTIFY_SOURCE (it hides ASan's reports).
FORTIFY  := $(if $(SAN),,-D_FORTIFY_SOURCE=2)
ALL_CFLAGS = -std=c11 $(WARN) -fstack-protector-strong $(FORTIFY) \
	     $(CFLAGS) $(SAN_CFLAGS) $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_LDFLAGS)

# Link order: dependents first.
LIBDIRS := handshake tpm keys kernel-cmdline common
MAIN_SRCS := handshake/tlsroot-agent.c

lib_srcs = $(filter-out $(MAIN_SRCS),$(wildcard $(1)/*.c))
obj_of   = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIBS     := $(foreach d,$(LIBDIRS),$(if $(call lib_srcs,$(d)),$(BUILD)/lib/libtr-$(d).a))

CLI_OBJS   := $(call obj_of,$(wildcard cli/*.c))
AGENT_SRC  := $(wildcard handshake/tlsroot-agent.c)
BINS       := $(BUILD)/tlsroot $(if $(AGENT_SRC),$(BUILD)/tlsroot-agent)

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-bin/%,$(FUZZ_SRCS))
FUZZ_SECONDS ?= 5

MAN_PAGES := $(wildcard doc/*.[1-8])

.PHONY: all check unit unit-asan fuzz fuzz-build fuzz-bins qemu-check tpm-check demo install \
	deb host-setup clean
all: $(BINS)

# V=1 shows the commands.
Q := $(if $(V),,@)
say = $(if $(V),,@echo "  $(1) $(2)";)

# One line naming every missing development package, before any compiler
# runs: need_debs = shell code checking module=package pairs $(1).
need_debs = missing=; for m in $(1); do \
		pkg-config --exists "$${m%%=*}" 2>/dev/null || \
		case " $$missing " in *" $${m\#*=} "*) ;; *) missing="$$missing $${m\#*=}" ;; esac; \
	done; \
	command -v pkg-config >/dev/null || missing=" pkg-config$$missing"; \
	if [ -n "$$missing" ]; then \
		echo "tlsroot: cannot build: missing development packages:$$missing; apt-get install$$missing (or run 'make host-setup' as root)" >&2; \
		exit 1; fi

$(BUILD)/.libs-ok: Makefile
	@$(call need_debs,$(PKG_DEBS))
	@mkdir -p $(@D) && touch $@

$(BUILD)/.cmocka-ok: Makefile
	@$(call need_debs,cmocka=libcmocka-dev)
	@mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: %.c | $(BUILD)/.libs-ok
	@mkdir -p $(dir $@)
	$(call say,CC,$@)$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

define LIB_RULE
$(BUILD)/lib/libtr-$(1).a: $(call obj_of,$(call lib_srcs,$(1)))
	@mkdir -p $$(dir $$@)
	$$(call say,AR,$$@)rm -f $$@ && $$(AR) rcs $$@ $$^
endef
$(foreach d,$(LIBDIRS),$(eval $(call LIB_RULE,$(d))))

$(BUILD)/tlsroot: $(CLI_OBJS) $(LIBS)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(LIBS) $(PKG_LIBS)

# --as-needed: the agent locks all its mappings, so unused libraries
# (tpm2-tss and its libcrypto) must not be mapped at all.
$(BUILD)/tlsroot-agent: $(call obj_of,$(AGENT_SRC)) $(LIBS)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -Wl,--as-needed -o $@ $(call obj_of,$(AGENT_SRC)) $(LIBS) $(PKG_LIBS)

# A test may list extra linker flags (e.g. -Wl,--wrap=...) in test_X.ldflags.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(LIBS) | $(BUILD)/.cmocka-ok
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBS) $(PKG_LIBS) $(CMOCKA_LIBS) \
		$(shell cat tests/unit/$*.ldflags 2>/dev/null)

$(BUILD)/fuzz-bin/%: $(BUILD)/obj/tests/fuzz/%.o $(LIBS)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIBS) $(PKG_LIBS)

# Run every unit test binary; the summary is counted by scripts/check.sh.
unit: $(UNIT_BINS)
	@tests/unit/run-units.sh $(UNIT_BINS)

unit-asan:
	@$(MAKE) --no-print-directory SAN=asan BUILD=$(O)/asan unit

fuzz-build:
	@$(MAKE) --no-print-directory SAN=fuzz BUILD=$(O)/fuzz fuzz-bins

fuzz-bins: $(FUZZ_BINS)

fuzz: fuzz-build
	@tests/fuzz/run-fuzzers.sh $(O)/fuzz/fuzz-bin $(FUZZ_SECONDS)

qemu-check: host-setup
	@$(MAKE) --no-print-directory all
	@tests/qemu/run.sh

# TPM host tests against swtpm (no QEMU): TPM PASS/FAIL per case.
tpm-check: all
	@tests/tpm/run-tpm-tests.sh $(BUILD)/tlsroot

host-setup:
	@scripts/host-setup.sh

check: host-setup
	@scripts/check.sh

# A new make after host-setup, so that nothing of the build is evaluated
# before the packages are there.
demo: host-setup
	@$(MAKE) --no-print-directory all
	@tests/qemu/demo.sh

# Modes by role: unit files and drop-ins 0644 (systemd warns about
# executable ones), scripts (hooks, module-setup.sh, and the libraries the
# hooks source) 0755, anything else as it is in the tree.
inst_mode = case $(1) in \
		*.service|*.socket|*.timer|*.target|*.conf) m=0644 ;; \
		*.sh) m=0755 ;; \
		*) if [ -x $(1) ]; then m=0755; else m=0644; fi ;; \
	esac; install -m $$m

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DRACUTDIR)
	install -m 0755 $(BINS) $(DESTDIR)$(SBINDIR)/
	for p in $(MAN_PAGES); do \
		s=$${p##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s; \
		install -m 0644 $$p $(DESTDIR)$(MANDIR)/man$$s/; done
	if [ -d dracut-module/55tlsroot ] && [ -n "$$(ls dracut-module/55tlsroot)" ]; then \
		install -d $(DESTDIR)$(DRACUTDIR)/55tlsroot; \
		for f in dracut-module/55tlsroot/*; do \
			$(call inst_mode,$$f) $$f $(DESTDIR)$(DRACUTDIR)/55tlsroot/ || exit 1; done; fi
	if [ -d dracut-module/tlshd.service.d ]; then \
		install -d $(DESTDIR)$(SYSTEMDDIR)/tlshd.service.d; \
		install -m 0644 dracut-module/tlshd.service.d/* $(DESTDIR)$(SYSTEMDDIR)/tlshd.service.d/; fi

# The Debian package (debian/), built from a copy of the tracked tree:
# $(O)/deb/tlsroot_VERSION_ARCH.deb.
deb:
	@scripts/build-deb.sh $(O)/deb

# Objects are kept between runs (the test and fuzz rules make them
# intermediate otherwise).
.PRECIOUS: $(BUILD)/obj/%.o

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
