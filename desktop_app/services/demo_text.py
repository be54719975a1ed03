"""Word lists and small text generators for the demo data (see ``demo.py``).

Names, places and parties around 深泽县赵八镇; penalty matters with the
sentences a clerk would write about them. Everything takes a
``random.Random`` so the demo is reproducible for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from desktop_app.domain.validators import id_check_char, org_code_check_char, uscc_check_char

REGION = "130128"  # 深泽县 (GB/T 2260)
NEIGHBOUR_REGIONS = ("130183", "130130", "131125", "131182", "130184")  # 晋州 无极 安平 深州 新乐

_SURNAME_WEIGHTS = (
    "王71 李70 张68 刘54 赵30 杨30 陈20 孙18 马16 高16 郭14 周12 吴10 徐10 韩10 黄10 "
    "宋9 田9 董9 于9 朱9 胡8 冯8 崔8 梁8 许7 郑7 曹7 贾7 魏7 邢7 闫6 杜6 苏6 吕6 任6 石6 "
    "孟6 侯6 丁5 姚5 卢5 姜5 程5 范5 袁5 耿5 牛5 史5 付5 郝5 武5 白5 何5 贺4 齐4 段4 薛4 "
    "康4 安4 常4 乔4 唐4 谢4 罗4 肖4 尹3 申3 庞3 甄3 焦3 温3 谷3 潘3 蒋3 沈3 夏3 金3 "
    "柴2 翟2 芦2 籍1 郄1"
)
SURNAMES = tuple(item[0] for item in _SURNAME_WEIGHTS.split())
_SURNAME_CUM = tuple(accumulate(int(item[1:]) for item in _SURNAME_WEIGHTS.split()))

GIVEN_MALE = (
    "建国 建军 建华 建民 志强 志刚 志勇 国庆 国强 振华 振东 海涛 海军 永刚 永强 立新 立军 "
    "保国 保平 红军 卫东 文彬 文杰 晓东 晓明 俊杰 浩然 子轩 宇航 明辉 新民 学军 春生 秋生 "
    "金良 占国 占军 树林 福贵 双喜 宝山 庆海 书林 会军 少华 运动 二强 小龙 长江 振江 "
    "伟 磊 强 军 勇 鹏 涛 超 斌 刚 亮 杰 辉 飞 凯 浩 博 帅 旭"
).split()
GIVEN_FEMALE = (
    "秀兰 秀英 秀珍 丽娜 丽华 红霞 玉梅 玉兰 晓燕 海燕 桂英 桂芝 淑芬 淑华 凤英 彩霞 春梅 "
    "冬梅 美玲 雪梅 慧敏 佳怡 欣怡 雨涵 梦瑶 子涵 思雨 素芳 翠兰 文静 艳红 亚楠 丽敏 小红 "
    "晓丽 静 丽 敏 芳 娟 艳 霞 燕 颖 婷 洁 琳 倩 莉 萍"
).split()

VILLAGES = (
    "赵八村 南孟村 北孟村 大兴庄 东马庄 西张庄 小堡村 韩家庄 白庄 刘家庄 王家庄 北马庄 "
    "南白庄 东张庄 杜家庄 前营村 后营村 西马庄 枣营村 耿家庄"
).split()
VILLAGE_SPOTS = (
    "村东农田 村西坑塘边 村南路口 村北机井旁 村委会东侧 村内主街 文化广场附近 小学门口 "
    "村东排水沟旁 村西旧砖厂 村南苗圃 村北林带 村口 村中心街 村东南角 村西大渠旁"
).split()
FIELD_SPOTS = "村东农田 村西农田 村南农田 村北农田 村东林带 村南机井旁 村北苗圃".split()
TOWN_PLACES = (
    "赵八镇集贸市场 赵八大街 镇政府东侧路口 赵八中学门口 镇卫生院门前 赵八镇工业区 "
    "赵八镇汽车站附近 赵八大街与南环路交叉口"
).split()
ROADS = (
    "深安线赵八段 赵八至南孟村道路 大兴庄至东马庄乡道 赵八大街东段 滹沱河大堤路 北孟村至小堡村道路"
).split()
STREETS = "东街 西街 南街 北街 前街 后街 中心街 新街".split()

SHOP_WORDS = (
    "宏达 鑫源 金穗 丰泽 振兴 永盛 德顺 兴旺 利民 福源 恒通 润丰 聚源 广丰 华泰 众鑫 长青 "
    "瑞丰 嘉禾 盛达 泰和 通达 新星 康源 冀中 益农 绿源 金鼎 宏远 顺发"
).split()
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 166 176 177 178 "
    "180 181 182 183 185 186 187 188 189 195 198 199"
).split()


@dataclass(frozen=True)
class MatterText:
    """A typical penalty matter and how people write about it."""

    name: str  # short name used in titles: 占道经营
    dept: str  # keyword of the supervising county department's name
    township: bool  # transferred to the township (划转乡镇)
    act: str  # verb phrase for facts: 占用道路摆摊设点经营
    law: str  # the rule broken
    complaints: tuple[str, ...]  # sentences with {place} (and {n})
    businesses: tuple[str, ...] = ()  # kinds of business parties; () = persons only
    person_share: float = 0.7
    penalty: tuple[str, ...] = ("责令改正，罚款{n}元",)
    fine: tuple[int, int] = (200, 2000)
    months: tuple[int, ...] = ()  # season when it is common
    weight: int = 5
    place_kind: str = "village"  # village | town | road | river


# fmt: off
MATTERS: tuple[MatterText, ...] = (
    MatterText("占道经营", "城市管理", True, "占用道路摆摊设点经营",
       "《河北省城乡市容和环境卫生条例》",
       ("群众反映{place}有商贩长期占道摆摊经营，早晚高峰车辆通行困难，请求处理。",
        "来电反映{place}附近水果摊、早点摊占用人行道经营，行人只能走机动车道，存在安全隐患。",
        "反映{place}有门店把货物摆到店外经营，占道约{n}米，多次劝说不改。"),
       ("水果店", "早点铺", "五金门市", "副食门市"), 0.6, fine=(50, 500), weight=14,
       place_kind="town"),
    MatterText("露天焚烧秸秆", "生态环境", True, "露天焚烧秸秆",
       "《中华人民共和国大气污染防治法》第七十七条",
       ("群众反映{place}有人夜间焚烧秸秆，烟雾较大，影响周边村民生活和道路通行，请求尽快处理。",
        "举报{place}地里有焚烧玉米秸秆的情况，火势不小，离村民房屋较近。",
        "来电反映{place}连续两天傍晚有人点烧麦秸，烟味很重，孩子咳嗽。"),
       fine=(500, 2000), months=(5, 6, 9, 10, 11), weight=12, place_kind="field"),
    MatterText("违法建设", "自然资源", True, "未取得乡村建设规划许可证擅自建设",
       "《中华人民共和国城乡规划法》第六十五条",
       ("反映{place}有村民未经审批在宅基地外私自加盖房屋，已建成一层，正在继续施工。",
        "群众举报{place}有人违规搭建彩钢房约{area}平方米，占用集体土地。"),
       ("建材经营部", "汽修厂", "养殖场"), 0.7,
       ("责令停止建设、限期拆除", "责令限期改正，逾期不改正的依法拆除"), weight=12),
    MatterText("乱倒建筑垃圾", "城市管理", True, "随意倾倒建筑垃圾",
       "《城市建筑垃圾管理规定》第二十六条",
       ("群众反映{place}有车辆夜间偷倒建筑垃圾，已堆了{n}车左右，影响村容村貌。",
        "反映{place}路边被倒了很多碎砖烂瓦，占了半幅路。"),
       ("建筑工程队", "装饰装修部"), 0.5, ("责令限期清理，罚款{n}元",), (1000, 5000), weight=9),
    MatterText("露天烧烤", "城市管理", True, "在露天场所从事烧烤经营",
       "《中华人民共和国大气污染防治法》第八十一条",
       ("反映{place}烧烤摊每天晚上在路边露天烧烤，油烟很大，一直营业到后半夜。",),
       ("烧烤店", "饭店"), 0.5, ("责令改正，没收烧烤工具，罚款{n}元",), (500, 2000),
       (5, 6, 7, 8, 9), 7, "town"),
    MatterText("违规燃放烟花爆竹", "城市管理", True, "在禁止燃放区域燃放烟花爆竹",
       "《烟花爆竹安全管理条例》第四十二条",
       ("反映{place}有人在禁放区域燃放烟花爆竹，纸屑满地，还引燃了路边柴草。",),
       fine=(100, 500), months=(1, 2, 12), weight=5, place_kind="town"),
    MatterText("擅自采砂", "水利", False, "在河道管理范围内擅自采砂",
       "《中华人民共和国水法》第三十九条",
       ("反映{place}有人夜间用挖掘机偷采河沙，大货车来回拉运，河道被挖得坑坑洼洼。",),
       ("砂石料场", "运输队"), 0.5, ("责令停止违法行为，没收违法所得，罚款{n}元",),
       (10000, 50000), weight=5, place_kind="river"),
    MatterText("畜禽养殖污染", "生态环境", False, "未按规定处理畜禽粪污，直接向外环境排放",
       "《畜禽规模养殖污染防治条例》第四十条",
       ("群众反映{place}一养猪场粪污直接排进村边坑塘，气味刺鼻，夏天蚊蝇很多。",
        "反映{place}养殖场的粪便堆在路边，下雨后污水横流。"),
       ("养殖场", "养猪场", "养鸡场", "奶牛养殖场"), 0.2, fine=(5000, 30000), weight=8),
    MatterText("非法占用耕地", "自然资源", False, "未经批准占用耕地建设",
       "《中华人民共和国土地管理法》第七十七条",
       ("反映{place}有人在耕地里硬化地面、建设库房，占地约{n}亩。",),
       ("饲料厂", "木材加工厂", "建材经营部"), 0.4, ("责令退还土地、限期拆除，罚款{n}元",),
       (10000, 80000), weight=6, place_kind="field"),
    MatterText("无证经营食品", "市场监督", False, "未取得食品经营许可从事食品经营活动",
       "《中华人民共和国食品安全法》第一百二十二条",
       ("来电反映{place}一家熟食店没有营业执照和食品经营许可证，卫生条件很差。",),
       ("熟食店", "小吃部", "副食门市"), 0.2, ("没收违法所得，罚款{n}元",), (5000, 50000),
       weight=6, place_kind="town"),
    MatterText("销售过期食品", "市场监督", False, "销售超过保质期的食品",
       "《中华人民共和国食品安全法》第一百二十四条",
       ("消费者反映在{place}一家超市买到过期牛奶，与店主协商未果。",
        "反映{place}小卖部货架上有过期的饮料和方便面，卖给了小学生。"),
       ("超市", "便民店", "小卖部"), 0.0, ("没收过期食品，罚款{n}元",), (5000, 50000),
       weight=6),
    MatterText("私设户外广告", "城市管理", True, "未经批准擅自设置户外广告牌",
       "《河北省城乡市容和环境卫生条例》",
       ("反映{place}新立了一块大型广告牌，没有固定牢靠，刮风时晃动，担心砸伤行人。",),
       ("通讯店", "装饰装修部", "家电门市"), 0.2, ("责令限期拆除，罚款{n}元",), (500, 5000),
       weight=4, place_kind="town"),
    MatterText("乱贴乱画小广告", "城市管理", True, "在建筑物、电线杆上张贴小广告",
       "《河北省城乡市容和环境卫生条例》",
       ("群众反映{place}墙面、电线杆上到处贴满办证、疏通管道的小广告。",),
       fine=(50, 500), weight=4, place_kind="town"),
    MatterText("超限超载运输", "交通运输", False, "驾驶货车超限运输",
       "《公路安全保护条例》第六十四条",
       ("反映{place}每天夜里有大量超载拉砂石的货车经过，路面已被压坏。",),
       ("物流有限公司", "运输队"), 0.5, ("责令改正，罚款{n}元",), (3000, 30000), weight=5,
       place_kind="road"),
    MatterText("无证行医", "卫生健康", False, "未取得《医疗机构执业许可证》擅自执业",
       "《中华人民共和国基本医疗卫生与健康促进法》第九十九条",
       ("举报{place}有人在家中开设诊所给村民输液，没有看到任何证照。",),
       ("诊所",), 0.7, ("责令停止执业，没收违法所得和药品、器械，罚款{n}元",), (50000, 100000),
       weight=3),
    MatterText("销售假劣农资", "农业农村", False, "销售假劣农药、种子",
       "《农药管理条例》第五十五条",
       ("村民反映在{place}一家农资门市买的除草剂打了没效果，怀疑是假农药，损失了{n}亩玉米苗。",),
       ("农资门市", "种子经销部"), 0.0, ("没收假劣农药，罚款{n}元",), (5000, 50000),
       (3, 4, 5, 6, 7, 8, 9), 5),
    MatterText("违规储存危险化学品", "应急管理", False, "违规储存危险化学品",
       "《危险化学品安全管理条例》第八十条",
       ("反映{place}一小作坊院内存放大量油漆桶和稀料，附近就是民房，担心发生火灾。",),
       ("塑料制品厂", "木材加工厂", "家具厂"), 0.1, ("责令改正，罚款{n}元",), (50000, 100000),
       weight=4),
    MatterText("堵塞消防通道", "消防", False, "占用、堵塞消防车通道",
       "《中华人民共和国消防法》第六十条",
       ("反映{place}商户把货物堆在消防通道上，消防车根本进不来。",),
       ("超市", "饭店", "建材经营部"), 0.1, ("责令改正，罚款{n}元",), (5000, 50000), weight=3,
       place_kind="town"),
    MatterText("非法取土", "自然资源", False, "擅自在耕地上挖土取土",
       "《中华人民共和国土地管理法》第三十七条",
       ("反映{place}有人用挖掘机在地里挖土外卖，挖出一个{n}米深的大坑。",),
       ("砂石料场", "砖厂"), 0.5, ("责令限期改正、恢复种植条件，罚款{n}元",), (10000, 50000),
       weight=3, place_kind="field"),
    MatterText("河道乱堆乱放", "水利", True, "在河道管理范围内堆放垃圾、杂物",
       "《河北省河湖保护和治理条例》",
       ("群众反映{place}附近河道里有人倾倒生活垃圾，堵塞了排水。",),
       fine=(500, 5000), weight=4, place_kind="river"),
    MatterText("网吧接纳未成年人", "文化广电", False, "接纳未成年人进入互联网上网服务营业场所",
       "《互联网上网服务营业场所管理条例》第三十一条",
       ("家长反映{place}一家网吧经常有中小学生上网，老板不查身份证。",),
       ("网吧",), 0.0, ("警告，罚款{n}元",), (5000, 15000), weight=2, place_kind="town"),
    MatterText("施工噪声扰民", "生态环境", False, "夜间进行产生噪声的建筑施工作业",
       "《中华人民共和国噪声污染防治法》第七十七条",
       ("反映{place}一处工地晚上十点以后还在施工，搅拌机声音很大，影响休息。",),
       ("建筑工程队", "建材经营部"), 0.3, ("责令改正，罚款{n}元",), (1000, 10000), weight=4),
    MatterText("乱倒生活垃圾", "城市管理", True, "在公共场所随意倾倒生活垃圾",
       "《河北省城乡市容和环境卫生条例》",
       ("反映{place}有人把生活垃圾倒在路边沟里，时间长了臭味很重。",),
       ("饭店", "超市"), 0.8, fine=(50, 500), weight=5),
    MatterText("公路用地堆放物料", "交通运输", False, "在公路用地范围内堆放物料",
       "《中华人民共和国公路法》第七十七条",
       ("反映{place}路边堆放大量玉米秸秆、砖块，晚上行车很危险。",),
       ("建材经营部", "砖厂"), 0.6, ("责令限期清除，罚款{n}元",), (500, 5000), weight=4,
       place_kind="road"),
    MatterText("私屠滥宰", "农业农村", False, "未经定点从事生猪屠宰活动",
       "《生猪屠宰管理条例》第三十一条",
       ("举报{place}有人在自家院里私自屠宰生猪往外卖肉，没有检疫。",),
       (), 1.0, ("没收生猪、生猪产品和违法所得，罚款{n}元",), (10000, 50000), weight=2),
    MatterText("违规使用农药", "农业农村", True, "违反标签规定使用农药",
       "《农药管理条例》第六十条",
       ("反映{place}有人在菜地里使用禁用农药，担心蔬菜农药残留超标。",),
       fine=(200, 2000), months=(4, 5, 6, 7, 8), weight=3, place_kind="field"),
    MatterText("运输车辆遗撒", "城市管理", True, "运输散装物料未采取密闭措施，造成沿途遗撒",
       "《河北省城乡市容和环境卫生条例》",
       ("反映{place}拉渣土的车辆没有苫盖，沿路遗撒，尘土飞扬。",),
       ("运输队", "物流有限公司"), 0.4, fine=(500, 5000), weight=4, place_kind="road"),
    MatterText("餐饮油烟污染", "城市管理", True, "未安装油烟净化设施，超标排放油烟",
       "《中华人民共和国大气污染防治法》第一百一十八条",
       ("反映{place}一家饭店油烟直排，周边住户窗户上全是油污。",),
       ("饭店", "烧烤店", "小吃部"), 0.0, fine=(5000, 20000), weight=3, place_kind="town"),
    MatterText("焚烧垃圾塑料", "生态环境", False,
       "在人口集中地区焚烧塑料、橡胶等产生有毒有害烟尘的物质",
       "《中华人民共和国大气污染防治法》第一百一十九条",
       ("反映{place}有人焚烧废旧轮胎、塑料，黑烟刺鼻。",),
       ("废品收购站",), 0.6, fine=(10000, 50000), weight=3),
    MatterText("滥伐林木", "自然资源", False, "未经许可采伐林木",
       "《中华人民共和国森林法》第七十六条",
       ("反映{place}附近的杨树被人砍了几十棵，不知道有没有采伐手续。",),
       ("木材加工厂",), 0.7, ("责令补种滥伐株数五倍的树木，罚款{n}元",), (3000, 30000), weight=2,
       place_kind="field"),
    MatterText("违规建坟", "民政", True, "在公墓以外的区域建造坟墓",
       "《殡葬管理条例》第二十条",
       ("反映{place}有人在耕地里新建坟墓，还用水泥砌了墓碑。",),
       penalty=("责令限期改正",), weight=2, place_kind="field"),
    MatterText("无照经营", "市场监督", False, "未依法取得营业执照从事经营活动",
       "《无证无照经营查处办法》第十三条",
       ("反映{place}一家门市长期无照经营。",),
       ("门市", "加工作坊"), 0.3, ("责令停止违法行为，罚款{n}元",), (1000, 10000), weight=3,
       place_kind="town"),
    MatterText("非法经营烟花爆竹", "应急管理", False, "未经许可经营烟花爆竹制品",
       "《烟花爆竹安全管理条例》第三十六条",
       ("举报{place}一家小卖部私自销售烟花爆竹，货就放在居民房里。",),
       ("小卖部", "超市"), 0.3, ("没收非法经营物品及违法所得，罚款{n}元",), (20000, 100000),
       (1, 2, 12), 3),
    MatterText("施工扬尘", "住房和城乡建设", True, "施工工地未采取有效防尘降尘措施",
       "《中华人民共和国大气污染防治法》第一百一十五条",
       ("反映{place}工地没有围挡，土方也不苫盖，刮风时尘土飞扬。",),
       ("建筑工程队",), 0.2, ("责令改正，罚款{n}元",), (10000, 100000), weight=4),
    MatterText("乱扔垃圾", "城市管理", True, "随意丢弃果皮、纸屑等废弃物",
       "《河北省城乡市容和环境卫生条例》",
       ("反映{place}有摊贩随手乱扔垃圾、果皮，环境脏乱。",),
       fine=(20, 200), weight=2, place_kind="town"),
    MatterText("街道堆放物料", "城市管理", True, "擅自在街道两侧堆放物料、搭建设施",
       "《河北省城乡市容和环境卫生条例》",
       ("反映{place}有人在路边堆放砖块、沙子，还搭了简易棚子。",),
       ("建材经营部",), 0.6, ("责令限期清除，罚款{n}元",), (200, 2000), weight=3),
    MatterText("河道内违法建设", "水利", False, "在河道管理范围内建设妨碍行洪的建筑物",
       "《中华人民共和国防洪法》第五十六条",
       ("反映{place}河滩上有人盖了几间房子，汛期存在隐患。",),
       fine=(10000, 50000), weight=2, place_kind="river"),
    MatterText("擅自取水", "水利", False, "未经批准擅自打井取水",
       "《中华人民共和国水法》第六十九条",
       ("举报{place}有企业私自打深水井取水，没有办理取水许可。",),
       ("饲料厂", "面粉厂", "养殖场"), 0.2, fine=(20000, 100000), weight=2),
    MatterText("损坏公路设施", "交通运输", True, "损坏公路附属设施",
       "《中华人民共和国公路法》第七十六条",
       ("反映{place}路边的护栏被货车撞坏了，一直没人修。",),
       ("物流有限公司", "运输队"), 0.6, fine=(500, 5000), weight=2, place_kind="road"),
    MatterText("公路控制区建房", "交通运输", False, "在公路建筑控制区内修建建筑物",
       "《中华人民共和国公路法》第八十一条",
       ("反映{place}路边有人正在盖门市房，离公路很近。",),
       ("建材经营部",), 0.7, ("责令限期拆除，罚款{n}元",), (5000, 50000), weight=2,
       place_kind="road"),
    MatterText("安全生产培训不到位", "应急管理", False, "未按规定对从业人员进行安全生产教育和培训",
       "《中华人民共和国安全生产法》第九十七条",
       ("反映{place}一家加工厂工人没有经过培训就上岗操作，存在安全隐患。",),
       ("塑料制品厂", "家具厂", "面粉厂"), 0.0, fine=(10000, 50000), weight=2),
)
# fmt: on

# Keywords that match a catalogue entry (行政处罚事项) to one of the matters above;
# the longest matching keyword wins.
MATTER_KEYS: dict[str, tuple[str, ...]] = {
    "占道经营": ("占道经营", "占用城市道路"),
    "露天焚烧秸秆": ("秸秆",),
    "违法建设": ("乡村建设规划", "非法占用土地建住宅"),
    "乱倒建筑垃圾": ("建筑垃圾",),
    "露天烧烤": ("烧烤",),
    "违规燃放烟花爆竹": ("燃放烟花爆竹",),
    "擅自采砂": ("范围内采砂", "采砂"),
    "畜禽养殖污染": ("畜禽",),
    "非法占用耕地": ("非法占用土地", "占用耕地"),
    "无证经营食品": ("食品生产经营许可", "食品经营许可"),
    "销售过期食品": ("保质期",),
    "私设户外广告": ("户外广告",),
    "乱贴乱画小广告": ("张贴宣传品", "涂写"),
    "超限超载运输": ("超限",),
    "无证行医": ("医疗机构执业",),
    "销售假劣农资": ("假劣农药", "假农药"),
    "违规储存危险化学品": ("危险化学品",),
    "堵塞消防通道": ("疏散通道", "消防车通道"),
    "非法取土": ("取土",),
    "河道乱堆乱放": ("阻碍行洪物体", "河道管理范围内弃置"),
    "网吧接纳未成年人": ("上网服务",),
    "施工噪声扰民": ("噪声",),
    "乱倒生活垃圾": ("生活垃圾", "倾倒垃圾"),
    "公路用地堆放物料": ("公路用地范围",),
    "私屠滥宰": ("屠宰",),
    "违规使用农药": ("使用农药",),
    "运输车辆遗撒": ("遗撒",),
    "餐饮油烟污染": ("油烟",),
    "焚烧垃圾塑料": ("焚烧沥青", "焚烧塑料"),
    "滥伐林木": ("滥伐",),
    "违规建坟": ("建造坟墓",),
    "无照经营": ("无照经营",),
    "非法经营烟花爆竹": ("经营烟花爆竹",),
    "施工扬尘": ("防尘降尘", "扬尘"),
    "乱扔垃圾": ("随地吐痰", "乱扔"),
    "街道堆放物料": ("街道两侧和公共场地堆放",),
    "河道内违法建设": ("河道管理范围内建设",),
    "擅自取水": ("擅自取水",),
    "损坏公路设施": ("公路附属设施",),
    "公路控制区建房": ("公路建筑控制区",),
    "安全生产培训不到位": ("安全生产教育",),
}


def match_matter(catalogue_name: str) -> MatterText | None:
    """The matter a catalogue entry describes, by the longest keyword it contains."""
    best: tuple[int, MatterText] | None = None
    for text in MATTERS:
        for key in MATTER_KEYS.get(text.name, ()):
            if key in catalogue_name and (best is None or len(key) > best[0]):
                best = (len(key), text)
    return best[1] if best else None


def short_matter_name(catalogue_name: str) -> str:
    """对……的处罚 → ……, cut to a length that fits a title."""
    name = catalogue_name.strip()
    name = name.removeprefix("对")
    for tail in ("的行政处罚", "的处罚"):
        name = name.removesuffix(tail)
    return name if len(name) <= 14 else name[:13] + "等"


GENERIC_COMPLAINTS = (
    "群众反映{place}有人涉嫌{name}，请求执法部门调查处理。",
    "来电反映{place}存在{name}问题，已持续多日，影响周边群众生活。",
)

# --- crimes (行刑衔接) ----------------------------------------------------------

CRIMES: tuple[tuple[str, str, str, int, int], ...] = (
    # (matter name, reason with {party} {place} {n}, title suffix, n range)
    (
        "违法建设",
        "经测绘，{party}在{place}未经批准占用永久基本农田约{n}亩建设厂房，数量较大，"
        "造成耕地大量毁坏，涉嫌非法占用农用地罪（《中华人民共和国刑法》第三百四十二条）。",
        "涉嫌非法占用农用地案",
        6,
        30,
    ),
    (
        "乱倒建筑垃圾",
        "{party}在{place}倾倒含重金属的工业废渣约{n}吨，经检测超标，"
        "涉嫌污染环境罪（《中华人民共和国刑法》第三百三十八条）。",
        "涉嫌污染环境案",
        20,
        200,
    ),
    (
        "露天焚烧秸秆",
        "{party}在{place}焚烧秸秆引发火灾，烧毁邻近林木{n}余株及农机具一台，"
        "涉嫌失火罪（《中华人民共和国刑法》第一百一十五条）。",
        "涉嫌失火案",
        50,
        300,
    ),
    (
        "违规燃放烟花爆竹",
        "{party}在{place}租用民房非法储存烟花爆竹{n}箱，"
        "涉嫌非法储存爆炸物罪（《中华人民共和国刑法》第一百二十五条）。",
        "涉嫌非法储存爆炸物案",
        60,
        500,
    ),
    (
        "占道经营",
        "执法过程中{party}以暴力方法阻碍执法人员依法执行职务，致执法队员{n}人受伤，"
        "涉嫌妨害公务罪（《中华人民共和国刑法》第二百七十七条）。",
        "涉嫌妨害公务案",
        1,
        3,
    ),
)

# --- other ledgers ------------------------------------------------------------

REFERRAL_LATE_REASONS = (
    "当事人拒不配合，身份信息核实耗时较长",
    "需补充现场勘验材料和照片",
    "承办人员外出参加培训，材料审核延后",
    "移送材料需经负责人审核，审核时间延后",
)
RETURN_REASONS = (
    ("经审查，该事项已划转乡镇，不属本局管辖，予以退回", True),
    ("移送材料不全，缺少现场检查记录和证据材料，请补充后重新移送", False),
    ("当事人及违法地点信息不明确，无法开展调查，请补正", False),
    ("该行为不属于本局职责范围，请移送有管辖权的部门", True),
)
SHARE_LATE_REASONS = (
    "需汇总各村报送数据，整理后共享",
    "数据量较大，收集整理需要时间",
    "需与县级部门核对统计口径后共享",
    "信息形成于节假日前，收集、整理后共享",
)
LAWS = (
    "中华人民共和国行政处罚法",
    "河北省城乡市容和环境卫生条例",
    "中华人民共和国噪声污染防治法",
    "河北省大气污染防治条例",
    "中华人民共和国土地管理法实施条例",
    "河北省河湖保护和治理条例",
    "中华人民共和国食品安全法实施条例",
)
REPLY_METHODS = ("电话答复", "当面答复", "书面答复", "短信告知")

URGENT_HAZARDS: tuple[tuple[str, str], ...] = (
    ("消防", "{place}一废品收购站院内大量堆放废旧塑料等易燃物，私拉乱接电线，存在重大火灾隐患"),
    ("应急管理", "{place}一加工作坊违规存放油漆、稀料等危险化学品，且无任何防护措施"),
    ("交通运输", "{place}路面塌陷约{n}平方米，夜间无警示标志，极易引发交通事故"),
    ("住房和城乡建设", "{place}一处老旧民房墙体出现明显裂缝，有坍塌危险，仍有人居住"),
    ("住房和城乡建设", "{place}一饭店液化气罐存放不规范，现场有明显燃气泄漏气味"),
    ("水利", "滹沱河{village}段堤防出现渗水，汛期存在溃堤风险"),
    ("市场监督", "{place}一小作坊生产的熟食疑似使用病死畜禽肉，已有村民购买"),
    ("生态环境", "{place}坑塘出现大量死鱼，疑似有企业偷排废水"),
    ("农业农村", "{place}发现病死猪被丢弃在沟渠内，存在疫病传播风险"),
    ("公安", "{place}因宅基地纠纷双方聚集二十余人，情绪激动，有发生肢体冲突的苗头"),
)

JOINT_THEMES: tuple[tuple[str, str, str], ...] = (
    # (title, dept keyword, targets)
    ("集贸市场周边占道经营联合整治", "城市管理", "赵八镇集贸市场周边商户及流动摊贩"),
    ("秸秆禁烧联合巡查", "生态环境", "全镇各村农田、林带及道路两侧"),
    ("滹沱河河道采砂联合执法检查", "水利", "滹沱河赵八段沿线砂石料场及运输车辆"),
    ("校园周边食品安全联合检查", "市场监督", "赵八中学、各村小学周边食品经营店"),
    ("春节前烟花爆竹安全联合检查", "应急管理", "辖区烟花爆竹零售点及仓储场所"),
    ("安全生产大排查联合行动", "应急管理", "辖区小作坊、加工厂及危化品使用单位"),
    ("畜禽养殖污染联合检查", "生态环境", "辖区规模养殖场及养殖专业户"),
    ("超限超载车辆联合治理", "交通运输", "深安线赵八段过往货运车辆"),
    ("农资市场春季联合检查", "农业农村", "辖区农资门市及种子经销部"),
    ("违法占地和违法建设联合巡查", "自然资源", "全镇各村新增建设用地"),
)

ASSISTANCE_SUBJECTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # kind -> (dept keyword, subject with {party}/{place}, questions)
    "technical": (
        (
            "自然资源",
            "商请对{party}占地面积及地类进行认定",
            "1.实际占地面积；2.所占土地是否为耕地或永久基本农田；3.是否办理用地审批手续。",
        ),
        (
            "生态环境",
            "商请对{place}坑塘水质进行检测并出具认定意见",
            "1.水体是否受到污染；2.污染物是否来源于{party}排放的养殖废水。",
        ),
        (
            "住房和城乡建设",
            "商请对{place}违法建筑结构安全出具鉴定意见",
            "1.建筑结构是否安全；2.拆除作业应注意的安全事项。",
        ),
        (
            "农业农村",
            "商请对{party}销售的农药进行质量鉴定",
            "1.送检农药有效成分含量是否合格；2.是否属于假农药或劣质农药。",
        ),
        (
            "市场监督",
            "商请对{party}销售的食品进行抽样检验",
            "1.送检样品是否超过保质期；2.是否符合食品安全标准。",
        ),
        (
            "水利",
            "商请对{place}是否位于河道管理范围进行认定",
            "1.该地块是否位于河道管理范围内；2.采砂行为对河势稳定的影响。",
        ),
    ),
    "archive": (
        (
            "自然资源",
            "商请查阅、复制{party}宅基地审批档案",
            "请提供{party}宅基地审批表及附图复印件。",
        ),
        ("市场监督", "商请查阅{party}营业执照登记档案", "请提供{party}登记注册档案复印件。"),
        ("行政审批", "商请查阅{party}相关许可档案", "请提供{party}许可申请材料及审批意见复印件。"),
        (
            "住房和城乡建设",
            "商请复制{place}建设工程相关档案",
            "请提供该工程规划、施工许可档案复印件。",
        ),
    ),
    "on_site": (
        (
            "生态环境",
            "商请派员对{place}偷排废水现场处置",
            "情况紧急，证据可能灭失，请立即派员现场取样。",
        ),
        ("应急管理", "商请派员对{place}危险化学品现场处置", "请立即派员现场处置，消除安全隐患。"),
        (
            "市场监督",
            "商请派员对{party}涉嫌问题食品现场封存",
            "请立即派员现场抽样、封存涉嫌问题食品。",
        ),
    ),
}


# --- generators ---------------------------------------------------------------


def surname(rng: random.Random) -> str:
    return rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]


def person_name(rng: random.Random, male: bool | None = None) -> tuple[str, bool]:
    if male is None:
        male = rng.random() < 0.55
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return surname(rng) + given, male


def id_number(rng: random.Random, male: bool, today: date) -> str:
    """A GB 11643 公民身份号码 with a correct check character."""
    region = REGION if rng.random() < 0.85 else rng.choice(NEIGHBOUR_REGIONS)
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 52))
    if (today - born).days < 18 * 365:
        born = born.replace(year=born.year - 20)
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(rng: random.Random, kind: str) -> str:
    """A GB 32100 统一社会信用代码 (工商, 深泽县) with a correct check character."""
    category = "1" if kind.endswith(("厂", "公司")) else "3" if kind.endswith("社") else "2"
    body8 = "MA0" + "".join(rng.choice(_CODE_CHARS) for _ in range(5))
    first17 = f"9{category}{REGION}{body8}{org_code_check_char(body8)}"
    return first17 + uscc_check_char(first17)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def village_place(rng: random.Random) -> tuple[str, str]:
    village = rng.choice(VILLAGES)
    return village, village + rng.choice(VILLAGE_SPOTS)


def place_for(rng: random.Random, kind: str) -> tuple[str, str]:
    """(village, place) for a matter's kind of place."""
    village = rng.choice(VILLAGES)
    if kind == "town":
        return village, rng.choice(TOWN_PLACES) if rng.random() < 0.7 else village + "村内主街"
    if kind == "road":
        return village, rng.choice(ROADS)
    if kind == "river":
        return village, f"滹沱河{village}段"
    if kind == "field":
        return village, village + rng.choice(FIELD_SPOTS)
    return village, village + rng.choice(VILLAGE_SPOTS)


