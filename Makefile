# Two commands for a newcomer: `make demo` and `make test`. Each creates the
# environment from the lockfile when needed; uv is installed into .tools/
# when the machine does not have it.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: demo test test-fast bench-quick simulate-city simulate-national \
	catalogues screenshots lock clean serve messages

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --compile-bytecode
	$(UV) run python -m compileall -q allocator models workbench
	touch $@

demo: .venv/.synced
	$(UV) run allocator demo --out out/demo

test: .venv/.synced
	$(UV) run pytest -n 2 -q

# For development: the suite without the tests marked slow.
test-fast: .venv/.synced
	$(UV) run pytest -n 2 -q -m "not slow"

bench-quick: .venv/.synced
	$(UV) run allocator bench --suite quick --out out/bench

# The policy lab's reference sweep (10 minutes on 2 busy cores); figures
# in benchmarks/simulate/RESULTS.md.
simulate-city: .venv/.synced
	$(UV) run allocator generate --preset city --seed 0 --out out/simulate-city/instance
	$(UV) run allocator simulate out/simulate-city/instance --months 12 \
		--round weekly --policy default --policy strict-dispersion \
		--seeds 5 --out out/simulate-city/lab

# Adds messages marked in the code to allocator/locale/*/allocator.po
# (English filled in, Norwegian left empty for a translator) and drops
# those no longer used; tests/test_i18n.py fails while one is empty.
catalogues: .venv/.synced
	$(UV) run python -m allocator.catalogues

# The screenshots in docs/ of the city's report.html and an offer letter,
# rendered in Debian's chromium.
screenshots: .venv/.synced
	$(UV) run python docs/screenshots.py

# The housing-office workbench on SQLite: migrate, load a demo municipality
# (a generated town, an officer and a supervisor) and serve on localhost.
WORKBENCH_ADDR ?= 127.0.0.1:8000
serve: .venv/.synced
	$(UV) run python -m workbench migrate --noinput
	$(UV) run python -m workbench load_demo
	@echo "Workbench: http://$(WORKBENCH_ADDR)/  (Ctrl-C stops it)"
	$(UV) run python -m workbench runserver --noreload $(WORKBENCH_ADDR)

# Norwegian and English catalogues of the workbench (needs GNU gettext).
messages: .venv/.synced
	cd workbench && $(UV) run python -m workbench makemessages -l nb -l en --no-obsolete
	$(UV) run python workbench/locale/nb_terms.py
	cd workbench && $(UV) run python -m workbench compilemessages

simulate-national: .venv/.synced
	$(UV) run allocator generate --preset national --scale 0.05 --seed 0 \
		--scores --out out/simulate-national/instance
	$(UV) run allocator simulate out/simulate-national/instance \
		--mode today --mode chained --mode dwelling-first \
		--policy placement --months 12 --round monthly --seeds 3 \
		--round-time-limit 10 --out out/simulate-national/lab

lock: | $(UV)
	$(UV) lock

clean:
	rm -rf .venv .tools out
