"""
The housing-office workbench: a Django application in which the officers
and supervisors of a municipality run a settlement round together on top of
the allocator (import, solve, explain, decide, re-solve, export, history).
"""
