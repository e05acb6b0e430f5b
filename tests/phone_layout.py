"""What a reader sees on a phone and a laptop, measured in a real browser (issue 21, item 7):
how far a page or any element in its article runs past the screen, and how small the smallest
chart text is drawn. Shared by tests/test_phones.py and tests/bench.py."""
from __future__ import annotations

from dataclasses import dataclass

VIEWPORTS = ((390, 844), (1280, 900))

# The staff pages of a built handbook: home, uses, tools, teams, a team, each plan and a stage.
def staff_paths(site) -> list[str]:
    paths = ["", "uses/", "tools/", "teams/"]
    paths += sorted(p.parent.relative_to(site).as_posix() + "/"
                    for p in (site / "teams").glob("*/index.html"))[:2]
    for plan in sorted(p for p in (site / "plans").iterdir() if p.is_dir()):
        paths += [plan.relative_to(site).as_posix() + "/",
                  plan.relative_to(site).as_posix() + "/evidence/"]
        stages = sorted((plan / "stages").glob("*/index.html")) if (plan / "stages").is_dir() \
            else []
        paths += [s.parent.relative_to(site).as_posix() + "/" for s in stages[:1]]
    return paths


# Overflow: the document wider than the screen, an element of the article whose box runs past
# the screen's edge, or a box that hides or scrolls its own content sideways (a table in a
# scrolling wrapper). A chart or escalation diagram: each <text>'s size in CSS px, when shown.
_PROBE = """() => {
  const width = document.documentElement.clientWidth;
  const worst = [];
  const unseen = new Set();  // visually hidden (a 1px box: a card table's header) and inside
  const article = document.querySelector("article") || document.body;
  for (const el of article.querySelectorAll("*")) {
    if (unseen.has(el.parentElement)) { unseen.add(el); continue; }
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width <= 1 && box.height <= 1) { unseen.add(el); continue; }
    let over = Math.max(0, box.right - width, -box.left);
    if (/(auto|scroll|hidden)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1)
      over = Math.max(over, el.scrollWidth - el.clientWidth);
    if (over > 1) worst.push([over, el.tagName.toLowerCase() + (el.className &&
      typeof el.className === "string" ? "." + el.className.split(" ")[0] : "")]);
  }
  worst.sort((a, b) => b[0] - a[0]);
  let chartText = null;
  for (const t of document.querySelectorAll(
      "article svg.chart text, article svg.escalation-diagram text")) {
    const box = t.getBoundingClientRect();
    if (box.height === 0 || !t.textContent.trim()) continue;  // hidden with its chart
    const px = parseFloat(getComputedStyle(t).fontSize) * (box.height /
      t.getBBox().height || 1);
    chartText = chartText === null ? px : Math.min(chartText, px);
  }
  return {scroll: document.documentElement.scrollWidth - width, worst: worst.slice(0, 5),
          chartText: chartText};
}"""


@dataclass
class Measured:
    path: str
    scroll: float        # px the document is wider than the screen
    worst: list          # [(px, element)] of the elements that overflow most
    chart_text: float | None  # the smallest chart text drawn, px; None when no chart shows


def measure(page, origin: str, path: str) -> Measured:
    page.goto(f"{origin}/{path}")
    page.wait_for_load_state("networkidle")
    found = page.evaluate(_PROBE)
    return Measured(path, found["scroll"], found["worst"], found["chartText"])
