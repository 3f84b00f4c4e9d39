# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, man pages and shell completions.
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
UNITDIR = $(DESTDIR)/etc/systemd/system

.PHONY: build install install-units test
build:
	swift build -c release

install: build
	swift package generate-manual --multi-page
	install -D -m 0755 "$$(swift build -c release --show-bin-path)/hostcontract" "$(BINDIR)/hostcontract"
	install -d "$(MANDIR)" "$(BASHDIR)" "$(ZSHDIR)" "$(FISHDIR)"
	for page in .build/plugins/GenerateManual/outputs/hostcontract/*.1; do \
		install -m 0644 "$$page" "$(MANDIR)/$$(basename "$$page" | sed 's/^hostcontract\.\(.*\)\.1$$/hostcontract-\1.1/')"; \
	done
	"$(BINDIR)/hostcontract" --generate-completion-script bash > "$(BASHDIR)/hostcontract"
	"$(BINDIR)/hostcontract" --generate-completion-script zsh > "$(ZSHDIR)/_hostcontract"
	"$(BINDIR)/hostcontract" --generate-completion-script fish > "$(FISHDIR)/hostcontract.fish"

install-units:
	install -D -m 0644 deploy/systemd/*.service deploy/systemd/*.timer -t "$(UNITDIR)"

test:
	bash scripts/test.sh
