"""How long one letter takes, against what an office does today.

Prints the warm time of rendering one 涉嫌违法案件移送函 with the bundled fonts
(median of several runs; target < 0.2 s on a 2-core machine) and its ratio to
converting an equivalent .docx to PDF with LibreOffice
(``soffice --headless --convert-to pdf``), measured in the same run.

    uv run python benchmarks/letter_speed.py [--runs 7] [--json FILE]

Not a test: machines are noisy, so it prints figures and never asserts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("TOWNSHIP_ENFORCEMENT_FONTS", "bundled")

import common

from desktop_app.documents import fonts, template
from desktop_app.documents.render import render

FACTS = (
    "2026年11月25日10时05分，我镇综合行政执法队在日常巡查中发现，当事人王建国在赵八村村东农田"
    "露天焚烧玉米秸秆约3亩，烟雾较大，影响周边群众生活和道路通行安全。执法人员当场劝阻，"
    "当事人已停止焚烧，并在现场检查记录上签字确认。"
)
VALUES = {
    "issuer": "深泽县赵八镇人民政府",
    "receiver": "石家庄市生态环境局深泽县分局",
    "party": "王建国",
    "matter": "露天焚烧秸秆",
    "found_date": "2026年11月25日",
    "found_how": "日常巡查检查",
    "place": "赵八村村东农田",
    "facts": FACTS,
    "jurisdiction_basis": "该行为涉嫌违反《中华人民共和国大气污染防治法》第七十七条的规定，"
    "依照职责分工属于贵单位管辖。",
    "dissuasion": "",
    "materials": ["现场检查记录（2页）", "现场照片（6张）"],
    "contact": "张建国",
    "contact_phone": "0311-83521002",
    "date": "2026年11月29日",
    "cc": "",
}


def docx_of(paragraphs: list[str], path: Path) -> None:
    """A minimal .docx with the same text (what a clerk types in Word/WPS)."""
    body = "".join(
        f'<w:p><w:r><w:rPr><w:rFonts w:eastAsia="FangSong"/><w:sz w:val="32"/></w:rPr>'
        f"<w:t>{p}</w:t></w:r></w:p>"
        for p in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588"/></w:sectPr>'
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        z.writestr("word/document.xml", document)


def main() -> None:
    parser = common.parser(__doc__)
    parser.set_defaults(runs=7)
    args = parser.parse_args()
    start = time.perf_counter()
    tpl = template.load("referral_letter")
    bundled = fonts.resolve(prefer_system=False)
    values = {
        key: VALUES.get(key, spec.label if spec.kind == "text" else [spec.label])
        for key, spec in tpl.fields.items()
    }
    render(tpl, values, "赵八镇执移〔2026〕3号", fonts=bundled)
    cold = time.perf_counter() - start
    warm = common.median_time(
        lambda: render(tpl, values, "赵八镇执移〔2026〕3号", fonts=bundled), args.runs
    )
    rows = [common.row("letter PDF, first in process (incl. fonts)", cold, "s")]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    base: float | None = None
    if soffice is None:
        print("soffice not installed: no baseline (apt-get install libreoffice-writer-nogui)")
    else:
        base = soffice_time(soffice, max(3, args.runs // 2))
    rows.append(
        common.row(
            "letter PDF, warm",
            warm,
            "s",
            baseline=base,
            target="≤ 0.2 s; ≥ 20 × faster than soffice",
            limit=0.2,
            min_ratio=20,
        )
    )
    if base is not None:
        print(
            f"soffice --convert-to pdf of the same letter as .docx: {base:.2f} s"
            f" = {base / warm:.0f} × the letter"
        )
    common.finish(rows, args.json)


def soffice_time(soffice: str, runs: int) -> float:
    """Median time of LibreOffice converting the same letter, typed as a .docx."""
    with tempfile.TemporaryDirectory() as tmp:
        docx = Path(tmp) / "letter.docx"
        docx_of(
            [
                "深泽县赵八镇人民政府",
                "关于移送王建国涉嫌露天焚烧秸秆案件的函",
                "石家庄市生态环境局深泽县分局：",
                FACTS,
                VALUES["jurisdiction_basis"],
                "特此函告。",
                "深泽县赵八镇人民政府",
                "2026年11月29日",
            ],
            docx,
        )

        def convert() -> None:
            subprocess.run(
                [
                    soffice,
                    "--headless",
                    f"-env:UserInstallation=file://{tmp}/profile",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    tmp,
                    str(docx),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )

        convert()  # first start creates the profile
        return common.median_time(convert, runs)


if __name__ == "__main__":
    main()