def home_address(rng: random.Random, village: str | None = None) -> str:
    village = village or rng.choice(VILLAGES)
    return f"河北省深泽县赵八镇{village}{rng.choice(STREETS)}{rng.randrange(1, 120)}号"


def business_name(rng: random.Random, kind: str, owner: str) -> str:
    word = rng.choice(SHOP_WORDS)
    if kind.endswith("有限公司"):
        return f"深泽县{word}{kind}"
    r = rng.random()
    if r < 0.55:
        return f"深泽县赵八镇{word}{kind}"
    if r < 0.8:
        return f"深泽县赵八镇{owner}{kind}"
    return f"{word}{kind}"


def doing(party: str, place: str, act: str) -> str:
    """张三在某村东农田露天焚烧秸秆 (an act that starts with 在 takes the place inside it)."""
    if act.startswith("在"):
        return f"{party}在{place}{act[1:]}"
    return f"{party}在{place}{act}"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def quarter_name(d: date) -> str:
    return f"{d.year}年第{'一二三四'[(d.month - 1) // 3]}季度"


PARTY_KEYS = (
    "party_kind",
    "party_name",
    "party_id_number",
    "party_credit_code",
    "party_address",
    "party_phone",
)

# category code -> (shared by the township?, title, summary); {y} {m} {q} {dept} {law} {n} {matter}
INFO_TEMPLATES: dict[str, tuple[tuple[bool, str, str], ...]] = {
    "law_change": (
        (
            False,
            "关于《{law}》修订施行的通知",
            "{dept}转发《{law}》修订内容，涉及乡镇行政处罚事项设定依据调整。",
        ),
        (False, "《{law}》修改条款对照表", "{dept}整理修改前后条款对照，供执法人员学习适用。"),
    ),
    "licensing": (
        (
            False,
            "{y}年{m}月涉及赵八镇的行政许可信息",
            "{dept}通报本月涉及赵八镇辖区的许可办理情况，共{n}件。",
        ),
        (
            False,
            "赵八镇辖区{matter}相关监管信息",
            "{dept}提供辖区{matter}相关日常监管名单及检查结果。",
        ),
    ),
    "penalty_decision": (
        (
            True,
            "赵八镇{y}年{m}月行政处罚决定及执行情况",
            "本月作出行政处罚决定{n}件，均已执行到位。",
        ),
        (
            True,
            "{matter}案件处罚决定执行情况反馈",
            "按{dept}需要反馈{matter}类案件处罚决定及执行情况。",
        ),
    ),
    "statistics": (
        (
            True,
            "赵八镇{q}综合行政执法统计数据",
            "本季度受理投诉举报、移送案件、立案查处等数据汇总。",
        ),
        (True, "{dept}要求报送的{y}年{m}月执法数据", "按{dept}行业统计需要报送相关执法数据{n}项。"),
    ),
    "discretion": (
        (
            True,
            "赵八镇行政处罚自由裁量基准（{y}年修订）",
            "根据上级规定修订{matter}等事项的裁量基准。",
        ),
        (
            False,
            "{matter}执法工作流程（修订稿）",
            "{dept}印发{matter}事项执法工作流程，供乡镇参照执行。",
        ),
    ),
    "dynamic": (
        (
            True,
            "赵八镇综合行政执法工作简报（第{n}期）",
            "通报近期巡查检查、案件办理和专项整治开展情况。",
        ),
        (
            False,
            "{dept}{y}年{m}月行政检查记录（涉及赵八镇）",
            "{dept}本月在赵八镇辖区开展行政检查{n}次的记录。",
        ),
    ),
    "complaint_handling": (
        (
            True,
            "赵八镇{y}年{m}月投诉举报受理与处理情况",
            "本月受理投诉举报{n}件，已办结情况及群众满意度。",
        ),
        (
            True,
            "12345热线转办件办理情况（{y}年{m}月）",
            "12345热线转办件受理、核实、答复情况汇总。",
        ),
    ),
    "other": (
        (
            False,
            "关于开展{matter}专项整治的工作方案",
            "{dept}印发专项整治工作方案，明确乡镇配合事项。",
        ),
        (True, "赵八镇综合行政执法联络人及联系方式更新", "更新执法队联络人、值班电话等信息。"),
    ),
}
INFO_CATEGORY_WEIGHTS = (
    ("law_change", 8),
    ("licensing", 10),
    ("penalty_decision", 20),
    ("statistics", 10),
    ("discretion", 5),
    ("dynamic", 25),
    ("complaint_handling", 15),
    ("other", 7),
)

