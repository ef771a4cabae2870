"""`reflex run` for production, with backend workers that come back when one dies.

Reflex starts Granian without restarting failed workers, so one crashed worker would stop the
whole server. This entry point gives Granian that option and then runs the usual CLI:

    python -m mentor_dash.serve --env prod --frontend-port 3000 --backend-port 3000
"""

import sys
from typing import Any

import granian.server


class RespawningServer(granian.server.Server):  # type: ignore[misc,valid-type]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        kwargs.setdefault("respawn_interval", 1.0)
        super().__init__(*args, **kwargs)


def main(argv: list[str]) -> None:
    granian.server.Server = RespawningServer  # type: ignore[misc]
    from reflex.reflex import cli

    sys.argv = ["reflex", "run", *argv]
    cli()


if __name__ == "__main__":
    main(sys.argv[1:])
