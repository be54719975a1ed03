"""Build the one-folder bundle ``dist/township-enforcement/``.

    uv run python installer/build.py                # tests, then the build
    uv run python installer/build.py --skip-tests   # build only
    sudo uv run python installer/build.py --check   # everything, before a release

``--check`` is the whole proof of issue 11 in one command: the test suite, the bundle,
the .deb (desktop-file-validate, lintian when present), the installer checks (spec and
data-file list, .deb layout, the Windows NSIS script compiled with makensis), then
``prove_bullseye.sh`` as root: the bundle rebuilt inside a Debian 11 root with the older
PySide6 that glibc 2.31 needs, the test suite run there against that PySide6, the .deb
installed in a clean Debian 11 root, demo/check/the window under Xvfb (screenshot),
upgrade and purge keeping the data. The first run takes long (debootstrap, CPython
built from source); later runs reuse the roots under /var/tmp.

``uv run`` syncs ``.venv`` with ``uv.lock`` first, so the bundle is built from the
locked versions; ``--locked`` also makes uv refuse a lock that is out of date.
Steps: test suite (unless ``--skip-tests``) → PyInstaller with ``installer/township.spec``
→ remove symlinks left dangling by the Qt trim → size report → ``--version`` smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle_files as bf  # noqa: E402

SPEC = HERE / "township.spec"


def folder_size(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
    return total


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def run(cmd: list[str], **kw: object) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)  # type: ignore[call-overload]


def check_lock() -> None:
    uv = shutil.which("uv")
    if uv is None:
        print("uv not found: not checking that .venv matches uv.lock", flush=True)
        return
    run([uv, "sync", "--locked"])


def remove_dangling_symlinks(folder: Path) -> int:
    removed = 0
    for path in folder.rglob("*"):
        if path.is_symlink() and not path.exists():
            path.unlink()
            removed += 1
    return removed


def build(args: argparse.Namespace) -> Path:
    dist, work = ROOT / args.distpath, ROOT / args.workpath
    report = work / "trim-report.json"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, TOWNSHIP_BUNDLE_REPORT=str(report))
    if args.no_trim:
        env["TOWNSHIP_BUNDLE_NO_TRIM"] = "1"
    started = time.monotonic()
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            args.log_level,
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
        ],
        env=env,
    )
    bundle = dist / bf.APP_NAME
    dangling = remove_dangling_symlinks(bundle)
    print(f"\nBuilt {bundle} in {time.monotonic() - started:.0f} s")
    if report.exists():
        r = json.loads(report.read_text(encoding="utf-8"))
        print(
            f"Qt trim {'on' if r['trimmed'] else 'off'}: collected binaries+data "
            f"{mb(r['binaries_and_data_bytes_before'])} before, "
            f"{mb(r['binaries_and_data_bytes_after'])} after "
            f"(entries {sum(r['entries_before'])} -> {sum(r['entries_after'])})"
        )
    if dangling:
        print(f"Removed {dangling} dangling symlinks left by the trim")
    print(f"Bundle size on disk: {mb(folder_size(bundle))}")
    return bundle


def smoke(bundle: Path) -> None:
    exe = bundle / (bf.APP_NAME + (".exe" if sys.platform == "win32" else ""))
    if sys.platform == "win32":
        exe = bundle / f"{bf.APP_NAME}-cli.exe"
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120)
    print(f"Smoke run {exe.name} --version: {(out.stdout or out.stderr).strip()}")
    if out.returncode != 0:
        raise SystemExit(f"the bundled program failed (exit {out.returncode})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--skip-tests", action="store_true", help="do not run the test suite first")
    p.add_argument(
        "--no-trim",
        action="store_true",
        help="keep every Qt plugin/translation PyInstaller collects (size comparison)",
    )
    p.add_argument(
        "--no-lock-check", action="store_true", help="do not run `uv sync --locked` before building"
    )
    p.add_argument("--distpath", default="dist", help="output folder (default: dist)")
    p.add_argument("--workpath", default="build", help="PyInstaller work folder (default: build)")
    p.add_argument("--log-level", default="WARN", help="PyInstaller log level (default: WARN)")
    p.add_argument(
        "--check",
        action="store_true",
        help="also build the .deb, run the installer checks and the Debian 11 proof (root)",
    )
    args = p.parse_args(argv)

    if not args.no_lock_check:
        check_lock()
    if not args.skip_tests:
        run([sys.executable, "-m", "pytest", "-q"])
    bundle = build(args)
    smoke(bundle)
    if args.check:
        release_check(args)
    return 0


def release_check(args: argparse.Namespace) -> None:
    """The .deb, the installer tests and the Debian 11 proof, stopping at the first failure."""
    started = time.monotonic()
    run([sys.executable, str(HERE / "build_deb.py"), "--out", args.distpath, "--check"])
    run([sys.executable, "-m", "pytest", "-q", "tests/installer"])
    if sys.platform != "linux":
        print("The Debian 11 proof needs Linux: skipped")
        return
    prove = [str(HERE / "prove_bullseye.sh")]
    if os.geteuid() != 0:
        prove = ["sudo", "--preserve-env=PATH", *prove]
    run(prove, env=dict(os.environ, RUN_TESTS=os.environ.get("RUN_TESTS", "1")))
    print(f"\nRelease check passed in {(time.monotonic() - started) / 60:.0f} min")


if __name__ == "__main__":
    sys.exit(main())
