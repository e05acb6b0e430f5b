import sys

from .cli.commands import main

# Guarded: a build draws charts in spawned processes (render/chart_cache.py), and each of
# them imports the main module; unguarded, every one would run the command again.
if __name__ == "__main__":
    sys.exit(main())
