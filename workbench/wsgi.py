"""WSGI entry point: ``gunicorn workbench.wsgi`` or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
application = get_wsgi_application()


def _fail_stale_solves() -> None:
    """Solves left running by the previous server process are failed at
    start-up, with a history line (``solving.fail_stale``)."""
    import logging

    from django.db import DatabaseError, connection

    from workbench import solving

    try:
        solving.fail_stale()
    except DatabaseError:   # not migrated yet: nothing can be stale
        logging.getLogger(__name__).warning(
            "stale solves not checked at start-up", exc_info=True)
    finally:
        if not connection.in_atomic_block:   # not inside a test's
            connection.close()


_fail_stale_solves()
