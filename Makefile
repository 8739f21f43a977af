# Release build, install and uninstall. PREFIX defaults to /usr/local; DESTDIR is honoured too.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
SCRATCH ?= .build-release
PRODUCTS ?= rolecall rolesanywhere-emulator
# safe.directory: `sudo make install` runs git as root in a checkout owned by someone else.
GIT = git -c safe.directory='$(CURDIR)'
COMMIT := $(shell h=$$($(GIT) rev-parse --short=12 HEAD 2>/dev/null) && { $(GIT) diff --quiet HEAD 2>/dev/null && echo $$h || echo $$h-dirty; } || echo unknown)
STAMP = Sources/CBuildInfo/BuildCommit.h
SWIFT_FLAGS = -c release --static-swift-stdlib --scratch-path $(SCRATCH)
BIN = $(SCRATCH)/release

.PHONY: build stamp install uninstall

# The stamp exists only during `make build`, so a plain `swift build` never reports a stale commit.
stamp:
	@printf '#define ROLECALL_GIT_COMMIT "%s"\n' '$(COMMIT)' > $(STAMP)

build: stamp
	for product in $(PRODUCTS); do swift build $(SWIFT_FLAGS) --product $$product || { rm -f $(STAMP); exit 1; }; done
	rm -f $(STAMP)
	for product in $(PRODUCTS); do strip -o $(BIN)/$$product.stripped $(BIN)/$$product && mv $(BIN)/$$product.stripped $(BIN)/$$product || exit 1; done

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
