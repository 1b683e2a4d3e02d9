"""Chinese has no italic: in Chromium, no Chinese text on the page is slanted (issue 14, 10)."""

from cms.models import FooterSettings
from tests.pages import build_site_tree

# Every element whose own text holds a CJK character, with its computed font-style.
SLANTED_CJK = """
() => [...document.querySelectorAll('body *')]
  .filter((el) => [...el.childNodes].some(
    (node) => node.nodeType === Node.TEXT_NODE && /[\\u3400-\\u9fff]/.test(node.textContent)))
  .filter((el) => getComputedStyle(el).fontStyle !== 'normal')
  .map((el) => el.tagName + ': ' + el.textContent.trim().slice(0, 40))
"""


def test_no_chinese_text_is_slanted_in_the_footer_or_the_page(live_db, asgi_server, browser_page):
    site = build_site_tree()
    footer = FooterSettings.for_site(site.home.get_site())
    footer.address_ru = "Приморский край, с. Барабаш"
    footer.address_en = "Barabash village, Primorsky Krai"
    footer.address_zh_hans = "滨海边疆区巴拉巴什村"
    footer.about_zh_hans = "<p><i>“豹之乡”国家公园</i>和<em>“雪松溪谷”</em>保护区。</p>"
    footer.save()
    page = browser_page
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{asgi_server.url}/zh-hans/")
        assert page.locator("footer address").inner_text() == "滨海边疆区巴拉巴什村"
        assert page.evaluate(SLANTED_CJK) == []
    # An address is upright in every language (browsers slant <address> by default).
    page.goto(f"{asgi_server.url}/en/")
    assert (
        page.locator("footer address").evaluate("el => getComputedStyle(el).fontStyle") == "normal"
    )
