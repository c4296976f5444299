# ruff: noqa: E501 -- lines of Arabic fixture text
"""Regenerates the windows-1256 fixtures (bytes that are hard to write by hand): python make_cp1256.py"""

from pathlib import Path

HERE = Path(__file__).parent
ITEMS = """
  <item><title>الحكومة تعلن خطة جديدة للإسكان</title><link>https://cp.example/n/1</link><guid>cp-1</guid>
    <description><![CDATA[<p>أعلنت الحكومة اليوم عن خطة <b>جديدة</b> لبناء عشرة آلاف وحدة سكنية؟</p>]]></description></item>
  <item><title>افتتاح مهرجان الفيلم العربي</title><link>https://cp.example/n/2</link><guid>cp-2</guid>
    <description>يشارك في المهرجان أكثر من خمسين فيلما.</description></item>
"""


def feed(declaration: str) -> bytes:
    head = f'<?xml version="1.0"{declaration}?>\n' if declaration is not None else ""
    body = f'{head}<rss version="2.0"><channel><title>أخبار</title><link>https://cp.example/</link>{ITEMS}</channel></rss>\n'
    return body.encode("windows-1256")


(HERE / "rss-windows-1256.xml").write_bytes(feed(' encoding="windows-1256"'))
(HERE / "rss-mislabelled-1252.xml").write_bytes(feed(' encoding="windows-1252"'))
(HERE / "rss-unlabelled-1256.xml").write_bytes(feed(""))
page = """<!DOCTYPE html><html><head><title>الحكومة تعلن خطة جديدة للإسكان</title></head><body>
<nav><a href="/">الرئيسية</a> | <a href="/world">العالم</a> | <a href="/sport">رياضة</a></nav>
<article><h1>الحكومة تعلن خطة جديدة للإسكان</h1>
<p>أعلنت الحكومة اليوم عن خطة جديدة لبناء عشرة آلاف وحدة سكنية في المدن الكبرى خلال السنوات الثلاث المقبلة، في إطار برنامج وطني لمعالجة أزمة السكن.</p>
<p>وقال وزير الإسكان في مؤتمر صحفي إن المشروع سيمول بالشراكة مع القطاع الخاص، وإن الأولوية ستكون للأسر ذات الدخل المحدود والشباب المقبلين على الزواج.</p>
<p>وأضاف أن الوزارة ستطلق منصة إلكترونية لتلقي الطلبات الشهر المقبل، على أن تعلن أسماء المستفيدين في نهاية العام.</p>
</article><footer>جميع الحقوق محفوظة</footer></body></html>
"""
(HERE / "article-undeclared-1256.html").write_bytes(page.encode("windows-1256"))
