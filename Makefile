# make deb: the Debian package (the way to install hostcontract on a server; see README).
# make install [PREFIX=/usr/local] [DESTDIR=...]: the same files without a package manager.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
UNITDIR = $(DESTDIR)/etc/systemd/system
# The release binary carries the Swift runtime (static): it runs where no toolchain is.
SWIFT_RELEASE = swift build -c release --static-swift-stdlib

.PHONY: build deb install install-units test
build:
	$(SWIFT_RELEASE)

deb:
	bash scripts/package-deb.sh

install: build
	install -D -m 0755 "$$($(SWIFT_RELEASE) --show-bin-path)/hostcontract" "$(BINDIR)/hostcontract"
	strip --strip-unneeded "$(BINDIR)/hostcontract"
	HOSTCONTRACT="$(BINDIR)/hostcontract" bash scripts/man-pages.sh "$(MANDIR)"
	install -d "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	"$(BINDIR)/hostcontract" --generate-completion-script bash > "$(BASHDIR)/hostcontract"
	"$(BINDIR)/hostcontract" --generate-completion-script zsh > "$(ZSHDIR)/_hostcontract"
	"$(BINDIR)/hostcontract" --generate-completion-script fish > "$(FISHDIR)/hostcontract.fish"

# The units name /usr/bin/hostcontract (the package's path); rewritten for PREFIX.
install-units:
	install -d "$(UNITDIR)"
	for unit in deploy/systemd/*.service deploy/systemd/*.timer; do \
		sed 's|/usr/bin/hostcontract|$(PREFIX)/bin/hostcontract|g' "$$unit" > "$(UNITDIR)/$$(basename "$$unit")"; \
		chmod 0644 "$(UNITDIR)/$$(basename "$$unit")"; \
	done

test:
	bash scripts/test.sh
