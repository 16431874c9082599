"""Benchmark suites: which instances, policies, engines and repetitions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Engines of the product, as ``allocator.engines.solve`` names them.
from ..engine_catalogue import ENGINES
from ..i18n import _

PEERS = ("limit", "naive", "cpsat-alone", "fcfs")
"""Methods measured beside the engines; not engines of the product."""

NETWORK_ONLY = frozenset({"flow", "naive"})
"""Methods that cannot express shared rooms (they are skipped under a
policy with shared housing)."""

SHARED_POLICIES = frozenset({"shared-housing"})
"""Policy presets with shared housing switched on."""


@dataclass(frozen=True)
class Family:
    """
    One preset measured on several seeds under several policies.

    Parameters
    ----------
    preset
        Generator preset (``allocator.generate.PRESETS``).
    seeds
        Generator seeds: one instance each.
    policies
        Policy preset names (``allocator.io.read_policy``).
    engines
        Engines and peers to run on every instance.
    repeats
        Runs of each configuration. Default 3.
    time_limit
        Seconds given to each solve. Default 60.
    scale
        Generator ``scale``: multiplies the households. Default 1.
    time_limits
        Per method, replacing ``time_limit``.
    repeats_by_engine
        Per method, replacing ``repeats``: the slow ones run once.
    seeds_by_engine
        Per method, replacing ``seeds``: the slow ones on fewer instances.
    policies_by_engine
        Per method, replacing ``policies``.
    wall_limit
        Seconds after which a run is stopped whatever it is doing, because
        compiling, building a model in Python and checking are not bound by
        the solver's time limit. Default ``None``: twice the time limit
        plus 120 s.
    """

    preset: str
    seeds: tuple[int, ...]
    policies: tuple[str, ...]
    engines: tuple[str, ...]
    repeats: int = 3
    time_limit: float = 60.0
    scale: float = 1.0
    time_limits: Mapping[str, float] = field(default_factory=dict)
    repeats_by_engine: Mapping[str, int] = field(default_factory=dict)
    seeds_by_engine: Mapping[str, tuple[int, ...]] = field(
        default_factory=dict
    )
    policies_by_engine: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )
    wall_limit: float | None = None

    @property
    def name(self) -> str:
        """The family's label: the preset, with the scale when not 1."""
        if self.scale == 1:
            return self.preset
        return f"{self.preset}@{self.scale:g}"


@dataclass(frozen=True)
class Suite:
    """
    A named list of families.

    Parameters
    ----------
    name
        ``quick``, ``full`` or a test's own name.
    families
        What to run, in order (small first, so that a stopped run still has
        the small instances complete).
    assert_known_optima
        Whether a proven optimum that differs from the manifest fails the
        suite.
    """

    name: str
    families: tuple[Family, ...]
    assert_known_optima: bool = True


@dataclass(frozen=True)
class Task:
    """One run: a method on one instance under one policy."""

    family: str
    preset: str
    seed: int
    scale: float
    policy: str
    engine: str
    repeat: int
    time_limit: float
    wall_limit: float

    @property
    def instance(self) -> str:
        """Instance label, such as ``town-s1``."""
        return f"{self.family}-s{self.seed}"


def tasks(
    suite: Suite,
    engines: list[str] | None = None,
    repeats: int | None = None,
) -> list[Task]:
    """
    Expands a suite into runs.

    Runs are ordered family by family, instance by instance, and repeat by
    repeat with every method inside one repeat, so that drift of a noisy
    machine spreads over all methods alike.

    Parameters
    ----------
    engines
        Keep only these engines and peers. Default ``None``: the suite's.
    repeats
        Runs of every configuration, replacing the suite's. Default
        ``None``.

    Raises
    ------
    ValueError
        When an engine or peer name is not understood.
    """
    known = set(ENGINES) | set(PEERS)
    unknown = sorted(set(engines or ()) - known)
    if unknown:
        raise ValueError(_(
            "Engine {engine!r} not understood; choose from {engines}.",
            engine=unknown[0], engines=", ".join(ENGINES + PEERS)))
    out = []
    for family in suite.families:
        methods = [
            e for e in family.engines if engines is None or e in engines
        ]
        for seed in family.seeds:
            for policy in family.policies:
                out.extend(_instance_tasks(family, seed, policy, methods,
                                           repeats))
    return out


