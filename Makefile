# linzhang — `make run` serves the Wuxi demo; `make test` runs every check CI runs.
# Both install what they need on Debian (apt packages, npm packages) and skip what is there.

SHELL := /bin/bash
CARGO ?= cargo
DB ?= sqlite://./data/linzhang.db
LISTEN ?= 127.0.0.1:8080
BIN := target/debug/linzhang
APT_PACKAGES := pkg-config libsqlite3-dev libclang-dev libgdal-dev gdal-bin
APT_TEST_PACKAGES := chromium fonts-noto-cjk postgresql-client python3-gdal
PG_DEFAULT := postgres://postgres@127.0.0.1:5432

.PHONY: run test deps deps-test web web-deps build release fmt fmt-check clippy test-rust \
        test-web lint-web openapi-check openapi-snapshot clean

## run: build everything, load the demo into SQLite, serve on http://$(LISTEN)
run: deps web build
	@mkdir -p data
	$(BIN) --database $(DB) demo
	$(BIN) --database $(DB) --listen $(LISTEN) serve

## test: formatting, lints, Rust tests (SQLite and PostgreSQL), OpenAPI validation, web lint, browser tests
test: deps deps-test web fmt-check clippy test-rust openapi-check lint-web test-web

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi

deps-test:
	@missing=""; for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; fi
	@python3 -c "import openapi_spec_validator" 2>/dev/null || python3 -m pip install -q openapi-spec-validator
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
	@command -v moto_server >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]'

web-deps:
	@if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then \
	  npm --prefix web ci --no-audit --no-fund; fi

## web: build the web app into web/dist (embedded by the binary)
web: web-deps
	npm --prefix web run build

build: deps
	$(CARGO) build -p linzhang

release: deps web
	$(CARGO) build --release -p linzhang

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

clippy: deps
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# PostgreSQL half of the conformance suite: LINZHANG_TEST_PG, or the local server when it answers.
# An S3-compatible server for the file store test (moto_server, from deps-test), unless
# LINZHANG_TEST_S3 names one.
S3_TEST_PORT ?= 9199

test-rust: deps
	@if [ -z "$$LINZHANG_TEST_PG" ]; then \
	  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then export LINZHANG_TEST_PG=$(PG_DEFAULT); \
	  else echo "warning: no PostgreSQL on 127.0.0.1:5432 and LINZHANG_TEST_PG unset: the PostgreSQL conformance tests will skip"; fi; \
	fi; \
	s3pid=""; \
	if [ -z "$$LINZHANG_TEST_S3" ] && command -v moto_server >/dev/null 2>&1; then \
	  moto_server -H 127.0.0.1 -p $(S3_TEST_PORT) >/dev/null 2>&1 & s3pid=$$!; \
	  export LINZHANG_TEST_S3=http://127.0.0.1:$(S3_TEST_PORT); \
	fi; \
	$(CARGO) test --workspace; rc=$$?; \
	if [ -n "$$s3pid" ]; then kill $$s3pid; fi; \
	exit $$rc

openapi-check:
	python3 -m openapi_spec_validator crates/server/tests/snapshots/openapi.json

## openapi-snapshot: accept a changed OpenAPI document and regenerate the web client types
openapi-snapshot:
	UPDATE_SNAPSHOTS=1 $(CARGO) test -p linzhang-server --test openapi
	npm --prefix web run gen:api

lint-web: web-deps
	npm --prefix web run lint

# The browsers (and the tests' own dates) keep the city's time, as its users' do.
test-web: web build
	TZ=Asia/Shanghai LINZHANG_E2E_REQUIRE=1 LINZHANG_BIN=$(CURDIR)/$(BIN) npm --prefix web run test:e2e

clean:
	$(CARGO) clean
	rm -rf web/dist web/node_modules web/test-results
