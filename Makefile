# The human commands. CMake/CTest do the real work; see README.md.
#   make run    install what is missing, build, create var/kyoso.db with the demo world, serve :8080
#   make test   install what the tests need, build, run every test (unit, API on SQLite and
#               PostgreSQL, browser, fuzz corpus replay, ASan+UBSan, source checks)
#   make build  build the server and the web UI only
BUILD   ?= build
ASAN    ?= build-asan
FUZZ    ?= build-fuzz
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
DB      ?= sqlite:var/kyoso.db
LISTEN  ?= 127.0.0.1:8080

.PHONY: run test build deps deps-test server web test-fast test-asan test-fuzz format check clean bench

run: deps build
	@./$(BUILD)/kyoso seed --demo --db $(DB) --listen $(LISTEN) >/dev/null
	./$(BUILD)/kyoso serve --db $(DB) --listen $(LISTEN) --web-root web/dist

build: server web

deps:
	@scripts/install-deps.sh build

deps-test:
	@scripts/install-deps.sh test

server:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS) -- --no-print-directory

web: web/dist/index.html

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(shell find web/src web/index.html web/vite.config.* -type f 2>/dev/null)
	cd web && npm run build --silent

tests/e2e/node_modules/.package-lock.json: tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Everything: the main build's full ctest, then unit+API under ASan+UBSan, then fuzz replay.
test: deps-test build tests/e2e/node_modules/.package-lock.json
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) --timeout 900
	$(MAKE) test-asan
	$(MAKE) test-fuzz

test-fast: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS) -LE e2e

test-asan:
	@cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DKY_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN) -j$(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j$(JOBS) --timeout 900 -L 'unit|api' -E 'api_postgres'

test-fuzz:
	@CC=clang cmake -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=Debug -DKY_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ) -j$(JOBS) --target fuzz_all
	cd $(FUZZ) && ctest --output-on-failure -L fuzz

format:
	clang-format -i $$(find src tests/unit tests/fuzz -name '*.[ch]')

check:
	scripts/check-src.sh

bench: deps build
	@scripts/install-deps.sh bench
	bench/run.sh

clean:
	rm -rf $(BUILD) $(ASAN) $(FUZZ) web/dist