def _instance_tasks(family, seed, policy, methods, repeats) -> list[Task]:
    chosen = [
        m for m in methods
        if seed in family.seeds_by_engine.get(m, family.seeds)
        and policy in family.policies_by_engine.get(m, family.policies)
        and not (policy in SHARED_POLICIES and m in NETWORK_ONLY)
    ]
    times = {
        m: repeats or family.repeats_by_engine.get(m, family.repeats)
        for m in chosen
    }
    out = []
    for repeat in range(max(times.values(), default=0)):
        for m in chosen:
            if repeat >= times[m]:
                continue
            limit = float(family.time_limits.get(m, family.time_limit))
            wall = family.wall_limit or 2 * limit + 120
            out.append(Task(family.name, family.preset, seed, family.scale,
                            policy, m, repeat, limit, wall))
    return out


QUICK = Suite(
    name="quick",
    families=(
        Family(
            preset="rural", seeds=(0, 1, 2), policies=("default",),
            engines=("auto", "flow", "mip", "limit", "fcfs", "naive"),
            time_limit=30,
        ),
        Family(
            preset="town", seeds=(0, 1, 2),
            policies=("default", "strict-dispersion"),
            engines=("auto", "flow", "mip", "limit", "fcfs", "naive"),
            time_limit=30,
        ),
        Family(
            # The MIP takes about 10 s here: one run on one seed is enough
            # to check it still reaches the known optimum.
            preset="city", seeds=(0, 1), policies=("default",),
            engines=("auto", "flow", "mip", "limit", "fcfs"),
            repeats=2, time_limit=60,
            repeats_by_engine={"mip": 1}, seeds_by_engine={"mip": (0,)},
        ),
    ),
)
"""Runs in CI in about a minute on two cores; asserts known optima."""

_ALL_POLICIES = ("default", "strict-dispersion", "shared-housing", "weighted")
_ALL_METHODS = ENGINES + PEERS
_SLOW = ("mip", "cpsat", "naive", "cpsat-alone")

FULL = Suite(
    name="full",
    families=(
        Family(preset="rural", seeds=(0, 1, 2), policies=_ALL_POLICIES,
               engines=_ALL_METHODS, time_limit=30),
        Family(preset="town", seeds=(0, 1, 2), policies=_ALL_POLICIES,
               engines=_ALL_METHODS, time_limit=30),
        Family(
            # CP-SAT does not prove the city optimal within minutes on two
            # cores (shared/MEASUREMENTS.md) and the MIP takes 10-30 s: the
            # slow methods run once, on one seed; the fast ones on three.
            preset="city", seeds=(0, 1, 2),
            policies=("default", "strict-dispersion", "weighted"),
            engines=_ALL_METHODS, time_limit=60,
            time_limits={"cpsat": 30, "cpsat-alone": 30, "naive": 120},
            repeats_by_engine={m: 1 for m in _SLOW},
            seeds_by_engine={m: (0,) for m in _SLOW},
        ),
        Family(
            # Shared rooms are not a network: every method runs into its
            # limit here, so each runs once, on one seed.
            preset="city", seeds=(0,), policies=("shared-housing",),
            engines=_ALL_METHODS, repeats=1, time_limit=30,
        ),
        # National before region: it gives the headline figure, and region
        # is where a stopped run would lose the least.
        Family(
            preset="national", seeds=(0,), policies=("default",),
            engines=("auto", "limit", "fcfs"),
            repeats=1, time_limit=120, wall_limit=900,
        ),
        Family(
            preset="region", seeds=(0,), policies=("default",),
            engines=("auto", "mip", "cpsat", "limit", "naive", "cpsat-alone",
                     "fcfs"),
            repeats=1, time_limit=120,
            time_limits={"mip": 60, "cpsat": 30, "cpsat-alone": 30,
                         "naive": 120},
            wall_limit=600,
        ),
        Family(
            # Quotas in persons make every region policy an integer
            # program: the product's choice only, with a shorter limit.
            preset="region", seeds=(0,),
            policies=("strict-dispersion", "shared-housing", "weighted"),
            engines=("auto", "limit", "fcfs"),
            repeats=1, time_limit=30, wall_limit=400,
        ),
    ),
)
"""For releases: every family and policy, about 40 minutes on two cores."""

SUITES = {suite.name: suite for suite in (QUICK, FULL)}
