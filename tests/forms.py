"""Small forms in layouts other than the Hunan four attachments, written for the tests.

Each is a tab-separated export (rows as Excel/WPS copy them) of one kind of
form the template-free reader must understand; units, names and numbers are
invented. ``tsv()`` turns the readable rows below into the text a user pastes.
"""

from __future__ import annotations


def tsv(*rows: str) -> str:
    """Rows written with " | " between cells, as tab-separated text."""
    return "\n".join(row.replace(" | ", "\t").replace("| ", "\t").replace(" |", "\t") for row in rows) + "\n"


# A level-1 heading with its points on a row whose indicator cells are empty (the next row is its indicator).
HEADING_ON_EMPTY_ROW = tsv(
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 河岸绿化养护 |  | ",
    "实施单位 | 青山县林业站 |  | ",
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 40 | 40 | 40 | 10 | 100% | 10",
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "产出指标（50分） | 数量指标 | 养护河岸长度 | ≥12公里 | 12公里 | 50 | 50 | ",
    "效益指标（30分） | 生态效益指标 |  |  |  |  |  | ",
    " | 社会效益指标 | 沿岸受益居民 | ≥3000人 | 3200人 | 30 | 30 | ",
    "满意度指标（10分） | 服务对象满意度指标 | 居民满意度 | ≥90% | 94% | 10 | 10 | ",
    "总分 |  |  |  |  | 100 | 100 | ",
)

# The 总分 row carries only its 分值; its 得分 is blank (the scores add up to 10 + 50 + 27 + 9 = 96).
TOTAL_WEIGHT_ONLY = tsv(
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 村级道路亮化 |  | ",
    "实施单位 | 青山县住建局 |  | ",
    "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    "年度资金总额 | 25 | 25 | 25 | 10 | 100% | 10",
    "一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施",
    "产出指标 | 数量指标 | 新装路灯 | ≥300盏 | 300盏 | 50 | 50 | ",
    "效益指标 | 社会效益指标 | 夜间出行事故下降 | ≥20% | 18% | 30 | 27 | 部分路段供电改造滞后",
    "满意度指标 | 服务对象满意度指标 | 村民满意度 | ≥95% | 93% | 10 | 9 | 个别路灯亮度不足",
    "总分 |  |  |  |  | 100 |  | ",
)

# Sichuan layout: block headings carry the points, the target is split over 指标性质 | 指标值 | 度量单位.
SICHUAN_SPLIT_TARGET = tsv(
    "部门预算项目支出绩效自评表(2023年度)",
    "项目名称 | 农村饮水安全巩固",
    "主管部门 | 白河县水利局 | 实施单位 | 白河县水利局",
    "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因",
    " | 总额 | 80.00 | 80.00 | 80.00 | 100.00% | 10 | 10 | ",
    "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析",
    " | 产出指标 | 数量指标 | 新建供水点 | ≥ | 12 | 个 | 12 | 30 | 30 | ",
    " | 产出指标 | 质量指标 | 水质检测合格率 | ≥ | 98 | % | 96 | 20 | 20 | ",
    " | 产出指标 | 成本指标 | 单点建设成本 | ≤ | 6 | 万元 | 6.8 | 10 | 10 | ",
    " | 效益指标 | 社会效益指标 | 受益人口 | ≥ | 5000 | 人 | 5200 | 30 | 30 | ",
    "合计 |  |  |  |  |  |  |  | 100 | 100 | ",
)

# Anhui department score sheet: 序号, points in the level headings, 指标分值 | 自评得分, no target column.
ANHUI_SCORE_SHEET = tsv(
    "2023年度部门整体支出绩效评价自评表",
    "单位 | 东湖区商务局 |  |  |  | ",
    "序号 | 一级指标 | 二级指标 | 三级指标 | 指标分值 | 自评得分",
    "1 | 决策(12分) | 目标设定(6分) | 绩效目标合理性 | 3 | 3",
    "2 |  |  | 绩效指标明确性 | 3 | 3",
    "3 |  | 预算编制(6分) | 预算编制科学性 | 4 | 6",
    "4 |  |  | 资金分配合理性 | 2 | 2",
)

# Goal columns headed 年初设定目标 | 年度总体目标完成情况综述, a result short of its goal.
GOAL_HEADERS = tsv(
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 校舍维修 |  | ",
    "实施单位 | 青山县教育局 |  | ",
    "资金情况(万元) | 全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分",
    "年度资金总额: | 60 | 60 | 10 | 100.00% | 10",
    "年度总体目标 | 年初设定目标 |  | 年度总体目标完成情况综述 |  | ",
    " | 维修农村学校校舍40所 |  | 完成校舍维修36所 |  | ",
)

# Money tables by unit and a detail list, with three totals that do not add up.
MONEY_TABLES = tsv(
    "2024年度青山县文化馆部门整体支出绩效评价报告",
    "一、收支情况",
    "机构名称 | 收入合计 | 其中：财政拨款 | 其中：其他收入",
    "汇总 | 320.00 | 300.00 | 20.00",
    "1、馆本级 | 200.00 | 190.00 | 10.00",
    "2、流动服务站 | 130.00 | 110.00 | 10.00",
    "",
    "机构名称 | 支出合计 | 基本支出 | 项目支出",
    "汇总 | 310.00 | 210.00 | 100.00",
    "1、馆本级 | 190.00 | 130.00 | 60.00",
    "2、流动服务站 | 120.00 | 80.00 | 40.00",
    "",
    "支出内容 | 实际支出数 | 会计凭证号",
    "演出器材 | 12.40 | 记-031",
    "宣传印刷 | 3.60 | 记-047",
    "支出合计 | 16.50 | ",
)

# An indicator block whose 分值 column holds targets: a misread that must not produce errors.
DOUBTFUL_WEIGHTS = tsv(
    "项目支出绩效自评表（2024年度）",
    "项目名称 | 图书采购 |  | ",
    "实施单位 | 青山县图书馆 |  | ",
    "一级指标 | 二级指标 | 三级指标 | 实际完成值 | 分值 | 得分",
    "产出指标 | 数量指标 | 新增藏书 | 5000册 | ≥4000册 | 50",
    "产出指标 | 质量指标 | 验收合格率 | 99% | ≥95% | 30",
    "满意度指标 | 服务对象满意度指标 | 读者满意度 | 92% | ≥90% | 10",
)
