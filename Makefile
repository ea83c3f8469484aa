# Shortcuts for tasks.py (which needs only Python 3.11; `make` is optional).
PYTHON ?= python3.11

.PHONY: run test lint browser-test clean-venv

run:            ## set up .venv and start the app on the embedded data
	$(PYTHON) tasks.py run

test:           ## set up .venv and run ruff + every test
	$(PYTHON) tasks.py test

lint:
	.venv/bin/ruff check .

browser-test:   ## only the real-browser tests (needs Debian chromium, chromium-driver, fonts-noto-cjk)
	.venv/bin/pytest tests/test_browser.py -v

clean-venv:
	rm -rf .venv
