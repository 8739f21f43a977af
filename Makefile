# Release build, install and uninstall. PREFIX defaults to /usr/local; DESTDIR is honoured too.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
SCRATCH ?= .build-release
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
SWIFT_FLAGS = -c release --static-swift-stdlib --scratch-path $(SCRATCH) -Xcc -DROLECALL_GIT_COMMIT='"$(COMMIT)"'
BIN = $(SCRATCH)/release

.PHONY: build install uninstall

build:
	swift build $(SWIFT_FLAGS) --product rolecall
	swift build $(SWIFT_FLAGS) --product rolesanywhere-emulator
	strip $(BIN)/rolecall $(BIN)/rolesanywhere-emulator

install: build
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 0755 $(BIN)/rolecall $(BIN)/rolesanywhere-emulator $(BINDIR)/
	install -m 0644 man/rolecall.1 man/rolesanywhere-emulator.1 $(MANDIR)/
	install -m 0644 completions/rolecall.bash $(BASHDIR)/rolecall
	install -m 0644 completions/rolecall.zsh $(ZSHDIR)/_rolecall
	install -m 0644 completions/rolecall.fish $(FISHDIR)/rolecall.fish

uninstall:
	rm -f $(BINDIR)/rolecall $(BINDIR)/rolesanywhere-emulator
	rm -f $(MANDIR)/rolecall.1 $(MANDIR)/rolesanywhere-emulator.1
	rm -f $(BASHDIR)/rolecall $(ZSHDIR)/_rolecall $(FISHDIR)/rolecall.fish
