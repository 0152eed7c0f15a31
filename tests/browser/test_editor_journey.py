"""An editor writes a page in English in the Wagtail admin, translates it into Chinese
with Wagtail's "Translate" action, edits and publishes the Chinese copy; on the public
site the language switch leads from one to the other and back."""

from wagtail.models import Locale, Page

from cms.models import StandardPage
from home.models import HomePage
from tests.browser.helpers import browser_login, screenshot
from tests.cms.site import ensure_base_pages
from tests.factories.accounts import UserFactory


def bilingual_home() -> HomePage:
    """The English home page and its Chinese translation, as the demo site has them."""
    ensure_base_pages()
    home = HomePage.objects.get(depth=2, locale__language_code="en")
    chinese = Locale.objects.get(language_code="zh-hans")
    if home.get_translation_or_none(chinese) is None:
        zh_home = home.copy_for_translation(chinese)
        zh_home.title = "法律服务社会组织孵化平台"
        zh_home.save_revision().publish()
    return home


def publish(page):
    """Wagtail's footer: open the actions menu, then Publish."""
    page.locator("footer").get_by_role("button", name="More actions").click()
    with page.expect_navigation():
        page.locator("footer button[name=action-publish]").click()


def test_editor_writes_translates_and_publishes_and_the_language_switch_maps_the_pages(page, live_server):
    home = bilingual_home()
    editor = UserFactory(editor=True, email="editor@bureau.gov.cn")

    browser_login(page, live_server, editor)

    # A new standard page under the English home page, through the page-type chooser.
    page.goto(f"{live_server.url}/admin/pages/{home.pk}/add_subpage/")
    page.click("a:has-text('Standard page')")
    page.wait_for_load_state()
    page.fill("#id_title", "Free legal clinics")
    page.fill("#id_intro", "Where residents get free legal advice every week.")
    screenshot(page, "editor-new-page-en")
    publish(page)
    english = StandardPage.objects.get(title="Free legal clinics")
    assert english.live and english.locale.language_code == "en"
    screenshot(page, "editor-published-en")

    # Wagtail's translate action, from the page's editor.
    page.goto(f"{live_server.url}/admin/pages/{english.pk}/edit/")
    page.locator("header [aria-label='Actions']").first.click()
    with page.expect_navigation():
        page.get_by_role("link", name="Translate").click()
    assert f"/admin/translation/submit/page/{english.pk}/" in page.url
    chinese_locale = Locale.objects.get(language_code="zh-hans")
    page.check(f"input[name=locales][value='{chinese_locale.pk}']")
    screenshot(page, "editor-translate-form")
    with page.expect_navigation():
        page.click("main form button[type=submit], main form input[type=submit]")
    chinese = english.get_translation(chinese_locale)
    assert page.url.endswith(f"/admin/pages/{chinese.pk}/edit/")
    assert not chinese.live, "the copy starts as a draft for the editor to translate"

    # The editor translates the copy and publishes it.
    page.fill("#id_title", "免费法律诊所")
    page.fill("#id_intro", "居民每周可在这里获得免费法律咨询。")
    screenshot(page, "editor-translation-zh")
    publish(page)
    chinese = StandardPage.objects.get(pk=chinese.pk)
    assert chinese.live and chinese.title == "免费法律诊所"
    assert chinese.translation_key == english.translation_key

    # The public site: the switch maps the English page to the Chinese one and back.
    english_url = f"{live_server.url}{english.url}"
    chinese_url = f"{live_server.url}{Page.objects.get(pk=chinese.pk).url}"
    page.goto(english_url)
    assert "Where residents get free legal advice every week." in page.content()
    screenshot(page, "editor-public-en")
    with page.expect_navigation():
        page.click(".language-switcher [lang=zh-hans]")
    assert page.url == chinese_url
    assert "居民每周可在这里获得免费法律咨询。" in page.content()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    screenshot(page, "editor-public-zh")
    with page.expect_navigation():
        page.click(".language-switcher [lang=en]")
    assert page.url == english_url
