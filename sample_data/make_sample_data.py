"""Generate the sample submission workbooks used by gpscli's demo and tests.

What it produces
----------------
Twelve ``.xlsx`` files, written next to this script, that look like the
spreadsheets a prefecture finance bureau (州财政局) receives when it asks its
counties, cities, development zones and own departments to list their
government-purchase-of-services (政府购买服务) projects:

* ``州本级-文化传媒部门.xlsx`` and ``州本级-其他部门.xlsx`` (the prefecture's
  own departments, split over two department submissions),
* ``国家农业科技园区.xlsx``, ``准东经济技术开发区.xlsx``,
  ``昌吉高新技术产业开发区.xlsx`` (the three zones),
* one file per county/city: ``昌吉市.xlsx``, ``阜康市.xlsx``, ``呼图壁县.xlsx``,
  ``玛纳斯县.xlsx``, ``奇台县.xlsx``, ``吉木萨尔县.xlsx``,
  ``木垒哈萨克自治县.xlsx``.

Every workbook has a single sheet ``项目明细``: a title in row 1, a
``填报单位:...    单位:万元`` line in row 2, the 11-column header in row 3
(序号, 地区, 购买主体, 项目名称, 一级目录, 二级目录, 金额(万元), 购买方式,
承接主体, 年度, 备注) and one project per row from row 4, with both 2016
(actual) and 2017 (planned) projects in the 年度 column.  There is no 合计 row.

Where the figures come from
---------------------------
The totals reproduce section 二 of the 2017 progress report of the finance
bureau of 昌吉回族自治州 (Changji Hui Autonomous Prefecture) on government
purchase of services: 55 projects / 16252.68 万元 in 2016 and 68 projects /
19439.72 万元 planned for 2017, with the same split by level-1 category and,
for 2016, the same per-jurisdiction amounts (州本级 2978.88 including the four
named projects 470.6 / 1100 / 50 / 460, 国家农业科技园区 2090 = 462 + 1628,
准东 530 = 270 + 110 + 150, 高新区 1461 = 1315 + 146, the seven counties and
cities 9192.8).  Only the figures are taken from the report.  The individual
project rows, purchasing units, contractors and notes are invented, and how
the totals are split across rows is made up to look realistic.

Determinism
-----------
Nothing is random.  All figures are hard-coded and checked with
``decimal.Decimal`` before anything is written; if a check fails the script
stops with an AssertionError and writes nothing.  File timestamps inside the
xlsx zip containers are pinned as well, so running the script twice gives
byte-identical files.

Usage::

    .venv/bin/python sample_data/make_sample_data.py
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

OUT_DIR = Path(__file__).resolve().parent

HEADER = [
    "序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录",
    "金额(万元)", "购买方式", "承接主体", "年度", "备注",
]

JURISDICTIONS = [
    "州本级", "国家农业科技园区", "准东经济技术开发区", "昌吉高新技术产业开发区",
    "昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县",
    "木垒哈萨克自治县",
]
COUNTIES = JURISDICTIONS[4:]

CATALOG = {
    "基本公共服务": [
        "公共教育", "劳动就业", "社会保险", "社会救助", "养老服务", "医疗卫生",
        "公共文化", "公共体育", "公共安全", "公共交通运输", "三农服务",
        "环境治理", "城市维护",
    ],
    "社会管理性服务": [
        "社区建设", "社会工作服务", "法律援助", "人民调解", "社区矫正",
        "安置帮教", "公共公益宣传",
    ],
    "行业管理与协调性服务": ["行业规范", "行业投诉"],
    "技术性服务": [
        "科研和技术推广", "行业规划", "检验检疫检测", "监测服务", "会计审计服务",
    ],
    "政府履职所需辅助性事项": [
        "法律服务", "课题研究", "监督检查", "评估", "绩效评价", "工程服务",
        "项目评审", "后勤管理",
    ],
    "其他适合由社会力量承担的服务事项": [],
}

# Short codes used in the tables below -> canonical level-1 names.
CAT = {
    "J": "基本公共服务",
    "S": "社会管理性服务",
    "H": "行业管理与协调性服务",
    "T": "技术性服务",
    "F": "政府履职所需辅助性事项",
    "Q": "其他适合由社会力量承担的服务事项",
}

METHODS = ["公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源采购", "委托", "其他"]

# ---------------------------------------------------------------------------
# Project rows.  Each entry:
#   (年度, 购买主体, 项目名称, 类别代码, 二级目录, 金额(万元, str), 购买方式, 承接主体, 备注)
# Amounts are strings so that they are exact Decimals.
# ---------------------------------------------------------------------------

# file name (without .xlsx) -> (地区, 填报单位, 标题后缀, rows)
FILES: dict[str, tuple[str, str, str, list[tuple]]] = {}

FILES["州本级-文化传媒部门"] = ("州本级", "州财政局", "(文化传媒部门)", [
    (2016, "昌吉州艺术剧院", "剧院演职人员劳务服务", "J", "公共文化", "470.6", "委托",
     "昌吉州天山人力资源服务有限公司", "按核定员额控制数测算"),
    (2016, "昌吉州传媒大厦管理中心", "传媒大厦后勤保障服务", "J", "公共文化", "1100", "委托",
     "昌吉州鑫源劳务服务有限公司", "后勤服务整体委托"),
    (2016, "昌吉州文化馆", "基层公益文艺演出进社区", "J", "公共文化", "196.28", "竞争性磋商",
     "昌吉市百艺文化传播有限公司", ""),
    (2017, "昌吉州艺术剧院", "剧院演职人员劳务服务", "J", "公共文化", "498.6", "委托",
     "昌吉州天山人力资源服务有限公司", "续签"),
    (2017, "昌吉州传媒大厦管理中心", "传媒大厦后勤保障服务", "J", "公共文化", "1100", "委托",
     "昌吉州鑫源劳务服务有限公司", "续签"),
    (2017, "昌吉州文化馆", "基层公益文艺演出进社区", "J", "公共文化", "210", "竞争性磋商",
     "昌吉市百艺文化传播有限公司", ""),
    (2017, "昌吉州广播电视台", "公益广告策划制作及播出", "S", "公共公益宣传", "186", "竞争性谈判",
     "新疆庭州影视传媒有限公司", ""),
])

FILES["州本级-其他部门"] = ("州本级", "州财政局", "(其他部门)", [
    (2016, "昌吉州矿山救护队", "矿山救护辅助人员劳务", "J", "公共安全", "50", "委托",
     "昌吉州安泰劳务派遣有限公司", ""),
    (2016, "昌吉州环境保护局", "节能减排现场核查劳务服务", "J", "环境治理", "460", "公开招标",
     "新疆绿洲环保科技服务有限公司", ""),
    (2016, "昌吉州民政局", "城区居家养老上门服务", "J", "养老服务", "320", "公开招标",
     "昌吉州康乐居家养老服务中心", "按服务人次结算"),
    (2016, "昌吉州体育局", "全民健身系列赛事承办", "J", "公共体育", "224", "竞争性磋商",
     "昌吉州全民健身促进会", ""),
    (2016, "昌吉州食品药品监督管理局", "食品药品监督抽样检验", "T", "检验检疫检测", "158", "公开招标",
     "新疆正衡检测技术有限公司", ""),
    (2017, "昌吉州矿山救护队", "矿山救护辅助人员劳务", "J", "公共安全", "50", "委托",
     "昌吉州安泰劳务派遣有限公司", ""),
    (2017, "昌吉州环境保护局", "节能减排现场核查劳务服务", "J", "环境治理", "460", "公开招标",
     "新疆绿洲环保科技服务有限公司", ""),
    (2017, "昌吉州民政局", "城区居家养老上门服务", "J", "养老服务", "250", "公开招标",
     "昌吉州康乐居家养老服务中心", "按服务人次结算"),
    (2017, "昌吉州体育局", "全民健身系列赛事承办", "J", "公共体育", "180", "竞争性磋商",
     "昌吉州全民健身促进会", ""),
    (2017, "昌吉州人力资源和社会保障局", "城乡劳动者职业技能培训", "J", "劳动就业", "145.5", "公开招标",
     "昌吉州华信职业技能培训学校", ""),
    (2017, "昌吉州司法局", "专职人民调解员聘用服务", "S", "人民调解", "420", "委托",
     "昌吉州人民调解协会", "新增"),
    (2017, "昌吉州司法局", "刑释人员过渡期安置帮教服务", "S", "安置帮教", "260", "委托",
     "昌吉州阳光帮教服务中心", "新增"),
    (2017, "昌吉州食品药品监督管理局", "食品药品监督抽样检验", "T", "检验检疫检测", "38", "公开招标",
     "新疆正衡检测技术有限公司", ""),
])

FILES["国家农业科技园区"] = ("国家农业科技园区", "国家农业科技园区财政局", "", [
    (2016, "国家农业科技园区规划建设局", "园区城区园林绿化养护", "J", "城市维护", "150", "委托",
     "昌吉市绿苑园林工程有限公司", "市政维护"),
    (2016, "国家农业科技园区规划建设局", "园区城区市容环境卫生保洁", "J", "环境治理", "132", "委托",
     "昌吉市洁美环卫服务有限公司", "市政维护"),
    (2016, "国家农业科技园区规划建设局", "园区供排水管网运行维护", "J", "城市维护", "110", "委托",
     "昌吉市清源水务工程有限公司", "市政维护"),
    (2016, "国家农业科技园区规划建设局", "路灯及交通信号灯维护", "J", "城市维护", "70", "委托",
     "昌吉市光明电力安装有限公司", "市政维护"),
    (2016, "国家农业科技园区农业博览园管理中心", "农博园物业管理服务", "J", "城市维护", "620", "公开招标",
     "新疆嘉和物业服务有限公司", "旅游服务"),
    (2016, "国家农业科技园区农业博览园管理中心", "农博园景区园林绿化管护", "J", "城市维护", "190", "公开招标",
     "新疆嘉和物业服务有限公司", "旅游服务"),
    (2016, "国家农业科技园区农业博览园管理中心", "农博园锅炉房运行管理(含燃煤)", "J", "城市维护", "380", "竞争性谈判",
     "昌吉市暖源供热服务有限公司", "旅游服务"),
    (2016, "国家农业科技园区农业博览园管理中心", "智能温室运行维护", "J", "三农服务", "438", "竞争性磋商",
     "新疆丰禾设施农业科技有限公司", "旅游服务"),
    (2017, "国家农业科技园区规划建设局", "园区城区园林绿化养护", "J", "城市维护", "160", "委托",
     "昌吉市绿苑园林工程有限公司", ""),
    (2017, "国家农业科技园区规划建设局", "园区城区市容环境卫生保洁", "J", "环境治理", "140", "委托",
     "昌吉市洁美环卫服务有限公司", ""),
    (2017, "国家农业科技园区规划建设局", "园区供排水管网运行维护", "J", "城市维护", "120", "委托",
     "昌吉市清源水务工程有限公司", ""),
    (2017, "国家农业科技园区规划建设局", "路灯及交通信号灯维护", "J", "城市维护", "72", "委托",
     "昌吉市光明电力安装有限公司", ""),
    (2017, "国家农业科技园区农业博览园管理中心", "农博园物业管理服务", "J", "城市维护", "420", "公开招标",
     "新疆嘉和物业服务有限公司", "温室维护并入"),
    (2017, "国家农业科技园区科技发展局", "设施农业新技术示范推广", "T", "科研和技术推广", "24", "竞争性磋商",
     "新疆丰禾设施农业科技有限公司", ""),
])

FILES["准东经济技术开发区"] = ("准东经济技术开发区", "准东经济技术开发区财政局", "", [
    (2016, "准东经济技术开发区党政办公室", "公务用车社会化保障服务", "F", "后勤管理", "270", "公开招标",
     "新疆准东通达汽车服务有限公司", ""),
    (2016, "准东经济技术开发区安全生产监督管理局", "企业安全生产监管辅助服务", "J", "公共安全", "110", "竞争性磋商",
     "新疆安信安全技术咨询有限公司", ""),
    (2016, "准东经济技术开发区规划建设局", "建筑施工安全生产第三方巡查", "T", "检验检疫检测", "150", "公开招标",
     "新疆建科工程质量检测有限公司", ""),
    (2017, "准东经济技术开发区党政办公室", "公务用车社会化保障服务", "F", "后勤管理", "154", "公开招标",
     "新疆准东通达汽车服务有限公司", "车辆数减少"),
    (2017, "准东经济技术开发区安全生产监督管理局", "企业安全生产监管辅助服务", "J", "公共安全", "125", "竞争性磋商",
     "新疆安信安全技术咨询有限公司", ""),
    (2017, "准东经济技术开发区经济发展局", "煤电煤化工企业安全生产标准化辅导", "H", "行业规范", "786", "公开招标",
     "新疆中衡安全评价有限公司", ""),
    (2017, "准东经济技术开发区环境保护局", "园区大气环境质量监测", "T", "监测服务", "48.5", "竞争性磋商",
     "新疆天瑞环境检测有限公司", ""),
])

FILES["昌吉高新技术产业开发区"] = ("昌吉高新技术产业开发区", "昌吉高新技术产业开发区财政局", "", [
    (2016, "昌吉高新技术产业开发区建设局", "园区道路及公园绿化养护", "J", "城市维护", "380", "公开招标",
     "昌吉市绿苑园林工程有限公司", ""),
    (2016, "昌吉高新技术产业开发区建设局", "园区环境卫生清扫保洁", "J", "环境治理", "420", "公开招标",
     "新疆净界环境服务有限公司", ""),
    (2016, "昌吉高新技术产业开发区建设局", "供水管网运行维护", "J", "城市维护", "165", "竞争性谈判",
     "昌吉市清源水务工程有限公司", ""),
    (2016, "昌吉高新技术产业开发区综合执法局", "行政执法辅助人员服务", "J", "公共安全", "150", "委托",
     "昌吉州天山人力资源服务有限公司", ""),
    (2016, "昌吉高新技术产业开发区建设局", "公租房小区物业管理服务", "J", "城市维护", "200", "公开招标",
     "新疆嘉和物业服务有限公司", ""),
    (2016, "昌吉高新技术产业开发区安全生产监督管理局", "企业安全隐患排查技术服务", "T", "检验检疫检测", "86", "竞争性磋商",
     "新疆安信安全技术咨询有限公司", ""),
    (2016, "昌吉高新技术产业开发区建设局", "建筑施工安全监管技术服务", "T", "监测服务", "60", "竞争性磋商",
     "新疆建科工程质量检测有限公司", ""),
    (2017, "昌吉高新技术产业开发区建设局", "园区道路及公园绿化养护", "J", "城市维护", "300", "公开招标",
     "昌吉市绿苑园林工程有限公司", ""),
    (2017, "昌吉高新技术产业开发区建设局", "园区环境卫生清扫保洁", "J", "环境治理", "300", "公开招标",
     "新疆净界环境服务有限公司", ""),
    (2017, "昌吉高新技术产业开发区建设局", "供水管网运行维护", "J", "城市维护", "160", "竞争性谈判",
     "昌吉市清源水务工程有限公司", ""),
    (2017, "昌吉高新技术产业开发区建设局", "公租房小区物业管理服务", "J", "城市维护", "230", "公开招标",
     "新疆嘉和物业服务有限公司", ""),
    (2017, "昌吉高新技术产业开发区社会事务局", "社区网格化综合服务", "S", "社区建设", "928", "公开招标",
     "昌吉市邻里社区服务中心", "新增"),
    (2017, "昌吉高新技术产业开发区安全生产监督管理局", "企业安全隐患排查技术服务", "T", "检验检疫检测", "56", "竞争性磋商",
     "新疆安信安全技术咨询有限公司", ""),
])

FILES["昌吉市"] = ("昌吉市", "昌吉市财政局", "", [
    (2016, "昌吉市环境卫生管理局", "城区道路清扫保洁", "J", "环境治理", "1200", "公开招标",
     "昌吉市洁美环卫服务有限公司", "分两个标段"),
    (2016, "昌吉市园林管理局", "城区公园及道路绿地养护", "J", "城市维护", "860", "公开招标",
     "昌吉市绿苑园林工程有限公司", ""),
    (2016, "昌吉市市政管理局", "城市亮化及路灯设施维护", "J", "城市维护", "420", "公开招标",
     "昌吉市光明电力安装有限公司", ""),
    (2016, "昌吉市审计局", "政府投资项目委托审计", "T", "会计审计服务", "245", "公开招标",
     "新疆天和会计师事务所有限公司", ""),
    (2016, "昌吉市财政局", "财政投资项目预算评审", "F", "项目评审", "250", "公开招标",
     "新疆宏泰工程造价咨询有限公司", ""),
    (2016, "昌吉市教育局", "普惠性民办幼儿园学位购买", "J", "公共教育", "316.5", "委托",
     "昌吉市启智幼儿园", ""),
    (2017, "昌吉市环境卫生管理局", "城区道路清扫保洁", "J", "环境治理", "820", "公开招标",
     "昌吉市洁美环卫服务有限公司", ""),
    (2017, "昌吉市园林管理局", "城区公园及道路绿地养护", "J", "城市维护", "560", "公开招标",
     "昌吉市绿苑园林工程有限公司", ""),
    (2017, "昌吉市市政管理局", "城市亮化及路灯设施维护", "J", "城市维护", "300", "公开招标",
     "昌吉市光明电力安装有限公司", ""),
    (2017, "昌吉市教育局", "普惠性民办幼儿园学位购买", "J", "公共教育", "340", "委托",
     "昌吉市启智幼儿园", ""),
    (2017, "昌吉市民政局", "社区居家养老服务站运营", "J", "养老服务", "260", "竞争性磋商",
     "昌吉市夕阳红养老服务中心", ""),
    (2017, "昌吉市交通运输局", "城市公交线路运营服务", "J", "公共交通运输", "180", "单一来源采购",
     "昌吉市公共交通有限责任公司", ""),
    (2017, "昌吉市民政局", "城市社区综合服务", "S", "社区建设", "1480", "公开招标",
     "昌吉市邻里社区服务中心", "新增"),
    (2017, "昌吉市司法局", "社区矫正辅助服务", "S", "社区矫正", "210", "委托",
     "昌吉市正心社会工作服务中心", "新增"),
    (2017, "昌吉市财政局", "重点项目支出绩效评价", "F", "绩效评价", "120", "竞争性磋商",
     "新疆天和会计师事务所有限公司", ""),
])

FILES["阜康市"] = ("阜康市", "阜康市财政局", "", [
    (2016, "阜康市环境卫生管理所", "城区环境卫生清扫保洁", "J", "环境治理", "620", "公开招标",
     "阜康市天池环卫服务有限公司", ""),
    (2016, "阜康市园林管理所", "城区园林绿化养护", "J", "城市维护", "480", "公开招标",
     "阜康市博峰园林绿化有限公司", ""),
    (2016, "阜康市水利局", "城区河道日常管护", "J", "环境治理", "165", "竞争性谈判",
     "阜康市清泉水利工程有限公司", ""),
    (2016, "阜康市审计局", "政府投资项目委托审计", "T", "会计审计服务", "165", "公开招标",
     "新疆正信会计师事务所有限公司", ""),
    (2017, "阜康市环境卫生管理所", "城区环境卫生清扫保洁", "J", "环境治理", "480", "公开招标",
     "阜康市天池环卫服务有限公司", ""),
    (2017, "阜康市园林管理所", "城区园林绿化养护", "J", "城市维护", "330", "公开招标",
     "阜康市博峰园林绿化有限公司", ""),
    (2017, "阜康市水利局", "城区河道日常管护", "J", "环境治理", "170", "竞争性谈判",
     "阜康市清泉水利工程有限公司", ""),
    (2017, "阜康市环境卫生管理所", "城区公共厕所保洁管理", "J", "环境治理", "96", "询价",
     "阜康市天池环卫服务有限公司", ""),
    (2017, "阜康市民政局", "农村互助幸福院运营服务", "J", "养老服务", "140", "竞争性磋商",
     "阜康市康宁养老服务中心", ""),
    (2017, "阜康市民政局", "社区便民服务", "S", "社区建设", "620", "公开招标",
     "阜康市和睦社区服务中心", "新增"),
])

FILES["呼图壁县"] = ("呼图壁县", "呼图壁县财政局", "", [
    (2016, "呼图壁县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "520", "公开招标",
     "呼图壁县洁源环卫服务有限公司", ""),
    (2016, "呼图壁县林业局", "县城绿化带养护", "J", "城市维护", "310", "公开招标",
     "呼图壁县康绿园林有限公司", ""),
    (2016, "呼图壁县教育局", "农村学生校车接送服务", "J", "公共教育", "235.3", "公开招标",
     "呼图壁县安达客运有限公司", "按学期结算"),
    (2016, "呼图壁县住房和城乡建设局", "县城亮化设施维护", "J", "城市维护", "118", "询价",
     "呼图壁县恒明电气安装有限公司", ""),
    (2017, "呼图壁县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "430", "公开招标",
     "呼图壁县洁源环卫服务有限公司", ""),
    (2017, "呼图壁县林业局", "县城绿化带养护", "J", "城市维护", "320", "公开招标",
     "呼图壁县康绿园林有限公司", ""),
    (2017, "呼图壁县教育局", "农村学生校车接送服务", "J", "公共教育", "248.52", "公开招标",
     "呼图壁县安达客运有限公司", "按学期结算"),
    (2017, "呼图壁县住房和城乡建设局", "县城亮化设施维护", "J", "城市维护", "125", "询价",
     "呼图壁县恒明电气安装有限公司", ""),
    (2017, "呼图壁县民政局", "乡镇社会工作服务站运营", "S", "社会工作服务", "360", "竞争性磋商",
     "呼图壁县同心社会工作服务中心", "新增"),
])

FILES["玛纳斯县"] = ("玛纳斯县", "玛纳斯县财政局", "", [
    (2016, "玛纳斯县环境卫生管理所", "县城道路清扫及垃圾清运", "J", "环境治理", "560", "公开招标",
     "玛纳斯县碧水环卫服务有限公司", ""),
    (2016, "玛纳斯县园林管理站", "县城园林绿化养护", "J", "城市维护", "290", "公开招标",
     "玛纳斯县绿洲园林绿化有限公司", ""),
    (2016, "玛纳斯县疾病预防控制中心", "城乡饮用水水质检测", "T", "检验检疫检测", "135", "竞争性磋商",
     "新疆正衡检测技术有限公司", ""),
    (2016, "玛纳斯县水利局", "玛纳斯河县城段河道保洁管护", "J", "环境治理", "132", "竞争性谈判",
     "玛纳斯县河清水利工程有限公司", ""),
    (2017, "玛纳斯县环境卫生管理所", "县城道路清扫及垃圾清运", "J", "环境治理", "450", "公开招标",
     "玛纳斯县碧水环卫服务有限公司", ""),
    (2017, "玛纳斯县园林管理站", "县城园林绿化养护", "J", "城市维护", "300", "公开招标",
     "玛纳斯县绿洲园林绿化有限公司", ""),
    (2017, "玛纳斯县水利局", "玛纳斯河县城段河道保洁管护", "J", "环境治理", "138", "竞争性谈判",
     "玛纳斯县河清水利工程有限公司", ""),
    (2017, "玛纳斯县司法局", "法律援助案件代理服务", "S", "法律援助", "95.6", "委托",
     "新疆玛河律师事务所", "按案件数结算"),
    (2017, "玛纳斯县疾病预防控制中心", "城乡饮用水水质检测", "T", "检验检疫检测", "30", "询价",
     "新疆正衡检测技术有限公司", ""),
])

FILES["奇台县"] = ("奇台县", "奇台县财政局", "", [
    (2016, "奇台县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "486", "公开招标",
     "奇台县古城环卫服务有限公司", ""),
    (2016, "奇台县林业局", "县城绿化养护", "J", "城市维护", "268", "公开招标",
     "奇台县江布拉克园林有限公司", ""),
    (2016, "奇台县审计局", "政府投资项目委托审计", "T", "会计审计服务", "190", "公开招标",
     "新疆正信会计师事务所有限公司", ""),
    (2016, "奇台县住房和城乡建设局", "市政基础设施日常维护", "J", "城市维护", "145", "竞争性谈判",
     "奇台县城建市政工程有限公司", ""),
    (2017, "奇台县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "400", "公开招标",
     "奇台县古城环卫服务有限公司", ""),
    (2017, "奇台县林业局", "县城绿化养护", "J", "城市维护", "280", "公开招标",
     "奇台县江布拉克园林有限公司", ""),
    (2017, "奇台县住房和城乡建设局", "市政基础设施日常维护", "J", "城市维护", "150", "竞争性谈判",
     "奇台县城建市政工程有限公司", ""),
    (2017, "奇台县水利局", "农村饮水工程运行管护", "J", "三农服务", "96", "竞争性磋商",
     "奇台县清泉供水服务有限公司", ""),
    (2017, "奇台县民政局", "城镇社区综合服务", "S", "社区建设", "580", "公开招标",
     "奇台县益民社区服务中心", "新增"),
    (2017, "奇台县农业局", "农产品质量安全抽检", "T", "检验检疫检测", "26", "询价",
     "新疆正衡检测技术有限公司", ""),
])

FILES["吉木萨尔县"] = ("吉木萨尔县", "吉木萨尔县财政局", "", [
    (2016, "吉木萨尔县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "382", "公开招标",
     "吉木萨尔县北庭环卫服务有限公司", ""),
    (2016, "吉木萨尔县林业局", "县城绿化养护", "J", "城市维护", "196", "竞争性磋商",
     "吉木萨尔县天润园林有限公司", ""),
    (2016, "吉木萨尔县教育局", "寄宿制学校宿舍管理服务", "J", "公共教育", "88", "竞争性磋商",
     "吉木萨尔县恒信物业服务有限公司", ""),
    (2016, "吉木萨尔县住房和城乡建设局", "县城亮化设施维护", "J", "城市维护", "74", "询价",
     "吉木萨尔县明亮电气工程有限公司", ""),
    (2017, "吉木萨尔县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "331", "公开招标",
     "吉木萨尔县北庭环卫服务有限公司", ""),
    (2017, "吉木萨尔县林业局", "县城绿化养护", "J", "城市维护", "200", "竞争性磋商",
     "吉木萨尔县天润园林有限公司", ""),
    (2017, "吉木萨尔县教育局", "寄宿制学校宿舍管理服务", "J", "公共教育", "92", "竞争性磋商",
     "吉木萨尔县恒信物业服务有限公司", ""),
    (2017, "吉木萨尔县司法局", "村级人民调解员服务", "S", "人民调解", "240", "委托",
     "吉木萨尔县人民调解协会", "新增"),
    (2017, "吉木萨尔县旅游局", "景区讲解及游客接待服务", "Q", "", "200", "竞争性磋商",
     "吉木萨尔县北庭旅游服务有限公司", "新增"),
])

FILES["木垒哈萨克自治县"] = ("木垒哈萨克自治县", "木垒哈萨克自治县财政局", "", [
    (2016, "木垒县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "206", "竞争性磋商",
     "木垒县洁净环卫服务有限公司", ""),
    (2016, "木垒县林业局", "县城绿化养护", "J", "城市维护", "96", "询价",
     "木垒县胡杨园林绿化有限公司", ""),
    (2016, "木垒县水利局", "木垒河县城段河道管护", "J", "环境治理", "40", "询价",
     "木垒县安澜水利工程有限公司", ""),
    (2017, "木垒县环境卫生管理站", "县城环境卫生清扫保洁", "J", "环境治理", "215", "竞争性磋商",
     "木垒县洁净环卫服务有限公司", ""),
    (2017, "木垒县林业局", "县城绿化养护", "J", "城市维护", "100", "询价",
     "木垒县胡杨园林绿化有限公司", ""),
    (2017, "木垒县水利局", "木垒河县城段河道管护", "J", "环境治理", "45", "询价",
     "木垒县安澜水利工程有限公司", ""),
    (2017, "木垒县畜牧兽医局", "村级动物防疫员服务", "J", "三农服务", "60", "委托",
     "木垒县牧康兽医服务站", "新增"),
])

# ---------------------------------------------------------------------------
# Figures from the report (section 二) that the rows above must reproduce.
# ---------------------------------------------------------------------------
D = Decimal
EXPECTED = {
    2016: {
        "count": 55,
        "total": D("16252.68"),
        "by_category": {
            "基本公共服务": (45, D("14543.68")),
            "技术性服务": (8, D("1189")),
            "政府履职所需辅助性事项": (2, D("520")),
        },
        "by_jurisdiction": {
            "州本级": D("2978.88"),
            "国家农业科技园区": D("2090"),
            "准东经济技术开发区": D("530"),
            "昌吉高新技术产业开发区": D("1461"),
        },
        "counties_total": D("9192.8"),
    },
    2017: {
        "count": 68,
        "total": D("19439.72"),
        "by_category": {
            "基本公共服务": (47, D("12577.62")),
            "社会管理性服务": (11, D("5379.6")),
            "行业管理与协调性服务": (1, D("786")),
            "技术性服务": (6, D("222.5")),
            "政府履职所需辅助性事项": (2, D("274")),
            "其他适合由社会力量承担的服务事项": (1, D("200")),
        },
    },
}
# 州本级 2016 projects named in the report: (购买主体, amount)
NAMED_2016_ZHOU = [
    ("昌吉州艺术剧院", D("470.6")),
    ("昌吉州传媒大厦管理中心", D("1100")),
    ("昌吉州矿山救护队", D("50")),
    ("昌吉州环境保护局", D("460")),
]


def build_rows() -> list[dict]:
    """Expand the tables above into one dict per project row."""
    rows = []
    for fname, (region, _unit, _suffix, items) in FILES.items():
        for year, buyer, name, code, level2, amount, method, provider, note in items:
            rows.append({
                "file": fname, "地区": region, "购买主体": buyer, "项目名称": name,
                "一级目录": CAT[code], "二级目录": level2, "金额": D(amount),
                "购买方式": method, "承接主体": provider, "年度": year, "备注": note,
            })
    return rows


def check(rows: list[dict]) -> None:
    """Assert that the rows reproduce the report figures exactly (Decimal)."""
    keys = set()
    seen_by_year = defaultdict(set)
    for r in rows:
        assert r["地区"] in JURISDICTIONS, r
        assert r["年度"] in (2016, 2017), r
        assert r["一级目录"] in CATALOG, r
        if CATALOG[r["一级目录"]]:
            assert r["二级目录"] in CATALOG[r["一级目录"]], r
        else:
            assert r["二级目录"] == "", r
        assert r["购买方式"] in METHODS, r
        amt = r["金额"]
        assert amt > 0 and amt.as_tuple().exponent >= -2, r
        # the value written to the cell must read back exactly
        assert D(str(cell_number(amt))) == amt, r
        key = (r["地区"], r["购买主体"], r["项目名称"], r["年度"])
        assert key not in keys, f"duplicate row {key}"
        keys.add(key)
        seen_by_year[r["年度"]].add(r["地区"])

    for year, exp in EXPECTED.items():
        yr = [r for r in rows if r["年度"] == year]
        assert seen_by_year[year] == set(JURISDICTIONS), (year, set(JURISDICTIONS) - seen_by_year[year])
        assert len(yr) == exp["count"], (year, len(yr))
        assert sum((r["金额"] for r in yr), D(0)) == exp["total"], year
        cats = {r["一级目录"] for r in yr}
        assert cats == set(exp["by_category"]), (year, cats)
        for cat, (n, amt) in exp["by_category"].items():
            sel = [r["金额"] for r in yr if r["一级目录"] == cat]
            assert (len(sel), sum(sel, D(0))) == (n, amt), (year, cat, len(sel), sum(sel, D(0)))
        for region, amt in exp.get("by_jurisdiction", {}).items():
            got = sum((r["金额"] for r in yr if r["地区"] == region), D(0))
            assert got == amt, (year, region, got)
        if "counties_total" in exp:
            got = sum((r["金额"] for r in yr if r["地区"] in COUNTIES), D(0))
            assert got == exp["counties_total"], (year, got)

    y16 = [r for r in rows if r["年度"] == 2016]
    for buyer, amt in NAMED_2016_ZHOU:
        assert any(r["地区"] == "州本级" and r["购买主体"] == buyer and r["金额"] == amt for r in y16), buyer
    # the sub-splits the report gives for the zones in 2016
    agri = [r for r in y16 if r["地区"] == "国家农业科技园区"]
    assert sum((r["金额"] for r in agri if r["备注"] == "市政维护"), D(0)) == D("462")
    assert sum((r["金额"] for r in agri if r["备注"] == "旅游服务"), D(0)) == D("1628")
    hitech = [r for r in y16 if r["地区"] == "昌吉高新技术产业开发区"]
    assert sum((r["金额"] for r in hitech if r["一级目录"] == "基本公共服务"), D(0)) == D("1315")
    assert sum((r["金额"] for r in hitech if r["一级目录"] == "技术性服务"), D(0)) == D("146")
    zd = sorted(r["金额"] for r in y16 if r["地区"] == "准东经济技术开发区")
    assert zd == [D("110"), D("150"), D("270")], zd


def cell_number(amount: Decimal) -> int | float:
    """int when whole, else a float with at most two decimals."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------
