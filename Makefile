# atoll's entry points. `make run` and `make test` each set up, build and run
# (README.md); docs/build.md describes the presets and trees behind them.
#
#   build/        unix-release: the atoll tool (build/bin/atoll), libraries, benchmarks
#   build/asan/   unix-asan:    g++ ASan+UBSan, every test
#   build/fuzz/   unix-fuzz:    clang-14 libFuzzer harnesses
#   build/debug/  unix-debug:   g++ debug, the compile database for make lint

SHELL := /bin/bash
JOBS ?= $(shell nproc)
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 60
FLAGSHIP ?= examples/static-site
ATOLL := build/bin/atoll

.PHONY: all help setup build run test fuzz bench install format format-check lint clean

all: build

help:
	@echo "make run           set up, build, start $(FLAGSHIP) on localhost through $(ATOLL)"
	@echo "make test          set up, build; ASan+UBSan tests, portability check, fuzz smoke"
	@echo "make setup         install the Debian packages (scripts/setup)"
	@echo "make build         release build in build/ (the atoll tool at $(ATOLL))"
	@echo "make fuzz          every fuzz harness for FUZZ_SECONDS (now $(FUZZ_SECONDS)) seconds"
	@echo "make bench         release build, run the benchmarks in bench/"
	@echo "make install       cmake --install into PREFIX (now $(PREFIX))"
	@echo "make format        clang-format every project file; format-check only checks"
	@echo "make lint          clang-tidy over the compile database (build/debug)"
	@echo "make clean         remove build/"

setup:
	scripts/setup

build: setup
	cmake --preset unix-release
	cmake --build --preset unix-release -j $(JOBS)

# The flagship's HTTPS certificate is made by `atoll configure` (its manifest's
# cert statement).
run: build
	$(ATOLL) configure -t unix $(FLAGSHIP) && $(ATOLL) build && $(ATOLL) run

# The release tree first (the tool at build/bin/atoll, and -O3 warnings), then every
# test under ASan+UBSan (labels: unit labels, portability, lint, package, fuzz
# replays), then a short libFuzzer run of each harness (label fuzz).
test: build
	cmake --preset unix-asan
	cmake --build --preset unix-asan -j $(JOBS)
	ctest --preset unix-asan -j $(JOBS)
	cmake --preset unix-fuzz
	cmake --build --preset unix-fuzz -j $(JOBS)
	ctest --preset unix-fuzz -j $(JOBS)

fuzz: setup
	cmake --preset unix-fuzz
	cmake --build --preset unix-fuzz -j $(JOBS)
	ATOLL_FUZZ_SECONDS=$(FUZZ_SECONDS) ctest --preset unix-fuzz -j $(JOBS) \
	  --timeout $$(( $(FUZZ_SECONDS) + 300 ))

bench: build
	cmake --build build --target run_benchmarks

install: build
	cmake --install build --prefix $(PREFIX)

format: setup
	scripts/format

format-check: setup
	scripts/format --check

lint: setup
	cmake --preset unix-debug
	cmake --build --preset unix-debug -j $(JOBS)
	scripts/lint build/debug

clean:
	rm -rf build
