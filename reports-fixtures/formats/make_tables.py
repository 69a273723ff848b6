#!/usr/bin/env python3
"""Regenerates the table fixtures (stdlib only): made-up reports whose figures stand in tables.

- tables-report.{html,docx}: a 法治政府建设年度报告 with a table of 行政复议/行政诉讼 figures whose
  headers use rowspan/colspan (gridSpan/vMerge in the docx), a column of last year's change, and
  a table of bare numbers without headers; tables-report.txt states the same figures in prose.
- disclosure-report.{html,docx}: a 政府信息公开工作年度报告 with the national template's tables
  二 (主动公开), 三 (申请) and 四 (行政复议、行政诉讼), whose figures are about disclosure only.

A table is a list of rows; a cell is (text, rowspan, colspan, header). The docx writes a merged
cell as `w:vMerge` restart/continue and `w:gridSpan`, the way Word does.

Run from anywhere: python3 reports-fixtures/formats/make_tables.py
"""

import html
import pathlib

from make_formats import write_docx_package

HERE = pathlib.Path(__file__).resolve().parent


def c(text, rowspan=1, colspan=1, header=False):
    return (text, rowspan, colspan, header)


def h(text, rowspan=1, colspan=1):
    return c(text, rowspan, colspan, True)


TABLES_REPORT = [
    "某区2024年法治政府建设年度报告",
    "2024年,某区坚持以习近平法治思想为指导,法治政府建设取得新成效。",
    "一、主要工作",
    "(一)化解行政争议。全面落实行政执法三项制度,全年行政复议、行政应诉情况见下表。",
    "表1 2024年行政复议、行政应诉情况",
    [
        [h("类别", rowspan=2), h("事项", rowspan=2), h("2024年", colspan=2)],
        [h("数量"), h("同比增减")],
        [c("行政复议", rowspan=2), c("新收行政复议案件(件)"), c("393"), c("12")],
        [c("审结行政复议案件(件)"), c("368"), c("5")],
        [c("行政诉讼", rowspan=2), c("新收行政诉讼案件(件)"), c("63"), c("3")],
        [c("行政机关负责人出庭应诉率"), c("100%"), c("0")],
    ],
    "各街道调解数据如下。",
    [
        [c("120"), c("35"), c("7")],
        [c("98"), c("41"), c("2")],
    ],
    "二、存在的不足",
    "基层法治力量仍然薄弱。",
    "三、下一步工作安排",
    "2025年,某区将持续推进法治政府建设。",
]

TABLES_REPORT_PROSE = [
    "某区2024年法治政府建设年度报告",
    "2024年,某区坚持以习近平法治思想为指导,法治政府建设取得新成效。",
    "一、主要工作",
    "(一)化解行政争议。全面落实行政执法三项制度,全年新收行政复议案件393件,审结行政复议案件368件;"
    "新收行政诉讼案件63件,行政机关负责人出庭应诉率100%。",
    "二、存在的不足",
    "基层法治力量仍然薄弱。",
    "三、下一步工作安排",
    "2025年,某区将持续推进法治政府建设。",
]

