"""Browser fixtures: Playwright driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The main navigation in each language, in order (the browser tests and page tests agree).
NAVIGATION = {
    "en": [
        "Dashboard",
        "Surveys",
        "Feedback",
        "Customers",
        "Cases",
        "Analytics",
        "Goals",
        "Settings",
    ],
    "ja": [
        "ダッシュボード",
        "アンケート",
        "フィードバック",
        "顧客",
        "ケース",
        "分析",
        "目標",
        "設定",
    ],
    "zh-hans": ["仪表盘", "问卷", "反馈", "客户", "工单", "分析", "目标", "设置"],
}

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("CLEARLOOP_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run browser tests")
    # Playwright's sync API runs an event loop; Django refuses sync ORM calls inside one.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 860})
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
