"""``python -m bubblewatch`` runs the command-line interface."""

from bubblewatch.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
