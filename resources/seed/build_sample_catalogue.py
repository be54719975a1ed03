"""Write penalty_catalogue_sample.xlsx: a sample penalty catalogue (示例).

Run with ``uv run python resources/seed/build_sample_catalogue.py``. The file
is laid out like the lists counties publish (title, subtitle, header, notes
under the table) so the first run and the importer's tests see a realistic
file. The matters are of the kinds Hebei counties transferred to townships;
codes, dates and discretion texts are examples only, and the departments are
the names in organisations.json. Not an official list.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

OUT = Path(__file__).with_name("penalty_catalogue_sample.xlsx")
HEADERS = (
    "序号",
    "事项编码",
    "事项名称",
    "设定依据",
    "实施依据",
    "原行使部门",
    "是否划转",
    "划转时间",
    "自由裁量标准",
    "备注",
)
WIDTHS = (6, 14, 40, 40, 30, 22, 8, 12, 30, 16)

CG = "深泽县城市管理综合行政执法局"
ST = "石家庄市生态环境局深泽县分局"
ZR = "深泽县自然资源和规划局"
NY = "深泽县农业农村局"
SL = "深泽县水利局"
JT = "深泽县交通运输局"
GA = "深泽县公安局"
WL = "深泽县文化广电和旅游局"
MZ = "深泽县民政局"
SC = "深泽县市场监督管理局"
YJ = "深泽县应急管理局"
XF = "深泽县消防救援大队"
WJ = "深泽县卫生健康局"
ZJ = "深泽县住房和城乡建设局"

D1 = date(2021, 7, 15)
D2 = date(2023, 1, 1)

SR = "《城市市容和环境卫生管理条例》"
DQ = "《中华人民共和国大气污染防治法》"
TD = "《中华人民共和国土地管理法》"
GL = "《中华人民共和国公路法》"
HD = "《中华人民共和国河道管理条例》"
SF = "《中华人民共和国水法》"
SAME = "同设定依据"
MINOR = "首次违法、情节轻微并及时改正的，可以不予处罚（示例）"

# (code, name, 设定依据, 实施依据, department, transferred on (None = not transferred),
#  discretion, note)
MATTERS: tuple[tuple[str, str, str, str, str, date | None, str, str], ...] = (
    ("SZ-CG-001", "对随地吐痰、便溺，乱扔果皮、纸屑和烟头等废弃物的处罚",
     f"{SR}第三十四条第（一）项", SAME, CG, D1, MINOR, ""),
    ("SZ-CG-002", "对在城市建筑物、设施以及树木上涂写、刻画或者未经批准张挂、张贴宣传品等的处罚",
     f"{SR}第三十四条第（二）项", SAME, CG, D1, MINOR, ""),
    ("SZ-CG-003", "对不按规定的时间、地点、方式倾倒垃圾、粪便的处罚",
     f"{SR}第三十四条第（四）项", SAME, CG, D1, MINOR, ""),
    ("SZ-CG-004", "对运输液体、散装货物不作密封、包扎、覆盖，造成泄漏、遗撒的处罚",
     f"{SR}第三十四条第（六）项", SAME, CG, D1, "", ""),
    ("SZ-CG-005", "对未经批准擅自设置大型户外广告，影响市容的处罚",
     f"{SR}第十一条、第三十六条第（一）项", SAME, CG, D1, "", ""),
    ("SZ-CG-006", "对未经批准擅自在街道两侧和公共场地堆放物料，搭建建筑物、构筑物或者其他设施，"
     "影响市容的处罚", f"{SR}第三十六条第（二）项", SAME, CG, D1, "", ""),
    ("SZ-CG-007", "对擅自占用城市道路从事经营活动（占道经营）的处罚",
     "《城市道路管理条例》第二十七条第（一）项、第四十二条", f"{SR}第十四条", CG, D1,
     MINOR, ""),
    ("SZ-CG-008", "对在当地人民政府禁止的时段和区域内露天烧烤食品或者为露天烧烤食品提供场地的处罚",
     f"{DQ}第八十一条第三款、第一百一十八条第三款", SAME, CG, D1,
     "没收烧烤工具和违法所得，并处五百元以上二万元以下罚款（示例）", ""),
    ("SZ-CG-009", "对排放油烟的餐饮服务业经营者未安装油烟净化设施、不正常使用油烟净化设施"
     "或者未采取其他油烟净化措施，超过排放标准排放油烟的处罚",
     f"{DQ}第八十一条第一款、第一百一十八条第一款", SAME, CG, D2, "", ""),
    ("SZ-CG-010", "对运输煤炭、垃圾、渣土、砂石、土方、灰浆等散装、流体物料的车辆"
     "未采取密闭或者其他措施防止物料遗撒的处罚", f"{DQ}第七十条第一款、第一百一十六条", SAME,
     CG, D2, "", ""),
    ("SZ-CG-011", "对随意倾倒、抛撒、堆放或者焚烧生活垃圾的处罚",
     "《中华人民共和国固体废物污染环境防治法》第一百一十一条第一款第（一）项", SAME, CG, D1,
     "单位处五万元以上五十万元以下罚款；个人处一百元以上五百元以下罚款（示例）", ""),
    ("", "对随意倾倒、抛撒或者堆放建筑垃圾的处罚", "《城市建筑垃圾管理规定》第二十六条", SAME,
     CG, D2, "", "编码待县司法局统一赋码"),
    ("SZ-ST-001", "对露天焚烧秸秆、落叶等产生烟尘污染的物质的处罚",
     f"{DQ}第七十七条、第一百一十九条第一款", SAME, ST, D1,
     "责令改正，可以处五百元以上二千元以下罚款（示例）", "秸秆禁烧期间重点巡查"),
    ("SZ-ST-002", "对在人口集中地区焚烧沥青、油毡、橡胶、塑料、皮革、垃圾以及其他产生有毒有害"
     "烟尘和恶臭气体的物质的处罚", f"{DQ}第八十二条第一款、第一百一十九条第二款", SAME, ST,
     None, "", ""),
    ("SZ-ST-003", "对在禁止养殖区域内建设畜禽养殖场、养殖小区的处罚",
     "《畜禽规模养殖污染防治条例》第十一条、第三十七条", SAME, ST, None, "", ""),
    ("SZ-ZR-001", "对在乡、村庄规划区内未依法取得乡村建设规划许可证或者未按照乡村建设规划许可证"
     "的规定进行建设的处罚", "《中华人民共和国城乡规划法》第四十一条、第六十五条", SAME, ZR, D1,
     "责令停止建设、限期改正；逾期不改正的，可以拆除", "法律规定由乡、镇人民政府实施"),
    ("SZ-ZR-002", "对占用耕地建窑、建坟或者擅自在耕地上建房、挖砂、采石、采矿、取土等，"
     "破坏种植条件的处罚", f"{TD}第三十七条、第七十五条", SAME, ZR, D2, "", ""),
    ("SZ-ZR-003", "对未经批准或者采取欺骗手段骗取批准，非法占用土地的处罚",
     f"{TD}第七十七条", SAME, ZR, None, "", ""),
    ("SZ-ZR-004", "对滥伐林木的处罚", "《中华人民共和国森林法》第五十六条、第七十六条第二款",
     SAME, ZR, None, "", ""),
    ("SZ-NY-001", "对农村村民未经批准或者采取欺骗手段骗取批准，非法占用土地建住宅的处罚",
     f"{TD}第六十二条、第七十八条", SAME, NY, D1, "", ""),
    ("SZ-NY-002", "对农药使用者不按照农药的标签标注的使用范围、使用方法和剂量、使用技术要求和"
     "注意事项、安全间隔期使用农药或者使用禁用的农药的处罚", "《农药管理条例》第六十条", SAME,
     NY, D2, "个人处一万元以下罚款（示例）", ""),
    ("SZ-SL-001", "对在河道管理范围内弃置、堆放阻碍行洪物体，种植阻碍行洪的林木或者高秆植物的处罚",
     f"{HD}第二十四条、第四十四条第（一）项", SAME, SL, D1, "", ""),
    ("SZ-SL-002", "对未经批准或者不按照河道主管机关的规定在河道管理范围内采砂、取土的处罚",
     f"{HD}第二十五条、第四十四条第（四）项", f"{SF}第三十九条", SL, D2, "", ""),
    ("SZ-SL-003", "对在河道管理范围内建设妨碍行洪的建筑物、构筑物的处罚",
     f"{SF}第三十七条、第六十五条第一款", SAME, SL, None, "", ""),
    ("SZ-SL-004", "对未经批准擅自取水的处罚", f"{SF}第四十八条、第六十九条第（一）项", SAME, SL,
     None, "", ""),
    ("SZ-JT-001", "对在公路上及公路用地范围内摆摊设点、堆放物品、倾倒垃圾、设置障碍等，"
     "造成公路路面损坏、污染或者影响公路畅通的处罚", f"{GL}第四十六条、第七十七条", SAME, JT,
     D1, "", ""),
    ("", "对损坏、移动、涂改公路附属设施，可能危及公路安全的处罚",
     f"{GL}第五十二条、第七十六条第（五）项", SAME, JT, D2, "", "编码待县司法局统一赋码"),
    ("SZ-JT-003", "对在公路建筑控制区内修建建筑物、地面构筑物的处罚",
     f"{GL}第五十六条、第八十一条", SAME, JT, None, "", ""),
    ("SZ-GA-001", "对在禁止燃放烟花爆竹的时间、地点燃放烟花爆竹的处罚",
     "《烟花爆竹安全管理条例》第三十条、第四十二条第二款", SAME, GA, D2,
     "责令停止燃放，处一百元以上五百元以下罚款（示例）", ""),
    ("SZ-WL-001", "对互联网上网服务营业场所经营单位接纳未成年人进入营业场所的处罚",
     "《互联网上网服务营业场所管理条例》第二十一条、第三十一条第（二）项", SAME, WL, D2, "", ""),
    ("SZ-MZ-001", "对在公墓和农村的公益性墓地以外的区域建造坟墓的处罚",
     "《殡葬管理条例》第二十条", SAME, MZ, D2, "", ""),
    ("SZ-SC-001", "对未取得食品生产经营许可从事食品生产经营活动的处罚",
     "《中华人民共和国食品安全法》第三十五条、第一百二十二条第一款", SAME, SC, None, "",
     "未划转，发现后移送县市场监督管理局"),
    ("SZ-SC-002", "对从事无照经营的处罚", "《无证无照经营查处办法》第十三条", SAME, SC, None, "",
     ""),
    ("SZ-YJ-001", "对生产经营单位未按照规定对从业人员进行安全生产教育和培训的处罚",
     "《中华人民共和国安全生产法》第二十八条、第九十七条第（三）项", SAME, YJ, None, "",
     "未划转"),
    ("SZ-YJ-002", "对未经许可经营烟花爆竹制品的处罚", "《烟花爆竹安全管理条例》第三十六条第一款",
     SAME, YJ, None, "", ""),
    ("SZ-XF-001", "对占用、堵塞、封闭疏散通道、安全出口或者埋压、圈占、遮挡消火栓的处罚",
     "《中华人民共和国消防法》第二十八条、第六十条第一款第（三）项、第（四）项", SAME, XF,
     None, "", "未划转"),
    ("SZ-WJ-001", "对未取得医疗机构执业许可证擅自执业的处罚",
     "《中华人民共和国基本医疗卫生与健康促进法》第三十八条、第九十九条第一款", SAME, WJ, None,
     "", ""),
    ("SZ-ZJ-001", "对施工工地未设置硬质围挡，或者未采取覆盖、分段作业、择时施工、洒水抑尘、"
     "冲洗地面和车辆等有效防尘降尘措施的处罚", f"{DQ}第六十九条、第一百一十五条第一款第（一）项",
     SAME, ZJ, D2, "", ""),
)  # fmt: skip


def build(out: Path = OUT) -> int:
    wb = Workbook()
    ws = wb.active
    ws.title = "处罚事项清单"
    last = get_column_letter(len(HEADERS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    ws["A1"] = "深泽县赵八镇行政处罚事项清单（示例）"
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(name="宋体", size=18, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    ws["A2"] = f"填报单位：深泽县赵八镇人民政府（示例）　　　　　　共{len(MATTERS)}项"
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")

    for col, text in enumerate(HEADERS, start=1):
        cell = ws.cell(row=3, column=col, value=text)
        cell.font = Font(name="黑体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border

    for seq, (code, name, basis, impl, dept, on, discretion, note) in enumerate(MATTERS, 1):
        values = (seq, code or None, name, basis, impl, dept, "是" if on else "否", on,
                  discretion or None, note or None)  # fmt: skip
        row = ws.max_row + 1
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.border = border
            centred = col in (1, 7, 8)
            cell.alignment = Alignment(
                horizontal="center" if centred else "left", vertical="center", wrap_text=True
            )
            if col == 8:
                cell.number_format = "yyyy-mm-dd"

    notes = ws.max_row + 1
    ws.cell(row=notes, column=1, value="备注：本清单为示例数据，请以县政府公布的清单为准。")
    ws.merge_cells(start_row=notes, start_column=1, end_row=notes, end_column=len(HEADERS))
    ws.cell(row=notes + 1, column=1, value="注：划转时间为示例。划转前已立案的案件仍由原部门办结。")
    ws.merge_cells(start_row=notes + 1, start_column=1, end_row=notes + 1, end_column=len(HEADERS))

    for col, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width * 2 + 2
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = "深泽县赵八镇行政处罚事项清单（示例）"
    wb.properties.creator = "示例数据"
    wb.save(out)
    return len(MATTERS)


if __name__ == "__main__":
    count = build()
    print(f"已写入 {OUT}（{count} 项示例事项）")
