"""
Chains of moves of sitting tenants moving on (policy ``moving``), for the
office's workbook and report: one row per step, in the chain's order.
"""

from __future__ import annotations

from models import Proposal

from ..i18n import N_, Translator
from .views import Column

MOVE_COLUMNS = (
    Column("chain", N_("Chain"), "int", 7),
    Column("step", N_("Step"), "int", 6),
    Column("household", N_("Household"), "id", 10),
    Column("moved_from", N_("Leaves"), "id", 12),
    Column("moved_to", N_("Moves to"), "text", 26),
    Column("score", N_("Move score"), "int", 10),
    Column("explanation", N_("Explanation"), "text", 60),
)
"""The columns of the chains of moves."""


def move_rows(proposal: Proposal, t: Translator) -> list[dict]:
    """Each step of each chain of moves, with its plain words."""
    rows = []
    for mv in proposal.moves:
        if mv.moved_from is None:
            text = t._("Waiting household {household} gets {dwelling}, "
                       "freed by a tenant moving on.",
                       household=mv.household, dwelling=mv.moved_to)
        elif mv.moved_to is None:
            text = t._("Tenant {household} moves out of {dwelling} to the "
                       "private market or ownership.",
                       household=mv.household, dwelling=mv.moved_from)
        else:
            text = t._("Tenant {household} moves from {old} to {new}.",
                       household=mv.household, old=mv.moved_from,
                       new=mv.moved_to)
        rows.append({
            "chain": mv.chain + 1,
            "step": mv.step + 1,
            "household": mv.household,
            "moved_from": mv.moved_from,
            "moved_to": mv.moved_to if mv.moved_to is not None
            else t._("out (private market or ownership)"),
            "score": mv.score,
            "explanation": text,
        })
    return rows


def moves_section(proposal: Proposal, t: Translator, table) -> str:
    """The report's section of the chains of moves; empty without."""
    if not proposal.moves:
        return ""
    from html import escape

    chains = len({mv.chain for mv in proposal.moves})
    return "".join([
        "<section id=\"moves\"><h2>" + escape(t._("Chains of moves"))
        + "</h2>",
        "<p class=\"note\">" + escape(t._(
            "Sitting tenants ready to move on are moved to another "
            "dwelling or out, so that the dwelling they leave goes to a "
            "waiting household. Each chain is read from its first step."))
        + "</p>",
        table(move_rows(proposal, t), MOVE_COLUMNS, t, "moves-table",
              t.ngettext("{n} chain of moves", "{n} chains of moves",
                         chains), ""),
        "</section>",
    ])
