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

.PHONY: install demo test lint eval eval-external bench bench-tui screenshots clean

$(UV):
	$(PYTHON) -m venv .uv-bootstrap
	.uv-bootstrap/bin/pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen --quiet

## make demo: scan the bundled sample share, print the summary, open the triage app on a terminal
demo: install
	@mkdir -p $(OUT)
	@rm -f $(OUT)/demo.db $(OUT)/demo.db.key $(OUT)/demo.db-wal $(OUT)/demo.db-shm
	$(SPILL) scan sample_data/share --case $(OUT)/demo.db --jobs $(JOBS) --rules sample_data/vendor_rules
	$(SPILL) export $(OUT)/demo.db --format jsonl -o $(OUT)/demo.jsonl
	$(SPILL) report $(OUT)/demo.db --format md -o $(OUT)/demo.md
	@if [ -t 0 ] && [ -t 1 ]; then $(SPILL) triage $(OUT)/demo.db; else echo "(not a terminal: open the case with '$(SPILL) triage $(OUT)/demo.db')"; fi

## make test: install and run the whole suite
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 -q

lint: install
	$(VENV)/bin/ruff check .

## make eval: score a scan of sample_data/share against sample_data/truth.jsonl
eval: install
	$(VENV)/bin/python bench/eval_sample.py --jobs $(JOBS)

## make eval-external: other projects' labelled cases (../shared/external-cases), when present
eval-external: install
	$(VENV)/bin/python bench/eval_external.py --shared $(SHARED)

## make bench: throughput against plain Presidio, rescan time, memory (prints figures)
bench: install
	$(VENV)/bin/python bench/bench_scan.py

## make bench-tui: triage-app timings on a generated 1,000,000-finding case (built once into out/)
bench-tui: install
	@mkdir -p $(OUT)
	@test -f $(OUT)/big1m.db || $(VENV)/bin/python bench/make_big_case.py 1000000 $(OUT)/big1m.db
	$(VENV)/bin/python bench/bench_tui.py $(OUT)/big1m.db

screenshots: install
	$(VENV)/bin/python docs/make_screenshots.py

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
