# spill — every target installs what it needs first (offline-friendly: uv sync --frozen from uv.lock).
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := .uv-bootstrap/bin/uv
endif
VENV := .venv
SPILL := $(VENV)/bin/spill
OUT := out
SHARED ?= ../shared
JOBS ?= 0

SUPPLY_VENV := .venv-supply
RAY_VENV := .venv-ray
AIRGAP_PYTHON ?= python3

.PHONY: install demo test test-ray lint eval eval-external eval-names eval-notify bench bench-tui screenshots report-check \
	clean supply-tools bundle airgap-check sbom verify-model audit

$(UV):
	$(PYTHON) -m venv .uv-bootstrap
	.uv-bootstrap/bin/pip install --quiet uv

## install compiles every module to bytecode once: where PYTHONDONTWRITEBYTECODE is set (as on some CI and
## locked-down laptops) Python would otherwise compile spaCy, Presidio and the extractors' libraries from source
## in every process a scan starts (measured: importing the detector 6.5 s -> 1.7 s on a loaded 2-core machine)
install: $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode
	@$(VENV)/bin/python -m compileall -q spill scanners tui rules >/dev/null

## make demo: scan the bundled sample share, print the summary, open the triage app on a terminal
demo: install
	@mkdir -p $(OUT)
	@rm -f $(OUT)/demo.db $(OUT)/demo.db.key $(OUT)/demo.db-wal $(OUT)/demo.db-shm
	$(SPILL) scan sample_data/share --case $(OUT)/demo.db --jobs $(JOBS) --rules sample_data/vendor_rules
	$(SPILL) export $(OUT)/demo.db --format jsonl -o $(OUT)/demo.jsonl
	$(SPILL) report $(OUT)/demo.db --format md -o $(OUT)/demo.md
	$(SPILL) report $(OUT)/demo.db --format html -o $(OUT)/demo.html
	$(SPILL) export $(OUT)/demo.db --people --format csv -o $(OUT)/demo-people.csv
	@if [ -t 0 ] && [ -t 1 ]; then $(SPILL) triage $(OUT)/demo.db; else echo "(not a terminal: open the case with '$(SPILL) triage $(OUT)/demo.db')"; fi

## make test: install and run the whole suite (first: uv.lock must agree with pyproject.toml), then test-ray
test: install
	@$(UV) lock --check --offline --quiet || { echo "make test: uv.lock does not match pyproject.toml: run 'uv lock' and commit uv.lock" >&2; exit 1; }
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 -q
	$(MAKE) --no-print-directory test-ray

## make test-ray: the Ray executor on a real Ray cluster on loopback, in its own environment with the ray extra
## (.venv-ray: the laptop install stays without Ray; its first sync needs the package registry or uv's cache)
test-ray: $(UV)
	UV_PROJECT_ENVIRONMENT=$(RAY_VENV) $(UV) sync --frozen --extra ray --quiet --compile-bytecode
	SPILL_REQUIRE_RAY=1 $(RAY_VENV)/bin/pytest tests/test_ray.py -q -p no:cacheprovider

lint: install
	$(VENV)/bin/ruff check .

## make eval: score a scan of sample_data/share against sample_data/truth.jsonl
eval: install
	$(VENV)/bin/python bench/eval_sample.py --jobs $(JOBS)

## make eval-notify: the notification list on the sample share against the planted contractors (and report time)
eval-notify: install
	$(VENV)/bin/python bench/eval_notify.py --jobs $(JOBS)

## make eval-external: other projects' labelled cases (../shared/external-cases), when present
eval-external: install
	$(VENV)/bin/python bench/eval_external.py --shared $(SHARED)

## make eval-names: PERSON in ordinary prose (../shared/prose-names, wikigold), spill against plain Presidio
eval-names: install
	$(VENV)/bin/python bench/eval_names.py --shared $(SHARED) --variants

## make bench: throughput against plain Presidio, scaling, memory, rescan time, recall (prints figures);
## BENCH_SHARE=DIR measures that folder instead of the generated corpus, BENCH_RULES=DIR adds its rules
bench: install
	$(VENV)/bin/python bench/bench_scan.py $(if $(BENCH_SHARE),--share $(BENCH_SHARE)) \
		$(if $(BENCH_RULES),--rules $(BENCH_RULES))

## make bench-tui: triage-app timings on a generated 1,000,000-finding case (built once into out/)
bench-tui: install
	@mkdir -p $(OUT)
	@test -f $(OUT)/big1m.db || $(VENV)/bin/python bench/make_big_case.py 1000000 $(OUT)/big1m.db
	$(VENV)/bin/python bench/bench_tui.py $(OUT)/big1m.db

screenshots: install
	$(VENV)/bin/python -m docs.make_screenshots

## make report-check: the sample share's HTML report in headless Chromium (no request, no console error, A4 pages)
## and a screenshot of each section into docs/ (needs Debian's chromium: apt-get install chromium)
report-check: install
	$(VENV)/bin/python -m docs.report_check

## supply chain (see README "Air-gapped install"): the tools live in their own venv, never in the shipped set
supply-tools: $(UV)
	UV_PROJECT_ENVIRONMENT=$(SUPPLY_VENV) $(UV) sync --frozen --only-group supply --quiet

## make sbom: CycloneDX SBOM of spill and every locked runtime dependency -> dist/spill-<version>.cdx.json
sbom: install supply-tools
	$(VENV)/bin/python -m supply.sbom --uv $(UV)

## make bundle: dist/spill-offline-<version>/ and .tar.gz (needs the package registry; run on a connected machine)
bundle: sbom
	$(VENV)/bin/python -m supply.bundle --uv $(UV)

## make airgap-check: install the bundle inside a network namespace with no network, then rules test, scan, doctor
airgap-check: bundle
	$(VENV)/bin/python -m supply.airgap_check --python $(AIRGAP_PYTHON)

## make verify-model: the pinned model files against the official en_core_web_sm-3.8.0 wheel (needs github.com,
## or WHEEL=path/to/en_core_web_sm-3.8.0-py3-none-any.whl)
verify-model: install
	$(VENV)/bin/python -m supply.verify_model $(if $(WHEEL),--wheel $(WHEEL))

## make audit: pip-audit of the lock (needs PyPI's JSON API or AUDIT_OSV_URL; says so when neither is reachable)
audit: install supply-tools
	$(VENV)/bin/python -m supply.audit --uv $(UV)

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache build $(RAY_VENV)
