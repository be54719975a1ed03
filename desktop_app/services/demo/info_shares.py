"""信息共享 (information sharing) for the demo: what the township and the county
departments share with each other, on time or late — in the states the service
leaves them (:mod:`desktop_app.services.info_shares`): shared items carry their
method, late ones their reason, unshared ones the clock "共享期限".
"""

from __future__ import annotations

from datetime import date
from itertools import accumulate

from desktop_app.domain.deadlines import info_share_deadline
from desktop_app.domain.terms import InfoCategory, ShareDirection, ShareMethod
from desktop_app.services.demo.core import Demo
from desktop_app.services.demo.text_ledgers import (
    INFO_CATEGORY_WEIGHTS,
    INFO_TEMPLATES,
    LAWS,
    SHARE_LATE_REASONS,
    quarter_name,
)

# how items travel: mostly the platform the seed asks for (三（三）), then letters and mail
METHOD_WEIGHTS = (
    (ShareMethod.PLATFORM, 45),
    (ShareMethod.DOCUMENT, 20),
    (ShareMethod.EMAIL, 15),
    (ShareMethod.MEETING, 8),
    (ShareMethod.PHONE, 7),
    (ShareMethod.OTHER, 5),
)
_METHODS = [m for m, _w in METHOD_WEIGHTS]
_METHOD_CUM = list(accumulate(w for _m, w in METHOD_WEIGHTS))


def gen_info_shares(g: Demo, count: int) -> None:
    rng, today = g.rng, g.today
    cats = [InfoCategory(c) for c, _w in INFO_CATEGORY_WEIGHTS]
    cum = list(accumulate(w for _c, w in INFO_CATEGORY_WEIGHTS))
    forced = max(1, round(count * 0.004)) if count >= 4 else 0
    for _ in range(count - 2 * forced):
        day = g.work_day(g.rand_day())
        _info_share(g, day, rng.choices(cats, cum_weights=cum)[0])
    for _ in range(forced):
        _info_share(g, today, InfoCategory.DYNAMIC, hold=True)
        _info_share(g, g.back_wd(today, rng.randint(1, 4)), InfoCategory.STATISTICS, True)


def _info_share(g: Demo, formed: date, category: InfoCategory, hold: bool = False) -> None:
    rng, today, cal = g.rng, g.today, g.cal
    templates = INFO_TEMPLATES[category.value]
    if hold:
        templates = tuple(t for t in templates if t[0]) or templates
    ours, title_t, summary_t = rng.choice(templates)
    depts = rng.sample(g.depts, min(len(g.depts), rng.choice((1, 1, 1, 2, 3))))
    m = g.pick_matter(formed)
    values = {
        "y": formed.year,
        "m": formed.month,
        "q": quarter_name(formed),
        "dept": depts[0].short,
        "law": rng.choice(LAWS),
        "n": rng.randint(3, 40),
        "matter": m.name,
    }
    created = g.at(formed)
    row = g.new(
        "info_shares",
        direction=ShareDirection.SHARED if ours else ShareDirection.RECEIVED,
        category=category,
        title=title_t.format(**values),
        summary=summary_t.format(**values),
        formed_on=formed,
        created_at=created,
        updated_at=created,
        created_by_id=g.staff_id(g.clerks),
    )
    for o in depts:
        g.new("info_share_counterparts", info_share_id=row, organisation_id=o.id)
    r = rng.random()
    shared: date | None = formed
    if hold:
        shared = None
    elif r < 0.10:
        shared = min(cal.add_working_days(formed, rng.randint(1, 4)), today)
    if shared is None:
        row.update(deadline_at=info_share_deadline(formed).due_at, deadline_what="共享期限")
        return
    row["shared_on"] = shared
    row["method"] = rng.choices(_METHODS, cum_weights=_METHOD_CUM)[0]
    if shared > formed:
        row.update(late_reason=rng.choice(SHARE_LATE_REASONS), updated_at=g.at(shared))
