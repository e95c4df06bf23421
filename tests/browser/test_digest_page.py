"""The digest page opens offline in Chromium: no console error, no request, its charts drawn."""

from __future__ import annotations

from click.testing import CliRunner

from kg.cli import cli


def test_digest_page_opens_offline_with_its_charts(open_page, seed_out, tmp_path):
    target = tmp_path / "december.html"
    result = CliRunner().invoke(cli, ["digest", "--since", "2024-12-01", "--until", "2024-12-31", "-o", str(target),
                                      "--out", str(seed_out)])
    assert result.exit_code == 0, result.output
    opened = open_page(target, wait_for_layout=False)
    assert not opened.console_errors and not opened.requests
    page = opened.page
    assert page.locator("svg rect").count() > 5
    assert page.locator("#sectors tr").count() > 2
    page.locator("details summary").first.click()
    assert page.locator("details[open] blockquote").first.inner_text().strip()
