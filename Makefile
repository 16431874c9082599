# Two commands for a newcomer: `make demo` and `make test`. Each creates the
# environment from the lockfile when needed; uv is installed into .tools/
# when the machine does not have it.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: demo test bench-quick lock clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked
	touch $@

demo: .venv/.synced
	$(UV) run allocator demo --out out/demo

test: .venv/.synced
	$(UV) run pytest -n 2 -q

bench-quick: .venv/.synced
	$(UV) run allocator bench --suite quick --out out/bench

lock: | $(UV)
	$(UV) lock

clean:
	rm -rf .venv .tools out
