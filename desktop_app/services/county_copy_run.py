"""Running ``copy-to-server`` (services/county_copy.py): both databases, the two
administrators' logins, one transaction on the server that commits or (a dry run,
any problem) rolls back."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from desktop_app.paths import DataPaths
from desktop_app.services.county_copy import CopyReport, T, copy_township
from desktop_app.services.errors import ServiceError
from desktop_app.storage.db import Database


@dataclass(frozen=True)
class Unlocked:
    key: bytes | None
    staff_id: int | None
    staff_name: str | None


def unlock(db: Database, login: str | None, password: str | None, where: str) -> Unlocked:
    """An administrator of ``where`` (本机 / 服务器) logged in as at the log-in window
    (a wrong password counts towards the lock-out, and both are in the audit
    trail), and its data key. Without ``login``: only a database without accounts."""
    from desktop_app.domain.terms import AccountRole
    from desktop_app.services import accounts
    from desktop_app.services.context import ServiceContext

    if login is None:
        with db.read() as session:
            has_accounts = session.execute(select(T["accounts"].c.id).limit(1)).first()
        if has_accounts is not None:
            flag = "--source-login" if where == "本机" else "--login"
            raise ServiceError(
                f"{where}数据库已设置登录账户：请用{where}的管理员账户登录（{flag}）。"
            )
        return Unlocked(None, None, None)
    try:
        who = accounts.log_in(ServiceContext(db, None, None, "复制命令"), login, password or "")
    except ServiceError as exc:
        raise ServiceError(f"{where}：{exc}") from exc
    if who.role != AccountRole.ADMIN:
        raise ServiceError(f"「{login}」不是{where}的管理员账户：只有管理员可以复制数据。")
    return Unlocked(who.data_key, who.staff_id, who.staff_name)


def run(
    paths: DataPaths,
    target_url: str,
    *,
    source_login: str | None = None,
    source_password: str | None = None,
    login: str | None = None,
    password: str | None = None,
    dry_run: bool = True,
) -> CopyReport:
    """Open the PC's database (``paths``) and the server's (``target_url``),
    copy, and commit unless ``dry_run``. Of the PC's database only the log-in is
    written (its audit entry); an older one is first brought to this version, with
    a backup, as at a start."""
    from desktop_app.paths import normalise_url
    from desktop_app.services.context import ServiceContext
    from desktop_app.services.seed import seed_reference_data
    from desktop_app.storage.postgres import is_postgres_url
    from desktop_app.storage.startup import open_database

    target_url = normalise_url(target_url.strip())
    if not is_postgres_url(target_url):
        raise ServiceError("目标须是服务器数据库（postgresql://…）。")
    if not paths.database.is_file():
        raise ServiceError(f"本机数据库不存在：{paths.database}")
    source = open_database(f"sqlite:///{paths.database}", backup_dir=paths.backups).db
    try:
        # a server at an older version is upgraded first, after a pg_dump where possible
        target_open = open_database(target_url, backup_dir=paths.backups)
        target = target_open.db
        try:
            if target_open.created:
                seed_reference_data(ServiceContext(target, None, None, "复制命令"))
            mine = unlock(source, source_login, source_password, "本机")
            theirs = unlock(target, login, password, "服务器")
            with source.read() as src:
                dst = target.write_session()
                try:
                    report = copy_township(
                        src,
                        dst,
                        paths,
                        src_key=mine.key,
                        dst_key=theirs.key,
                        operator_id=theirs.staff_id,
                        operator_name=theirs.staff_name or "复制命令",
                        dry_run=dry_run,
                    )
                    if dry_run:
                        dst.rollback()
                    else:
                        dst.commit()
                except BaseException:
                    dst.rollback()
                    raise
                finally:
                    dst.close()
        finally:
            target.close()
    finally:
        source.close()
    return report
