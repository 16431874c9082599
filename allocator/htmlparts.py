"""
Pieces shared by the project's self-contained HTML pages (the policy
lab's report and the proposal's report): escaping and the base style,
and matplotlib figures as inline SVG for the policy lab's report (the
proposal's report writes its SVG itself: ``allocator.office.figures``).
"""

from __future__ import annotations

import html
import io


def matplotlib_pyplot():
    """``matplotlib.pyplot`` on the Agg backend, with stable SVG output."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "allocator", "font.size": 9,
                         "svg.fonttype": "none"})
    return plt


def svg_of(fig) -> str:
    """A matplotlib figure as inline SVG text (no XML prolog, no date)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight",
                metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def escape(text) -> str:
    return html.escape(str(text))


BASE_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 1200px;
       color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f2f2f2; } td.text, th.text { text-align: left; }
p.note { color: #555; font-size: 0.85em; max-width: 60em; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
div.wide { overflow-x: auto; }
"""
