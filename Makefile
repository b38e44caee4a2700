# The two set-up commands of README.md: `make demo` and `make test`.
# Both install any missing Debian packages first (needs root or sudo), then
# configure and build in Release with CMake + Ninja.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
PEERS ?= $(abspath ../shared/peers)

.PHONY: all setup configure build demo test clean

all: build

setup:
	@tools/setup.sh

configure: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DPython3_EXECUTABLE=/usr/bin/python3 -DPIPEC_PEERS_DIR=$(PEERS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	@tools/demo.sh $(BUILD_DIR)

test: build
	@tools/setup-npm.sh
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR)
