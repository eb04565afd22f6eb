"""Screenshot the charts of a bubblewatch report (headless chromium through playwright).

    python scripts/report_screenshots.py out/report.html docs/img/report [FIGURE_ID ...]

Each chart of the report is a ``div.plotly-graph-div`` with the id ``<section>-fig<k>``
(``market-fig1`` is the reaction heat map); with FIGURE_IDs only those are taken. The id
``first-screen`` takes what a reader sees on opening the page (the top 1100 x 900 pixels). The PNGs
are quantized to 128 colours so that the documentation stays small. Needs the ``playwright``
package and a chromium binary (``$CHROMIUM`` or ``/usr/bin/chromium``); no browser download.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    from PIL import Image
    from playwright.sync_api import sync_playwright

    html, out = Path(argv[0]).resolve(), Path(argv[1])
    only = set(argv[2:])
    out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(html.as_uri())
        page.wait_for_timeout(1500)
        if not only or "first-screen" in only:
            target = out / "first-screen.png"
            page.screenshot(path=str(target))
            Image.open(target).convert("RGB").quantize(128).save(target, optimize=True)
            print(target)
        for div in page.query_selector_all("div.plotly-graph-div"):
            fig_id = div.get_attribute("id") or ""
            if only and fig_id not in only:
                continue
            div.scroll_into_view_if_needed()
            target = out / f"{fig_id}.png"
            div.screenshot(path=str(target))
            Image.open(target).convert("RGB").quantize(128).save(target, optimize=True)
            print(target)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
