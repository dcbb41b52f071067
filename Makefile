# The verbs people and CI use. `make run` and `make test` install what is missing first.
SHELL := /bin/bash
# A private Node.js, when scripts/setup.sh had to install one (see there).
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(PATH)
.DEFAULT_GOAL := run

APP := target/debug/contactmoment-app
XVFB := xvfb-run -a -s "-screen 0 1280x800x24"

.PHONY: run server test setup setup-test ui build fmt fmt-check lint check-ui test-rust test-ui e2e bench bindings package test-package

setup:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

ui:
	cd ui && npm run build

# One cargo selection for everything (building, clippy, tests): switching selections rebuilds Tauri.
build: ui
	cargo build --workspace --all-targets

run: setup build
	$(APP)

# A team server on this machine (PostgreSQL in .team-server/, https://localhost:8443) with a
# demo team; prints join codes. Then `make run` and Settings → Team to join.
server: setup build
	scripts/setup.sh server
	scripts/team-server.sh

test: setup-test fmt-check check-ui build lint test-rust test-ui e2e test-package

fmt:
	cargo fmt --all

fmt-check:
	cargo fmt --all -- --check

lint:
	cargo clippy --workspace --all-targets -- -D warnings

check-ui:
	cd ui && npm run check

test-rust:
	cargo test --workspace

test-ui:
	cd ui && npm test

e2e: build
	cd tests/e2e && dbus-run-session -- $(XVFB) npm test

# Regenerates ui/src/lib/ipc/bindings.ts from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test --workspace -- typescript_bindings

# The app's figures are taken with the release build (what people install) on a demo journal
# of 1,000,000 contacts, made once by the CLI. One cargo selection for both release binaries.
BENCH_JOURNAL := target/bench/journal-1m.sqlite

# `make bench LONG=1` also runs both crash tests with 2,000 kills each (make test runs 200);
# `make bench SCALE=10M` takes the core's figures on 10,000,000 contacts instead of 1,000,000.
bench: build
	@if [ -n "$(LONG)" ]; then CRASH_KILLS=2000 cargo test --workspace -- sigkill --nocapture; fi
	cargo bench -p contactmoment-core --bench store
	cargo bench -p contactmoment-server --bench team
	cargo build --release -p contactmoment-cli -p contactmoment-app
	@test -f $(BENCH_JOURNAL) || { mkdir -p $(dir $(BENCH_JOURNAL)) && \
		target/release/contactmoment --db $(BENCH_JOURNAL) \
		demo --contacts 1000000 --staff 200 --weeks 104 --seed 42; }
	cd tests/e2e && BENCH_JOURNAL=$(abspath $(BENCH_JOURNAL)) \
		CONTACTMOMENT_APP=$(abspath target/release/contactmoment-app) $(XVFB) node bench.mjs
	rm -rf target/hello && cp -r tests/hello target/hello && cp Cargo.lock target/hello/
	CARGO_TARGET_DIR=$(abspath target) cargo build --release --manifest-path target/hello/Cargo.toml
	cd tests/e2e && BENCH_JOURNAL=$(abspath $(BENCH_JOURNAL)) HELLO_APP=$(abspath target/release/hello-tauri) \
		CONTACTMOMENT_APP=$(abspath target/release/contactmoment-app) dbus-run-session -- $(XVFB) node desktop-bench.mjs

# The .deb: the app, the CLI as /usr/bin/contactmoment with its man page and completions
# (generated from its argument definitions), a desktop entry and icons. The same release
# build as `make bench`, then bundled as it is.
package: setup ui
	cargo build --release -p contactmoment-cli -p contactmoment-app
	mkdir -p target/package
	target/release/contactmoment manpage | gzip -9n > target/package/contactmoment.1.gz
	target/release/contactmoment completions bash > target/package/contactmoment.bash
	target/release/contactmoment completions zsh > target/package/_contactmoment
	target/release/contactmoment completions fish > target/package/contactmoment.fish
	ui/node_modules/.bin/tauri bundle --bundles deb
	@# Tauri packs with gzip (13 MiB); xz at its strongest, whose window spans both binaries
	@# (much of them is the same code), makes it 7 MiB.
	deb=$$(ls target/release/bundle/deb/*.deb) && rm -rf target/package/deb-root && \
		dpkg-deb -R "$$deb" target/package/deb-root && \
		dpkg-deb -Zxz -z9 --root-owner-group -b target/package/deb-root "$$deb" >/dev/null && \
		rm -rf target/package/deb-root && ls -l "$$deb"

# Installs nothing: unpacks the .deb into a temporary root and starts what it holds.
test-package: package
	cd tests/e2e && $(XVFB) node --test --test-concurrency=1 package.check.mjs
