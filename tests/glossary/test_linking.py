"""Glossary terms linked in rendered HTML (glossary.linking): first use per section, never
in headings, links, code, an opted-out passage, nor where the text defines the term."""

import re

from core.markdown import to_safe_html
from glossary.linking import Linkable, link_terms

MARK = Linkable(
    slug="mark-price",
    names=("Mark price", "fair price"),
    definition="The fair price a venue uses for liquidation.",
    url="/glossary/mark-price/",
    taught_in=frozenset({"mark-price"}),
)
ADL = Linkable(
    slug="auto-deleveraging",
    names=("Auto-deleveraging", "ADL"),
    definition="Closing profitable opponents' positions.",
    url="/glossary/auto-deleveraging/",
)
MARGIN = Linkable(
    slug="margin", names=("Margin",), definition="Collateral.", url="/glossary/margin/"
)
MM = Linkable(
    slug="maintenance-margin",
    names=("Maintenance margin",),
    definition="The least margin.",
    url="/glossary/maintenance-margin/",
)
TERMS = [MARK, ADL, MARGIN, MM]


def linked(markdown_text: str, **kwargs) -> list[str]:
    """The words linked, in order."""
    html = link_terms(to_safe_html(markdown_text)[0], TERMS, **kwargs)
    return re.findall(r'<a class="glossary-link"[^>]*>([^<]*)</a>', html)


def test_first_use_in_each_section_is_linked_and_no_other():
    text = (
        "The mark price moves. The mark price again.\n\n"
        "## Next {#next}\n\nHere the Mark Price is new, and so is margin.\n\n"
        "Margin again, mark price again."
    )
    assert linked(text) == ["mark price", "Mark Price", "margin"]


def test_the_link_leads_to_the_term_and_is_described_by_its_definition():
    html = link_terms(to_safe_html("Watch the mark price.")[0], TERMS)
    assert (
        '<a class="glossary-link" href="/glossary/mark-price/" '
        'aria-describedby="glossary-def-mark-price">mark price</a>' in html
    )
    assert (
        '<div class="glossary-definitions" hidden><span id="glossary-def-mark-price">'
        "The fair price a venue uses for liquidation.</span></div>" in html
    )


def test_text_without_terms_is_left_as_it_was():
    html = to_safe_html("Nothing to see &amp; nothing <em>linked</em>.")[0]
    assert link_terms(html, TERMS) == html


def test_synonyms_plurals_and_the_longest_name_win():
    assert linked("A fair price. Two maintenance margins.") == [
        "fair price",
        "maintenance margins",
    ]


def test_capitals_abbreviations_match_only_as_written():
    assert linked("Then adl, or ADL.") == ["ADL"]


def test_never_inside_a_word():
    assert linked("Marginal notes, remarked prices, pre-margin.") == []


def test_never_in_headings_links_or_code():
    text = (
        "## Mark price {#mark}\n\n"
        "See [the mark price](/learn/x/) and `mark price` and\n\n"
        "    mark price in a code block\n\n"
        "### Margin {#margin-h3}\n\nThen the mark price."
    )
    assert linked(text) == ["mark price"]


def test_a_passage_opted_out_is_not_linked():
    text = (
        "The mark price here is not linked.\n{: .no-glossary }\n\n"
        'Nor <span class="no-glossary">margin</span> here, but margin is.'
    )
    assert linked(text) == ["margin"]


def test_a_list_item_or_an_html_table_opted_out_is_not_linked():
    text = (
        "- the mark price\n{: .no-glossary }\n\n"
        '<table class="no-glossary"><tr><td>margin</td></tr></table>\n\n'
        "Then margin."
    )
    assert linked(text) == ["margin"]
    assert linked("- the mark price") == ["mark price"]


def test_where_the_text_defines_it_in_bold_it_is_not_linked_nor_later_in_that_section():
    text = (
        "The **mark price** is defined here; the mark price is not linked again.\n\n"
        "## Later {#later}\n\nThe mark price is linked in a new section."
    )
    assert linked(text) == ["mark price"]


def test_not_in_the_lesson_that_teaches_it():
    text = "The mark price and the margin."
    assert linked(text, lesson_slug="mark-price") == ["margin"]
    assert linked(text, lesson_slug="funding-rates") == ["mark price", "margin"]


def test_entities_and_markup_around_a_link_are_kept():
    html = to_safe_html("Fees &amp; the *mark price* <br> now.")[0]
    out = link_terms(html, TERMS)
    assert out.startswith("<p>Fees &amp; the <em><a class=")
    assert out.count("<br") == html.count("<br")
