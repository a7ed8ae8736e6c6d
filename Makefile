# Hookwell: `make run` serves the console on http://127.0.0.1:3000; `make test` runs every suite.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/end2end/node_modules/.bin:$(PATH)

.PHONY: run demo build install install-test test test-rust test-pg test-e2e bench

install:
	bash scripts/install.sh

install-test:
	bash scripts/install.sh --test

build: install
	cargo leptos build --release --split --precompress

run: build
	LEPTOS_SITE_ROOT=target/site ./target/release/server

demo: build
	LEPTOS_SITE_ROOT=target/site ./target/release/server --demo

test: install-test
	bash scripts/test-all.sh

bench: build
	bash bench/list_ssr.sh
	bash bench/signin_load.sh
	BENCH_DB=sqlite BENCH_INSTANCES=1 bash bench/delivery.sh
	BENCH_DB=postgres BENCH_INSTANCES=1 bash bench/delivery.sh
	BENCH_DB=postgres BENCH_INSTANCES=2 bash bench/delivery.sh
	bash bench/ssr_scale.sh
	bash bench/retention.sh
	bash bench/hydration.sh
