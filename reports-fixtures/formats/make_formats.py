#!/usr/bin/env python3
"""Regenerates the format fixtures of one real report (stdlib only).

From ../xiamen-huli-2024.txt (a UTF-8 report copied from a government web page) it writes the
same report as GB18030 text, UTF-16LE text with BOM, a government-style web page and a minimal
docx. The `read` stage must turn all four into exactly the normalized text of the original, so
each variant differs from it only in ways normalization undoes: encoding, CRLF line ends,
full-width punctuation, entities, indentation, markup and page furniture, runs split mid-line.

Run from anywhere: python3 reports-fixtures/formats/make_formats.py
"""

import codecs
import html
import pathlib
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
STEM = "xiamen-huli-2024"
SOURCE = HERE.parent / f"{STEM}.txt"
HEADING_MARKERS = tuple("一二三四五六七八九十")


def full_width(line):
    """Punctuation as Chinese typesetting writes it; normalization turns it back to ASCII."""
    return line.translate(str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"}))


def write_texts(lines):
    windows = "\r\n".join(full_width(line) for line in lines) + "\r\n"
    (HERE / f"{STEM}.gb18030.txt").write_bytes(windows.encode("gb18030"))
    (HERE / f"{STEM}.utf16.txt").write_bytes(codecs.BOM_UTF16_LE + windows.encode("utf-16-le"))


def html_paragraph(line):
    text = html.escape(full_width(line), quote=False)
    text = text.replace("“", "&ldquo;").replace("”", "&rdquo;")
    # A single non-breaking space inside Chinese text is typesetting residue and must vanish.
    text = text.replace("。", "。&nbsp;", 1) if text.count("。") > 1 else text
    indent = "&nbsp;" * 4
    if line.startswith(HEADING_MARKERS) and "、" in line[:3]:
        return f'<p style="text-indent:2em"><strong>{text}</strong></p>'
    return f'<p style="text-indent:2em">{indent}{text}</p>'


def write_html(lines):
    paragraphs = "\n            ".join(html_paragraph(line) for line in lines)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>湖里区2024年法治政府建设年度报告_厦门市湖里区人民政府</title>
<style>
  body {{ font-family: "Microsoft YaHei", sans-serif; }}
  .article p {{ line-height: 2; }}
  .share > a::after {{ content: " | "; }}
</style>
<script type="text/javascript">
  var _hmt = _hmt || [];
  function printPage() {{ if (window.print) {{ window.print(); }} return "<p>打印</p></div>"; }}
</script>
</head>
<body>
<div class="top">
  <nav class="nav">
    <ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>
  </nav>
</div>
<div class="crumb">当前位置:<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/fzzf/">法治政府建设</a></div>
<div class="main">
  <div class="info">字号:<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></div>
  <!-- 正文开始 <p>这段注释不是正文</p> -->
  <div class="article" id="zoom">
            {paragraphs}
  </div>
  <!-- 正文结束 -->
  <div class="share">
    【<a href="javascript:printPage()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】
    分享到:<a href="#">微信</a> <a href="#">微博</a>
  </div>
  <div class="qrcode"><img src="/images/qrcode.png" alt="二维码"><p>扫一扫在手机打开当前页</p></div>
</div>
<footer>
  <p>主办:厦门市湖里区人民政府办公室&nbsp;&nbsp;承办:湖里区融媒体中心</p>
  <p>网站标识码:3502060001&nbsp;&nbsp;闽ICP备05000000号</p>
</footer>
<noscript><p>请启用浏览器的脚本功能</p></noscript>
</body>
</html>
"""
    (HERE / f"{STEM}.html").write_text(page, encoding="utf-8")


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""


def docx_paragraph(index, line):
    # Split every other paragraph into runs after each "。", the way Word splits on edits.
    pieces = [line]
    if index % 2 == 1 and "。" in line:
        pieces = [p + "。" for p in line.split("。")[:-1]] + [line.split("。")[-1]]
        pieces = [p for p in pieces if p]
    bold = "<w:rPr><w:b/></w:rPr>" if line.startswith(HEADING_MARKERS) and "、" in line[:3] else ""
    runs = "".join(
        f'<w:r>{bold}<w:t xml:space="preserve">{html.escape(p, quote=False)}</w:t></w:r>' for p in pieces
    )
    return f'<w:p><w:pPr><w:ind w:firstLineChars="200"/></w:pPr>{runs}</w:p>'


def write_docx(lines):
    body = "".join(docx_paragraph(i, line) for i, line in enumerate(lines))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    write_docx_package(HERE / f"{STEM}.docx", document)


def write_docx_package(path, document):
    """Zips word/document.xml with the two parts every .docx needs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                           ("word/document.xml", document)]:
            # A fixed date keeps the file byte-identical between runs.
            z.writestr(zipfile.ZipInfo(name, date_time=(2025, 3, 24, 0, 0, 0)), data,
                       compress_type=zipfile.ZIP_DEFLATED)


def main():
    lines = SOURCE.read_text(encoding="utf-8").splitlines()
    write_texts(lines)
    write_html(lines)
    write_docx(lines)


if __name__ == "__main__":
    main()