DISCLOSURE_REPORT = [
    "某区人民政府2024年政府信息公开工作年度报告",
    "本报告依据《中华人民共和国政府信息公开条例》编制。",
    "一、总体情况",
    "2024年,某区认真贯彻落实《中华人民共和国政府信息公开条例》,政府信息公开工作有序开展。",
    "二、主动公开政府信息情况",
    [
        [h("第二十条第(一)项", colspan=4)],
        [h("信息内容"), h("本年制发件数"), h("本年废止件数"), h("现行有效件数")],
        [c("规章"), c("0"), c("0"), c("2")],
        [c("行政规范性文件"), c("5"), c("1"), c("30")],
        [h("第二十条第(五)项", colspan=4)],
        [h("信息内容"), h("本年处理决定数量", colspan=3)],
        [c("行政许可"), c("1234", colspan=3)],
    ],
    "三、收到和处理政府信息公开申请情况",
    [
        [h("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", rowspan=3, colspan=3),
         h("申请人情况", colspan=7)],
        [h("自然人", rowspan=2), h("法人或其他组织", colspan=5), h("总计", rowspan=2)],
        [h("商业企业"), h("科研机构"), h("社会公益组织"), h("法律服务机构"), h("其他")],
        [c("一、本年新收政府信息公开申请数量", colspan=3)] + [c(v) for v in "12 3 0 0 0 1 16".split()],
        [c("二、上年结转政府信息公开申请数量", colspan=3)] + [c(v) for v in "1 0 0 0 0 0 1".split()],
        [c("三、本年度办理结果", rowspan=2), c("(一)予以公开", colspan=2)]
        + [c(v) for v in "8 2 0 0 0 1 11".split()],
        [c("(二)不予公开"), c("1.属于国家秘密")] + [c(v) for v in "0 0 0 0 0 0 0".split()],
        [c("四、结转下年度继续办理", colspan=3)] + [c(v) for v in "5 1 0 0 0 0 6".split()],
    ],
    "四、政府信息公开行政复议、行政诉讼情况",
    [
        [h("行政复议", colspan=5), h("行政诉讼", colspan=10)],
        [h("结果维持", rowspan=2), h("结果纠正", rowspan=2), h("其他结果", rowspan=2),
         h("尚未审结", rowspan=2), h("总计", rowspan=2),
         h("未经复议直接起诉", colspan=5), h("复议后起诉", colspan=5)],
        [h(t) for t in "结果维持 结果纠正 其他结果 尚未审结 总计".split()] * 2,
        [c(v) for v in "2 1 0 1 4 1 0 0 1 2 0 0 0 0 0".split()],
    ],
    "五、存在的主要问题及改进情况",
    "政府信息公开的规范化水平有待提高。",
]


def html_table(rows):
    out = ["<table border=\"1\" cellspacing=\"0\">"]
    for i, row in enumerate(rows):
        out.append("<tr>")
        for text, rowspan, colspan, header in row:
            tag = "th" if header else "td"
            attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f" colspan={colspan}" if colspan > 1 else "")
            out.append(f"<{tag}{attrs}><p>{html.escape(text, quote=False)}</p></{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def write_html(stem, blocks):
    body = "\n".join(
        html_table(b) if isinstance(b, list) else f"<p>{html.escape(b, quote=False)}</p>" for b in blocks
    )
    page = (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head><meta charset="utf-8"><title>报告</title></head>\n'
        f'<body>\n<div class="article">\n{body}\n</div>\n</body>\n</html>\n'
    )
    (HERE / f"{stem}.html").write_text(page, encoding="utf-8")


def w_paragraph(text):
    return f'<w:p><w:r><w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r></w:p>'


def docx_table(rows):
    """Lays the cells on a grid, then writes each row's slots: a rowspan's later rows get a
    `vMerge` continuation cell, a colspan a `gridSpan`."""
    grid = {}
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in grid:
                col += 1
            text, rowspan, colspan, header = cell
            for dr in range(rowspan):
                grid[(r + dr, col)] = (cell, dr == 0)
                for dc in range(1, colspan):
                    grid[(r + dr, col + dc)] = None
            col += colspan
    out = ["<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>"]
    width = max(col for (_, col) in grid) + 1
    for r in range(len(rows)):
        header_row = all(cell[0][3] for (rr, _), cell in grid.items() if rr == r and cell and cell[1])
        out.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if header_row else ""))
        for col in range(width):
            slot = grid.get((r, col))
            if slot is None:
                continue
            (text, rowspan, colspan, header), first = slot
            props = (f'<w:gridSpan w:val="{colspan}"/>' if colspan > 1 else "") + (
                ('<w:vMerge w:val="restart"/>' if first else "<w:vMerge/>") if rowspan > 1 else "")
            content = w_paragraph(text) if first else "<w:p/>"
            out.append(f"<w:tc><w:tcPr><w:tcW w:w=\"1000\" w:type=\"dxa\"/>{props}</w:tcPr>{content}</w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def write_docx(stem, blocks):
    body = "".join(docx_table(b) if isinstance(b, list) else w_paragraph(b) for b in blocks)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr/></w:body></w:document>'
    )
    write_docx_package(HERE / f"{stem}.docx", document)


def main():
    for stem, blocks in [("tables-report", TABLES_REPORT), ("disclosure-report", DISCLOSURE_REPORT)]:
        write_html(stem, blocks)
        write_docx(stem, blocks)
    (HERE / "tables-report.txt").write_text("\n".join(TABLES_REPORT_PROSE) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
