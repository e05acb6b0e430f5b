"""What a reader sees of a plan, measured in a real browser: where the plan page's summary ends
on a 1280×900 screen, how many such screens the page is, and how many A4 pages its print view
takes. tests/test_plan_summary.py asserts the limits issue 21 names; `make bench` prints them.
"""
from __future__ import annotations

import re

WIDE = {"width": 1280, "height": 900}
SCREENS = 6  # a plan page is at most this many 1280×900 screens
PRINTED = 2  # a print view is at most this many A4 pages


def pdf_pages(pdf: bytes) -> int:
    """Chromium writes one `/Type /Page` object per page, uncompressed (pypdf is not a
    dependency; this is exact for Chromium's output)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def plan_figures(browser, origin: str, plan_id: str) -> dict:
    """{'summary_bottom': px, 'screens': n, 'print_pages': n} for one plan."""
    page = browser.new_page(viewport=WIDE)
    try:
        page.goto(f"{origin}/plans/{plan_id}/")
        last = page.locator("article a[href='#stages']", has_text="What comes next")
        bottom = last.first.evaluate("e => e.closest('li').getBoundingClientRect().bottom")
        height = page.evaluate("document.documentElement.scrollHeight")
        page.goto(f"{origin}/plans/{plan_id}/print/")
        page.emulate_media(media="print")
        printed = pdf_pages(page.pdf(format="A4"))
    finally:
        page.close()
    return {"summary_bottom": bottom, "screens": height / WIDE["height"],
            "print_pages": printed}