COL_WIDTHS = {"A": 6, "B": 14, "C": 30, "D": 32, "E": 22, "F": 14,
              "G": 12, "H": 13, "I": 32, "J": 8, "K": 20}
FIXED_TIME = datetime(2017, 3, 10, 9, 0, 0)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write_workbook(path: Path, region: str, unit: str, suffix: str, rows: list[dict]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "项目明细"

    ws["A1"] = f"{region}2016—2017年政府购买服务项目情况表{suffix}"
    ws.merge_cells("A1:K1")
    ws["A1"].font = Font(name="宋体", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 28

    ws["A2"] = f"填报单位:{unit}    单位:万元"
    ws.merge_cells("A2:K2")
    ws["A2"].font = Font(name="宋体", size=10)
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center")

    header_fill = PatternFill("solid", fgColor="D9D9D9")
    for col, title in enumerate(HEADER, start=1):
        c = ws.cell(row=3, column=col, value=title)
        c.font = Font(name="宋体", size=10, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.fill = header_fill
        c.border = BORDER
    ws.row_dimensions[3].height = 22

    # 2016 first, then 2017, keeping the order of the table within a year
    ordered = sorted(rows, key=lambda r: r["年度"])
    for i, r in enumerate(ordered, start=1):
        values = [i, r["地区"], r["购买主体"], r["项目名称"], r["一级目录"],
                  r["二级目录"] or None, cell_number(r["金额"]), r["购买方式"],
                  r["承接主体"], r["年度"], r["备注"] or None]
        row = 3 + i
        for col, v in enumerate(values, start=1):
            c = ws.cell(row=row, column=col, value=v)
            c.font = Font(name="宋体", size=10)
            c.border = BORDER
            if col in (1, 10):
                c.alignment = Alignment(horizontal="center", vertical="center")
            elif col == 7:
                c.number_format = "#,##0.00"
                c.alignment = Alignment(horizontal="right", vertical="center")
            else:
                c.alignment = Alignment(vertical="center", wrap_text=True)

    for col, width in COL_WIDTHS.items():
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    wb.properties.creator = unit
    wb.properties.lastModifiedBy = unit
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    save_deterministic(wb, path)


def save_deterministic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` with pinned timestamps so repeated runs give identical bytes.

    openpyxl stamps docProps/core.xml with the current time and the zip
    entries with the current date; both are replaced by FIXED_TIME.
    """
    buf = io.BytesIO()
    wb.save(buf)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    zip_time = FIXED_TIME.timetuple()[:6]
    buf.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:)",
                              rb"\g<1>" + stamp + rb"\g<2>", data)
            zi = zipfile.ZipInfo(info.filename, date_time=zip_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def main() -> None:
    rows = build_rows()
    check(rows)  # refuse to write anything if a figure is off
    for fname, (region, unit, suffix, _items) in FILES.items():
        file_rows = [r for r in rows if r["file"] == fname]
        path = OUT_DIR / f"{fname}.xlsx"
        write_workbook(path, region, unit, suffix, file_rows)
        print(f"wrote {path.name}: {len(file_rows)} rows")


if __name__ == "__main__":
    main()
