"""``python -m workbench <command>``: Django's manage.py for the workbench."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0].replace("__main__.py",
                                                   "workbench"),
                               *sys.argv[1:]])


if __name__ == "__main__":
    main()
