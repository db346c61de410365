"""publisher.report.markdown, the summary's one escaper, on the cases a whole run rarely hits."""

from __future__ import annotations

from publisher.report.markdown import code, fence, link, table, text


def test_a_link_is_made_only_to_http_and_its_address_cannot_end_early() -> None:
    assert link("version", "javascript:alert(1)") == "version"
    assert link("version", "data:text/html,x") == "version"
    made = link("v", "https://h.example/a b)(<x>|`")
    assert made == "[v](https://h.example/a%20b%29%28%3Cx%3E%7C%60)"


def test_a_line_start_that_would_open_a_list_or_heading_stays_text() -> None:
    assert text("- item") == "&#45; item"
    assert text("+ item") == "&#43; item"
    assert text("1. first") == "1&#46; first"
    assert text("2) second") == "2&#41; second"
    assert text("# title") == "&#35; title"
    assert text("=== ") == "&#61;=="
    assert text("---") == "&#45;--"
    assert text("10.3.0 and -1") == "10.3.0 and -1"  # no list: nothing escaped


def test_code_spans_stay_code_and_everything_in_them_is_inert() -> None:
    assert text("use `a|b` then") == "use <code>a&#124;b</code> then"
    assert code("x`y") == "<code>x&#96;y</code>"
    assert text("line\nbreak\tand  runs") == "line break and runs"


def test_a_fence_is_longer_than_any_backtick_run_inside() -> None:
    assert fence("a ```` b", "json") == "`````json\na ```` b\n`````"
    assert fence("plain") == "```\nplain\n```"


def test_a_table_cell_cannot_split_or_end_its_row() -> None:
    assert table(["a"], [["x | y\nz"]]) == "| a |\n|---|\n| x &#124; y z |\n"


def test_addresses_and_names_are_not_linked_by_the_gfm_autolinker() -> None:
    # Measured with cmark-gfm (GitHub's renderer, the cmarkgfm wheel): `&#58;//` and `www&#46;`
    # stop its URL autolinks, but an e-mail address is found after `&#64;` is decoded.
    assert text("https://evil.example/x") == "https&#58;//evil.example/x"
    assert text("www.evil.example") == "www&#46;evil.example"
    assert text("me@evil.example") == "me&#64;<!-- -->evil.example"
