# Two commands for a newcomer: `make demo` and `make test`. Each creates the
# environment from the lockfile when needed; uv is installed into .tools/
# when the machine does not have it.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)

.PHONY: demo test bench-quick simulate-city simulate-national lock clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --compile-bytecode
	touch $@

demo: .venv/.synced
	$(UV) run allocator demo --out out/demo

test: .venv/.synced
	$(UV) run pytest -n 2 -q

bench-quick: .venv/.synced
	$(UV) run allocator bench --suite quick --out out/bench

# The policy lab's reference sweep (10 minutes on 2 busy cores); figures
# in benchmarks/simulate/RESULTS.md.
simulate-city: .venv/.synced
	$(UV) run allocator generate --preset city --seed 0 --out out/simulate-city/instance
	$(UV) run allocator simulate out/simulate-city/instance --months 12 \
		--round weekly --policy default --policy strict-dispersion \
		--seeds 5 --out out/simulate-city/lab

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
