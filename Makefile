# The two set-up commands of README.md: `make demo` and `make test`.
# Both install any missing Debian packages first (needs root or sudo), then
# configure and build in Release with CMake + Ninja.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PEERS ?= $(abspath ../shared/peers)

FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
SANITIZE_DIR ?= build-asan
COVERAGE_DIR ?= build-cov

.PHONY: all setup configure build demo test clean fuzz fuzz-build fuzz-coverage sanitize

all: build

setup:
	@tools/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DPython3_EXECUTABLE=/usr/bin/python3 -DPIPEC_PEERS_DIR=$(PEERS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The demo needs only the pipec binary; the tests and benches are built by `make test`.
demo: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target pipec
	@tools/demo.sh $(BUILD_DIR)

# The npm peers install beside the build: it mostly waits on the network and the disk (about
# 13 s wall for 6 CPU-seconds with a warm npm cache), and nothing in the build reads it.
test: configure
	@tools/setup-npm.sh & npm_pid=$$!; \
	  cmake --build $(BUILD_DIR) -j $(JOBS); built=$$?; \
	  wait $$npm_pid; exit $$built
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The fuzz targets (fuzz/, docs/fuzzing.md) built with clang, libFuzzer, ASan and UBSan,
# each run for FUZZ_SECONDS (default 60) one after the other, at low priority.
fuzz-build: setup
	@cmake -S . -B $(FUZZ_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPEC_FUZZ=ON \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DPython3_EXECUTABLE=/usr/bin/python3 -DPIPEC_PEERS_DIR=$(PEERS) >/dev/null
	@cmake --build $(FUZZ_DIR) --target fuzz_all -j $(JOBS)

fuzz: fuzz-build
	@fuzz/run.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(PEERS)

# Line coverage of the corpus each target grew under `make fuzz` (clang source-based coverage).
fuzz-coverage: setup
	@JOBS=$(JOBS) fuzz/coverage.sh $(COVERAGE_DIR) $(FUZZ_DIR)

# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (GCC).
sanitize: setup
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPIPEC_SANITIZE=ON \
	  -DPython3_EXECUTABLE=/usr/bin/python3 -DPIPEC_PEERS_DIR=$(PEERS) >/dev/null
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	@tools/setup-npm.sh
	@cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR) $(SANITIZE_DIR) $(COVERAGE_DIR)
