"""
Turns a result into a proposal a housing officer can defend.

One module per job: ``document`` assembles the proposal (matches, waiting
households, binding caps, objective, KPIs, solver statistics, the sitting
tenants' moves and provenance); ``matched`` says why each match (its rank
and nearest alternative); ``unmatched`` why a household waits and what it
can act on; ``queues`` its place in the queue of its best dwellings and
the full caps that keep it out; ``binding`` which caps and quotas are
full and what one more place would give. ``allocator explain``, one
household's story from a proposal, is ``allocator.story``.
"""

from .document import build_proposal, moves_of, provenance
from .unmatched import no_eligible_message

__all__ = ["build_proposal", "moves_of", "no_eligible_message", "provenance"]
