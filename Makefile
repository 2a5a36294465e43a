# Chaseflow — every task the project has is a target here; CI calls only these.
.DEFAULT_GOAL := help
SHELL := /bin/bash

UV_VERSION := 0.13.9
UV := .uv/bin/uv
VENV := .venv
RUN := $(UV) run --frozen --no-sync
export UV_PROJECT_ENVIRONMENT := $(VENV)
export TZ := UTC

.PHONY: help dev lint format test test-unit test-integration test-random test-infra synth demo bench docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv .uv
	.uv/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --all-groups
	@touch $@

dev: $(VENV)/.synced ## set up the virtual environment from the lock file

lint: dev ## ruff (style + boto3 bans), import-linter (the packages' directions) and mypy (strict)
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) lint-imports --no-cache --no-logo
	$(RUN) mypy

format: dev ## apply ruff's fixes and formatting
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

test-unit: dev ## pure tests, sockets blocked
	$(RUN) pytest tests/unit --disable-socket

test-integration: dev ## moto, the real state machine, handlers in-process
	$(RUN) pytest tests/integration

RUNS ?= 5
test-random: dev ## the integration tests RUNS times in a random order, a new seed each time (pytest-randomly)
	for run in $$(seq $(RUNS)); do seed=$$RANDOM; echo "run $$run: --randomly-seed=$$seed"; \
		$(RUN) pytest tests/integration -p randomly --randomly-seed=$$seed || exit 1; done

# CDK offline: no CLI, no account, no Docker. jsii's Node 20 banner and the CDK's calls home are silenced.
STAGE ?= dev
CDK_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 \
	CDK_DISABLE_CLI_TELEMETRY=true CDK_DISABLE_VERSION_CHECK=1

synth: dev ## synthesize the CDK app into cdk.out (STAGE=dev|prod) with the cdk-nag checks, then cfn-lint it
	rm -rf cdk.out
	$(CDK_ENV) CDK_OUTDIR=cdk.out $(RUN) python -m infra.app -c stage=$(STAGE) -c nag=true
	$(RUN) cfn-lint

test-infra: dev ## CDK assertions, cfn-lint and cdk-nag on the synthesized stack
	$(CDK_ENV) $(RUN) pytest tests/infra -m infra

test: lint ## lint, then every offline test
	$(RUN) pytest tests

# The demo's own environment: the project and the `local` group (moto) only, neither the CDK nor Node. --inexact
# never removes what `make dev` installed, so a full environment stays full; `make dev` still syncs every group.
$(VENV)/.synced-local: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --no-default-groups --group local --inexact
	@touch $@

demo: $(VENV)/.synced-local ## run the whole system on emulated AWS: writes demo-output/summary.json and report.html
	$(RUN) chaseflow demo --out demo-output

bench: dev ## benchmarks: print figures and write bench/results/*.json (never part of test)
	$(RUN) python -m bench.filter_throughput
	POWERTOOLS_LOG_LEVEL=WARNING $(RUN) python -m bench.runtime_costs --enrolments 10
	POWERTOOLS_LOG_LEVEL=WARNING $(RUN) python -m bench.scheduler_tick
	$(RUN) python -m bench.alert_detectors
	$(RUN) python -m bench.demo_time

docs: dev ## regenerate the documents made from the code: docs/events.md, docs/events/, docs/openapi.json …
	$(RUN) python -m cli.docs

clean: ## remove the environments and build output
	rm -rf $(VENV) .uv cdk.out .mypy_cache .ruff_cache .hypothesis