# (text, owned by the township's team?, for township matters? None = any matter)
ACTION_TEMPLATES: tuple[tuple[str, bool, bool | None], ...] = (
    ("{dept}牵头，对{place}{matter}问题开展集中整治，并报送整治情况", False, False),
    ("综合行政执法队逐件跟踪{matter}类已移送案件办理情况，督促反馈处理结果", True, False),
    ("综合行政执法队对{place}{matter}问题开展集中整治，并报送整治情况", True, True),
    ("综合行政执法队组织各村加强{matter}问题日常巡查，发现问题及时报告", True, True),
    ("{dept}提供{matter}相关行政许可和监管信息，当日共享", False, None),
    ("{dept}会同综合行政执法队制定{matter}联合执法方案", False, None),
)

ASSISTANCE_OPINIONS: dict[str, tuple[str, ...]] = {
    "technical": (
        "认定结论明确，可作为实施行政处罚的证据。",
        "经检测，相关指标超过标准限值。",
        "经实地勘测，所涉土地为一般耕地，面积与移送材料基本一致。",
    ),
    "archive": ("已提供相关档案复印件，并加盖档案证明章。", "已安排专人协助查阅，复印材料已移交。"),
    "on_site": ("执法人员已到场完成取样、封存，并出具书面意见。", "已现场处置完毕，隐患已消除。"),
}
ASSISTANCE_EVIDENCE: dict[str, tuple[str, ...]] = {
    "technical": ("认定意见书1份、检测报告1份", "勘测报告1份、测绘图1张", "鉴定意见书1份"),
    "archive": ("档案复印件12页", "登记档案复印件8页", "审批表及附图复印件5页"),
    "on_site": ("现场处置记录1份、取样记录1份", "封存清单1份、现场照片10张"),
}
