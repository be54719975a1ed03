"""``python -m desktop_app`` opens the GUI; with a command it runs headless."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Sequence

from desktop_app.paths import DataPaths, data_paths, database_url


def setup_logging(paths: DataPaths) -> None:
    paths.logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        paths.logs / "app.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    from desktop_app import cli

    args = cli.build_parser().parse_args(argv)
    paths = data_paths(args.data_dir, args.database_url)
    try:
        setup_logging(paths)
    except OSError as exc:
        print(f"无法使用数据文件夹 {paths.root}：{exc.strerror or exc}", file=sys.stderr)
        return cli.EXIT_FAILED
    if args.command:
        try:
            database_url(paths)
        except ValueError as exc:  # a damaged database.ini: never fall back silently
            print(exc, file=sys.stderr)
            return cli.EXIT_FAILED
        return cli.run(args)
    from desktop_app.ui.app import run_gui

    return run_gui(paths)


if __name__ == "__main__":
    sys.exit(main())
