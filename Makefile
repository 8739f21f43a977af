# Release build, install and uninstall. PREFIX defaults to /usr/local; DESTDIR is honoured too.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
SCRATCH ?= .build-release
PRODUCTS ?= rolecall rolecall-issuer rolesanywhere-emulator
# The programs with completions of their own (the emulator is for tests and demos).
COMPLETED = rolecall rolecall-issuer
# Link settings measured one by one in BENCHMARKS.md ("Link settings"): no dynamic symbol table for the
# programs' own code (the Swift toolchain's static-stdlib arguments export every symbol), identical
# code folded where no address is taken, libstdc++ linked in (below). SwiftPM already collects unused
# sections in release builds.
# Whole-program LTO and lld's function order (scripts/startup-order) are measured there too and left
# out: BENCHMARKS.md, "Whole-program optimisation, -Osize and function order", says what each costs.
LINK_FLAGS = -Xlinker --no-export-dynamic -Xlinker --icf=safe $(STATIC_LIBSTDCXX_FLAGS)
# libstdc++ linked statically: the toolchain's static-stdlib arguments ask for -lstdc++, and a linker
# script of that name, first on the search path, makes it the archive. The loader then resolves none of
# the shared library's 3,300 symbol relocations on every start (1.7 M instructions), and the programs
# no longer need GLIBCXX_3.4.29. The archive's std::random_device calls arc4random, which glibc 2.34
# lacks: --wrap sends it to CGlibcBaseline. glibc itself stays a shared library (PKCS#11 modules and
# libxml2 are loaded with dlopen).
STATIC_LIBSTDCXX = $(abspath $(SCRATCH))/static-libstdc++
STATIC_LIBSTDCXX_FLAGS = -Xswiftc -L$(STATIC_LIBSTDCXX) -Xlinker --wrap=arc4random
# Concrete generic types (a dictionary of strings, a decoder's keyed container, NIO's handlers) are made
# by calls that pass their conformances, not from mangled names the runtime demangles: each such name
# asked the runtime for its conformances, a scan of every conformance record (BENCHMARKS.md, "Metadata
# by mangled name, libstdc++ and the per-session key"). Applies to the package's code and its
# dependencies, not to the prebuilt runtime.
CODEGEN_FLAGS = -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors $(SIZE_FLAGS)
# Only what something calls is linked (BENCHMARKS.md, "Unused code collected"): swiftc marks every public
# function "used", which the linker must keep, unless told that the whole program is one link
# (-internalize-at-link); each function then gets a section of its own (Swift's through -function-sections,
# C's and C++'s through -Xcc), for the linker's --gc-sections (which SwiftPM passes) to drop the ones
# nothing refers to. -Osize and -Os compile for size; the instructions they add are measured there too.
SIZE_FLAGS = -Xswiftc -Xfrontend -Xswiftc -internalize-at-link -Xswiftc -Xfrontend -Xswiftc -function-sections \
	-Xcc -ffunction-sections -Xcc -fdata-sections -Xswiftc -Osize -Xcc -Os
SWIFT_FLAGS = -c release --static-swift-stdlib --scratch-path $(SCRATCH) $(LINK_FLAGS) $(CODEGEN_FLAGS)
BIN = $(SCRATCH)/release
# Stripped copies for installing; the unstripped binaries stay for symbol checks (scripts/bench).
STRIPPED = $(SCRATCH)/stripped

.PHONY: build install uninstall

# `--version` names the commit through the BuildCommit plugin, which every `swift build` runs.
# The linker script is written on every build, so that it names the libstdc++ of the compiler installed now.
build:
	scripts/build-deps
	archive=$$(clang -print-file-name=libstdc++.a) && test -f "$$archive" || { echo "libstdc++.a not found: install GCC's libstdc++ development package (Debian: libstdc++-12-dev)" >&2; exit 1; }; \
	mkdir -p $(STATIC_LIBSTDCXX) && echo "INPUT($$archive)" > $(STATIC_LIBSTDCXX)/libstdc++.so
	for product in $(PRODUCTS); do swift build $(SWIFT_FLAGS) --product $$product || exit 1; done
	mkdir -p $(STRIPPED)
	for product in $(PRODUCTS); do strip -o $(STRIPPED)/$$product $(BIN)/$$product || exit 1; done

install: build
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	for product in $(PRODUCTS); do install -m 0755 $(STRIPPED)/$$product $(BINDIR)/ && install -m 0644 man/$$product.1 $(MANDIR)/ || exit 1; done
	for program in $(COMPLETED); do \
	    install -m 0644 completions/$$program.bash $(BASHDIR)/$$program && \
	    install -m 0644 completions/$$program.zsh $(ZSHDIR)/_$$program && \
	    install -m 0644 completions/$$program.fish $(FISHDIR)/$$program.fish || exit 1; \
	done

uninstall:
	for product in $(PRODUCTS); do rm -f $(BINDIR)/$$product $(MANDIR)/$$product.1; done
	for program in $(COMPLETED); do rm -f $(BASHDIR)/$$program $(ZSHDIR)/_$$program $(FISHDIR)/$$program.fish; done
