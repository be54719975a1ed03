"""Headless commands for administrators and scheduled tasks.

``python -m desktop_app [--data-dir DIR] COMMAND``. Same services as the
GUI. Exit 0 on success; on bad input or failure one clear Chinese line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop_app import __version__
from desktop_app.paths import DataPaths, data_paths, database_url, is_server_database
from desktop_app.services.errors import ImportFailed, ServiceError
from desktop_app.storage.errors import StorageError

if TYPE_CHECKING:
    from desktop_app.services.context import ServiceContext

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
PASSWORD_ENV = "TOWNSHIP_PASSWORD"  # for scripts: the --login password
SOURCE_PASSWORD_ENV = "TOWNSHIP_SOURCE_PASSWORD"  # copy-to-server: the --source-login password
# how the user starts the commands: the installed program, or the source checkout
PROG = "township-enforcement" if getattr(sys, "frozen", False) else "python -m desktop_app"


class ChineseArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"参数错误：{message}\n使用 --help 查看说明。\n")


def build_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(
        prog=PROG,
        description="乡镇综合行政执法协调联动系统。不带命令时打开图形界面。",
    )
    p.add_argument("--data-dir", metavar="DIR", help="数据文件夹（默认为用户数据目录）")
    p.add_argument(
        "--database-url",
        metavar="URL",
        help="服务器数据库（PostgreSQL），如 postgresql://用户名:密码@主机:5432/库名；"
        "也可用环境变量 TOWNSHIP_DATABASE_URL。默认为数据文件夹里的 SQLite 文件",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=ChineseArgumentParser)

    d = sub.add_parser("demo", help="生成演示数据（仅用于试用和测试）")
    d.add_argument("--records", type=int, default=2000, help="台账记录总数（默认 2000）")
    d.add_argument("--seed", type=int, default=1, help="随机种子（相同种子生成相同数据）")
    d.add_argument("--force", action="store_true", help="数据库已有台账记录时仍然生成")

    i = sub.add_parser("import-catalog", help="从 .xlsx 导入行政处罚事项清单")
    i.add_argument("file", type=Path)
    i.add_argument("--replace", action="store_true", help="文件中没有的事项设为停用")

    e = sub.add_parser("export-catalog", help="把行政处罚事项清单导出为 .xlsx")
    e.add_argument("file", type=Path)
    e.add_argument("--overwrite", action="store_true", help="目标文件已存在时覆盖")

    ls = sub.add_parser("liaison", help="导出联合执法协商联络人名单（.xlsx 和/或 PDF）")
    ls.add_argument("--xlsx", type=Path, metavar="PATH", help="另存 .xlsx 的路径")
    ls.add_argument("--pdf", type=Path, metavar="PATH", help="另存可打印 PDF 的路径")
    ls.add_argument("--overwrite", action="store_true", help="目标文件已存在时覆盖")

    sub.add_parser("check", help="检查数据库完整性和版本（只读）")

    b = sub.add_parser("backup", help="备份数据库（经校验）")
    b.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="备份文件或文件夹（如U盘；默认存入数据文件夹的 backups）",
    )

    sub.add_parser("backups", help="列出数据文件夹里的备份")

    r = sub.add_parser("restore", help="从备份恢复数据库（先为当前数据库留安全副本）")
    which = r.add_mutually_exclusive_group(required=True)
    which.add_argument("file", type=Path, nargs="?", metavar="PATH", help="备份文件")
    which.add_argument("--latest", action="store_true", help="用备份文件夹里最近的可用备份")

    sub.add_parser("prune", help="按保留规则清理旧的自动备份（每日 7 份、每周 4 份、每月 12 份）")

    lt = sub.add_parser("letter", help="为一条记录出具文书（编号、登记并保存 PDF）")
    lt.add_argument("doc_type", metavar="TYPE", help="文书类型，如 referral_letter")
    lt.add_argument("record_id", metavar="RECORD_ID", type=int, help="记录编号（数据库中的 id）")
    lt.add_argument("-o", "--output", type=Path, required=True, help="另存 PDF 的路径")
    lt.add_argument("--date", help="成文日期（默认今天），如 2026-11-29")
    lt.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")
    lt.add_argument(
        "--operator",
        metavar="姓名",
        help="以该工作人员身份出具（含投诉举报人信息的文书须由首问责任人或获准查看的人员出具）",
    )
    lt.add_argument(
        "--login",
        metavar="NAME",
        help="以该账户登录后出具（投诉举报人信息已加密保存时须登录；"
        f"密码在提示时输入，或取自环境变量 {PASSWORD_ENV}）",
    )

    for name, what, period in (
        ("export-month", "月度汇总", ("YYYY-MM", "汇总月份，如 2026-11")),
        ("export-year", "年度汇总", ("YYYY", "汇总年份，如 2026")),
    ):
        x = sub.add_parser(name, help=f"导出{what} .xlsx（各台账明细、统计和图表）")
        x.add_argument("period", metavar=period[0], help=period[1])
        x.add_argument("-o", "--output", type=Path, required=True, help="另存 .xlsx 的路径")
        x.add_argument("--overwrite", action="store_true", help="输出文件已存在时覆盖")
        x.add_argument(
            "--include-personal",
            action="store_true",
            help="包含投诉举报人信息（须用获准查看的人员的账户 --login 登录，并记入操作留痕）",
        )
        x.add_argument("--operator", metavar="姓名", help="以该工作人员身份导出")
        x.add_argument(
            "--login",
            metavar="NAME",
            help=f"以该登录账户导出（密码在提示时输入，或取自环境变量 {PASSWORD_ENV}）",
        )

    ra = sub.add_parser(
        "reset-admin", help="忘记管理员密码：用恢复密钥为管理员设置临时密码（须先关闭程序）"
    )
    ra.add_argument("--login", metavar="NAME", help="管理员登录名（默认为第一个管理员）")
    ra.add_argument(
        "--recovery-key",
        metavar="KEY",
        help="首次设置管理员时打印的恢复密钥（不填则在提示时输入）",
    )
    cp = sub.add_parser(
        "copy-to-server",
        help="把本乡镇的本机数据库复制到县级服务器数据库（PostgreSQL），附件和文书一并复制",
        description="把 --data-dir 数据文件夹里的本机数据库（一个乡镇）复制到县级服务器数据库："
        "记录重新编号、单位按名称对应、附件和文书连同校验值存入服务器数据库。"
        "一次完成，出错则服务器上什么也不写入。先用 --dry-run 试运行查看报告。",
    )
    cp.add_argument(
        "--to",
        metavar="URL",
        required=True,
        help="服务器数据库，如 postgresql://用户名@主机:5432/库名（密码可放在 pgpass 文件里）",
    )
    cp.add_argument("--dry-run", action="store_true", help="试运行：只报告将复制的内容，不写入")
    cp.add_argument(
        "--source-login",
        metavar="NAME",
        help=f"本机的管理员登录名（密码在提示时输入，或取自环境变量 {SOURCE_PASSWORD_ENV}）",
    )
    cp.add_argument(
        "--login",
        metavar="NAME",
        help=f"服务器上的管理员登录名（密码在提示时输入，或取自环境变量 {PASSWORD_ENV}）",
    )
    return p


def _fail(message: str, code: int = EXIT_FAILED) -> int:
    print(message, file=sys.stderr)
    return code


def _open(paths: DataPaths):  # type: ignore[no-untyped-def]
    """Open (create, migrate) the database and return a service context."""
    from desktop_app.services.context import ServiceContext
    from desktop_app.services.seed import seed_reference_data
    from desktop_app.storage.startup import open_database

    paths.ensure()
    _refuse_missing_database(paths)
    result = open_database(database_url(paths), backup_dir=paths.backups)
    ctx = ServiceContext(result.db, paths, None, "命令行")
    if result.created:
        seed_reference_data(ctx)
    return ctx


SERVER_BACKUP = (
    "数据库在 PostgreSQL 服务器上：请由服务器管理员用 pg_dump 备份、pg_restore 恢复，"
    "本程序的备份与恢复只用于本机的 SQLite 数据库文件。"
)
RESTORE_LATEST_HINT = f"恢复最近的备份：{PROG} restore --latest"


def _refuse_missing_database(paths: DataPaths) -> None:
    """A database that existed before (backups exist) and is gone is not a first run."""
    from desktop_app.storage.startup import diagnose

    if is_server_database(paths):
        return
    problem = diagnose(paths.database, paths.backups, move_damaged=False)
    if problem is not None and problem.kind == "missing":
        raise StorageError(f"{problem.message}\n程序不会新建空数据库。{RESTORE_LATEST_HINT}")


def _progress(label: str) -> Callable[[int, int], None]:
    last = [0.0]

    def report(done: int, total: int) -> None:
        t = time.monotonic()
        if t - last[0] >= 1 or done >= total:
            last[0] = t
            print(f"\r{label}：{done}/{total}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)

    return report


def cmd_demo(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import demo

    ctx = _open(paths)
    try:
        start = time.monotonic()
        counts = demo.generate_demo(
            ctx,
            records=args.records,
            seed=args.seed,
            force=args.force,
            progress=_progress("生成演示数据"),
        )
        total = sum(counts.values())
        print(f"已生成演示数据 {total} 条，用时 {time.monotonic() - start:.1f} 秒。")
        for table, n in counts.items():
            print(f"  {table}: {n}")
    finally:
        ctx.db.close()
    return EXIT_OK


def cmd_import_catalog(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import catalog

    ctx = _open(paths)
    try:
        report = catalog.import_catalogue(ctx, args.file, replace=args.replace)
    finally:
        ctx.db.close()
    print(report.message())
    return EXIT_OK


def cmd_export_catalog(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import catalog

    ctx = _open(paths)
    try:
        n = catalog.export_catalogue(ctx, args.file, overwrite=args.overwrite)
    finally:
        ctx.db.close()
    print(f"已导出 {n} 项到 {args.file}")
    return EXIT_OK


def cmd_liaison(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import liaison

    targets = [p for p in (args.xlsx, args.pdf) if p is not None]
    if not targets:
        return _fail("请至少指定 --xlsx 或 --pdf 之一。", EXIT_USAGE)
    if args.xlsx is not None and args.xlsx.suffix.lower() != ".xlsx":
        return _fail(f"--xlsx 的文件名应以 .xlsx 结尾：{args.xlsx}", EXIT_USAGE)
    if args.pdf is not None and args.pdf.suffix.lower() != ".pdf":
        return _fail(f"--pdf 的文件名应以 .pdf 结尾：{args.pdf}", EXIT_USAGE)
    if not args.overwrite:
        for target in targets:
            if target.exists():
                return _fail(f"输出文件已存在，未覆盖：{target}（确需覆盖请加 --overwrite）")
    ctx = _open(paths)
    try:
        notes: list[str] = []
        if args.xlsx is not None:
            liaison.export_xlsx(ctx, args.xlsx, overwrite=args.overwrite)
            print(f"已导出联络人名单（.xlsx）：{args.xlsx}")
        if args.pdf is not None:
            rendered = liaison.export_pdf(ctx, args.pdf, overwrite=args.overwrite)
            print(f"已导出联络人名单（PDF，共 {rendered.pages} 页）：{args.pdf}")
            notes = rendered.font_notes
        warning = liaison.missing_message(liaison.missing(ctx))
    finally:
        ctx.db.close()
    if warning:
        print(f"注意：{warning}")
    for note in notes:
        print(note)
    return EXIT_OK


def cmd_check(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import backup
    from desktop_app.storage import migrate
    from desktop_app.storage.sqlite import stored_revision
    from desktop_app.storage.startup import check_database, diagnose, hidden_password, revision_of

    if not is_server_database(paths):
        problem = diagnose(paths.database, paths.backups, move_damaged=False)
        if problem is not None:
            print(problem.message, file=sys.stderr)
            if problem.recoverable:
                latest = backup.latest_good_backup(paths)
                print(backup.recovery_advice(paths, latest), file=sys.stderr)
                if latest is not None:
                    print(
                        f"{RESTORE_LATEST_HINT}（当前的数据库文件会先改名保留，不会被覆盖）",
                        file=sys.stderr,
                    )
            return EXIT_LOCKED if problem.kind == "locked" else EXIT_FAILED
    # Read the version first: the read-only connection must not be the last one,
    # or the -wal/-shm files stay behind.
    url = database_url(paths)
    if is_server_database(paths):
        rev, where = revision_of(url), hidden_password(url)
    else:
        rev = stored_revision(paths.database) if paths.database.exists() else None
        where = str(paths.database)
    problems = check_database(url)
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        return EXIT_FAILED
    print(f"数据库完好：{where}（版本 {rev}，程序支持 {migrate.head_revision()}）")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import backup

    if is_server_database(paths):
        return _fail(SERVER_BACKUP)
    if not paths.database.exists():
        return _fail(f"数据库不存在，无需备份：{paths.database}")
    ctx = _open(paths)
    try:
        dest = backup.backup(ctx, args.output, progress=_progress("备份"))
    finally:
        ctx.db.close()
    print(f"备份完成并已校验：{dest}")
    if args.output is None:
        backup.prune(paths)
    else:
        print(backup.USB_HINT)
    return EXIT_OK


def cmd_backups(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.services import backup

    found = backup.list_backups(paths)
    if not found:
        print(f"备份文件夹里还没有备份：{paths.backups}")
        return EXIT_OK
    print(f"备份文件夹：{paths.backups}（共 {len(found)} 份，最新的在前）")
    for b in found:
        when = b.taken_at.strftime("%Y-%m-%d %H:%M:%S")
        print(f"{when}  {b.kind_label:<10}  {b.size_text:>9}  {b.path.name}")
    return EXIT_OK


def cmd_prune(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.instance import InstanceLock
    from desktop_app.services import backup

    lock = InstanceLock(paths)
    if not lock.acquire():
        return _fail(
            f"程序正在使用这个数据文件夹（{lock.holder()}），请先关闭程序再清理。", EXIT_LOCKED
        )
    try:
        removed = backup.prune(paths)
    finally:
        lock.release()
    kept = len(backup.list_backups(paths))
    print(f"已清理旧备份 {len(removed)} 份，保留 {kept} 份。")
    for p in removed:
        print(f"  已删除：{p.name}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.instance import InstanceLock
    from desktop_app.services import backup

    if is_server_database(paths):
        return _fail(SERVER_BACKUP)
    lock = InstanceLock(paths)
    if not lock.acquire():
        return _fail(
            f"程序正在使用这个数据文件夹（{lock.holder()}），请先关闭程序再恢复。", EXIT_LOCKED
        )
    try:
        result = backup.restore_latest(paths) if args.latest else backup.restore(paths, args.file)
        ctx = _open(paths)  # migrates an older backup, checks it
        try:
            backup.record_restore(ctx, result)
        finally:
            ctx.db.close()
    finally:
        lock.release()
    print(f"已从 {result.restored_from} 恢复。")
    for line in result.message().splitlines()[1:]:
        print(line)
    return EXIT_OK


def _as_staff(ctx, name: str):  # type: ignore[no-untyped-def]
    """The context acting as the active staff member of that name."""
    from desktop_app.services import staff

    found = [p for p in staff.list_all(ctx, active_only=True) if p.name == name.strip()]
    if len(found) != 1:
        problem = "没有" if not found else "有多名"
        raise ServiceError(f"在用的工作人员中{problem}名为「{name}」的人员，请核对 --operator。")
    return ctx.as_operator(found[0].id, found[0].name)


def cmd_letter(args: argparse.Namespace, paths: DataPaths) -> int:
    from desktop_app.domain.validators import ValidationError, parse_date
    from desktop_app.services import letters

    on = None
    if args.date:
        try:
            on = parse_date(args.date)
        except ValidationError as exc:
            return _fail(f"成文日期有误：{exc}", EXIT_USAGE)
    output = Path(args.output)
    if output.exists() and not args.overwrite:
        return _fail(f"输出文件已存在，未覆盖：{output}（确需覆盖请加 --overwrite）")
    ctx = _open(paths)
    try:
        if args.login:
            ctx = _log_in(ctx, args.login, args.operator)
        elif args.operator:
            ctx = _as_staff(ctx, args.operator)
        issued = letters.issue(ctx, args.doc_type, args.record_id, on=on)
        letters.save_copy(ctx, issued.id, output, overwrite=args.overwrite)
    finally:
        ctx.db.close()
    number = f"，文号 {issued.number}" if issued.number else ""
    print(f"已出具文书{number}，共 {issued.pages} 页，已保存到 {output}")
    for note in issued.font_notes:
        print(note)
    return EXIT_OK


def _encrypted(ctx: ServiceContext) -> bool:
    from desktop_app.services import identity

    return identity.is_encrypted(ctx)


def _log_in(ctx: ServiceContext, login: str, operator: str | None) -> ServiceContext:
    """The context logged in as ``login`` (its data key unlocked); the password
    from :data:`PASSWORD_ENV` or typed at the prompt (not echoed)."""
    import getpass
    import os

    from desktop_app.services import accounts

    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(f"账户「{login}」的密码：")
    who = accounts.log_in(ctx, login, password)
    if operator and operator.strip() != who.staff_name:
        raise ServiceError(
            f"--operator「{operator}」与登录账户「{login}」（{who.staff_name}）不是同一人。"
        )
    return who.context(ctx)


def cmd_reset_admin(args: argparse.Namespace, paths: DataPaths) -> int:
    """忘记管理员密码 (README): a temporary password for an administrator, with the
    recovery key printed at the first set-up; never while the program runs."""
    import getpass

    from desktop_app.instance import InstanceLock
    from desktop_app.services import accounts

    if not paths.database.exists() and not is_server_database(paths):
        return _fail(f"数据库不存在：{paths.database}")
    lock = InstanceLock(paths)
    if not lock.acquire():
        return _fail(
            f"程序正在使用这个数据文件夹（{lock.holder()}），请先关闭程序再找回管理员密码。",
            EXIT_LOCKED,
        )
    try:
        ctx = _open(paths)
        try:
            key = args.recovery_key
            if key is None and _encrypted(ctx):
                key = getpass.getpass("恢复密钥（8组、每组5个字母或数字）：")
            name, temp = accounts.recover_admin(ctx, args.login, key)
        finally:
            ctx.db.close()
    finally:
        lock.release()
    print(f"已为管理员「{name}」设置临时密码：{temp}")
    print("请用这个临时密码登录程序，登录后须立即设置新密码。恢复密钥仍然有效，请妥善保管。")
    return EXIT_OK


def cmd_export_summary(args: argparse.Namespace, paths: DataPaths) -> int:
    import re

    from desktop_app.services import summary

    yearly = args.command == "export-year"
    pattern = r"(\d{4})" if yearly else r"(\d{4})-(\d{1,2})"
    found = re.fullmatch(pattern, args.period.strip())
    if found is None or (not yearly and not 1 <= int(found.group(2)) <= 12):
        shape = "YYYY，如 2026" if yearly else "YYYY-MM，如 2026-11"
        return _fail(f"汇总期间有误：{args.period}（应为 {shape}）", EXIT_USAGE)
    if args.include_personal and not (args.operator or args.login):
        return _fail(
            "导出投诉举报人信息须用 --login 以获准查看的人员的账户登录（举报人信息保密）。",
            EXIT_USAGE,
        )
    output = Path(args.output)
    if output.exists() and not args.overwrite:
        return _fail(f"输出文件已存在，未覆盖：{output}（确需覆盖请加 --overwrite）")
    ctx = _open(paths)
    try:
        if args.login:
            ctx = _log_in(ctx, args.login, args.operator)
        elif args.include_personal and _encrypted(ctx):
            return _fail(
                "投诉举报人信息已加密保存：导出时须用 --login 以获准查看的人员的账户登录"
                f"（密码在提示时输入，或取自环境变量 {PASSWORD_ENV}）。",
                EXIT_USAGE,
            )
        elif args.operator:
            ctx = _as_staff(ctx, args.operator)
        options = {
            "include_personal": args.include_personal,
            "overwrite": args.overwrite,
            "progress": _progress("导出汇总"),
        }
        year = int(found.group(1))
        if yearly:
            summary.export_year(ctx, year, output, **options)
        else:
            summary.export_month(ctx, year, int(found.group(2)), output, **options)
    finally:
        ctx.db.close()
    print(f"已导出{'年度' if yearly else '月度'}汇总：{output}")
    return EXIT_OK


def _password(login: str | None, env: str, prompt: str) -> str | None:
    import getpass
    import os

    if login is None:
        return None
    found = os.environ.get(env)
    return found if found is not None else getpass.getpass(prompt.format(login=login))


def cmd_copy_to_server(args: argparse.Namespace, paths: DataPaths) -> int:
    """Issue 13 part 4: a township's PC database into the county server's."""
    from desktop_app.instance import InstanceLock
    from desktop_app.services import county_copy_run

    if is_server_database(paths):
        return _fail("--data-dir 应是乡镇电脑上的数据文件夹（本机数据库），不是服务器数据库。")
    if not paths.database.exists():
        return _fail(f"本机数据库不存在：{paths.database}")
    lock = InstanceLock(paths)
    if not lock.acquire():
        return _fail(
            f"程序正在使用这个数据文件夹（{lock.holder()}），请先关闭程序再复制。", EXIT_LOCKED
        )
    try:
        source_pw = _password(args.source_login, SOURCE_PASSWORD_ENV, "本机账户「{login}」的密码：")
        server_pw = _password(args.login, PASSWORD_ENV, "服务器账户「{login}」的密码：")
        try:
            report = county_copy_run.run(
                paths,
                args.to,
                source_login=args.source_login,
                source_password=source_pw,
                login=args.login,
                password=server_pw,
                dry_run=args.dry_run,
            )
        except ServiceError as exc:
            return _fail(f"未复制，服务器上没有写入任何内容：\n{exc}")
    finally:
        lock.release()
    print("\n".join(report.lines()))
    if args.dry_run:
        print("这是试运行，服务器上没有写入任何内容。去掉 --dry-run 即正式复制。")
    else:
        print("复制完成。本机的台账记录、附件和文书没有改动（只记下了这次登录），请保留作为备份。")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, DataPaths], int]] = {
    "demo": cmd_demo,
    "import-catalog": cmd_import_catalog,
    "export-catalog": cmd_export_catalog,
    "liaison": cmd_liaison,
    "check": cmd_check,
    "backup": cmd_backup,
    "backups": cmd_backups,
    "prune": cmd_prune,
    "restore": cmd_restore,
    "letter": cmd_letter,
    "export-month": cmd_export_summary,
    "export-year": cmd_export_summary,
    "reset-admin": cmd_reset_admin,
    "copy-to-server": cmd_copy_to_server,
}


def run(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir, getattr(args, "database_url", None))
    try:
        return COMMANDS[args.command](args, paths)
    except ImportFailed as exc:
        return _fail(str(exc))
    except (ServiceError, StorageError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("已取消。")
    except OSError as exc:
        return _fail(f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）")
    except Exception as exc:  # last resort: a clear line, details in the log
        log.exception("command %s failed", args.command)
        return _fail(f"命令失败：{exc}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        return EXIT_USAGE
    return run(args)
