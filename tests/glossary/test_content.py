"""content/glossary.yaml loaded with the rest: each mistake named with its file and field,
admin edits kept, and lessons rendered again when the terms they link change."""

import json

import pytest

from core.content import load_content
from glossary.models import Term
from lessons.models import Lesson
from tests.admin_pages import page_data
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

FILE = "content/glossary.yaml"


def test_the_shipped_glossary_has_at_least_60_terms_each_complete():
    terms = list(Term.objects.all())
    assert len(terms) >= 60
    for term in terms:
        assert term.definition.endswith(".") and term.explanation_html, term.slug


def test_every_lesson_a_term_names_exists():
    slugs = set(Lesson.objects.values_list("slug", flat=True))
    for term in Term.objects.all():
        assert set(term.lessons) <= slugs, term.slug


def test_a_slug_given_twice_is_named_with_its_lines(content):
    path = content / "glossary.yaml"
    path.write_text(path.read_text() + "\nmark-price:\n  term: Again\n")
    problems = problems_of(content)
    assert any(
        p.startswith(f"{FILE}: mark-price: is given twice (lines ") and "each term" in p
        for p in problems
    ), problems


def test_a_name_two_terms_share_is_named(content):
    edit(content / "glossary.yaml", "synonyms: [fair price]", "synonyms: [fair price, Basis]")
    assert f"{FILE}: mark-price, synonyms: “Basis” is already a name of basis" in problems_of(
        content
    ) or f"{FILE}: basis, term: “Basis” is already a name of mark-price" in problems_of(content)


def test_a_synonym_that_is_another_terms_name_is_named(content):
    edit(
        content / "glossary.yaml",
        "synonyms: [spot index, spot index price]",
        "synonyms: [Mark price]",
    )
    problems = problems_of(content)
    assert any("“Mark price” is already a name of" in p for p in problems), problems


def test_a_lesson_that_does_not_exist_is_named(content):
    edit(
        content / "glossary.yaml",
        "lessons: [what-is-a-perpetual-future, mark-price]\n  synonyms: [fair price]",
        "lessons: [mark-prise]\n  synonyms: [fair price]",
    )
    assert problems_of(content) == [f"{FILE}: mark-price, lessons: there is no lesson “mark-prise”"]


def test_an_empty_field_is_named(content):
    edit(
        content / "glossary.yaml",
        "  definition: An average of the asset's spot price",
        '  definition: ""\n  old: An average of the asset\'s spot price',
    )
    problems = problems_of(content)
    assert (
        f"{FILE}: index-price, definition: is empty; write it, or leave the field out" in problems
    )


def test_a_missing_field_is_named(content):
    edit(content / "glossary.yaml", "  term: Wick\n", "")
    assert problems_of(content) == [f"{FILE}: wick, term: is missing; it is required"]


def test_a_definition_of_two_sentences_is_refused(content):
    edit(
        content / "glossary.yaml",
        "A band of position size with its own maintenance margin rate and maximum leverage.",
        "A band of position size. It has its own rate.",
    )
    assert problems_of(content) == [
        f"{FILE}: maintenance-tier, definition: must be one sentence, ending with a full stop"
    ]


def test_an_unknown_venue_and_a_bad_slug_are_named(content):
    edit(content / "glossary.yaml", "    okx: Position tier", "    kraken: Position tier")
    edit(content / "glossary.yaml", "\nwick:\n", "\nWick Up:\n")
    problems = problems_of(content)
    assert (
        f"{FILE}: maintenance-tier, venues, kraken: is not a field here (check its spelling)"
        in problems
    )
    assert any(p.startswith(f"{FILE}: Wick Up: is not a usable slug") for p in problems), problems


def test_a_file_that_is_not_a_mapping_is_named(content):
    (content / "glossary.yaml").write_text("- just\n- a list\n")
    assert problems_of(content) == [f"{FILE}: must map each term's slug to the term"]


def test_an_admin_edit_is_kept_until_forced(content):
    Term.objects.filter(slug="wick").update(definition="Edited in the admin.")
    report = load_content(content)
    assert "Term wick" in report.kept
    assert Term.objects.get(slug="wick").definition == "Edited in the admin."
    load_content(content, force=True)
    assert Term.objects.get(slug="wick").definition.startswith("A brief spike")


def test_a_term_taken_out_of_the_file_goes_unless_edited(content):
    path = content / "glossary.yaml"
    for slug, after in [("slippage", "open-interest"), ("volatility", "unified-account")]:
        text = path.read_text()
        path.write_text(text[: text.index(f"\n{slug}:\n")] + text[text.index(f"\n{after}:\n") :])
    Term.objects.filter(slug="volatility").update(definition="Edited.")
    load_content(content)
    assert not Term.objects.filter(slug="slippage").exists()
    assert Term.objects.get(slug="volatility").definition == "Edited."


def lesson_4_html() -> str:
    return Lesson.objects.get(slug="isolated-vs-cross-margin").body_html


def test_a_loaded_change_of_a_term_renders_the_lessons_again(content):
    assert "glossary-def-leverage" in lesson_4_html()
    edit(
        content / "glossary.yaml",
        "How many times larger a position is than the margin behind it.",
        "How many times larger a position is than its margin.",
    )
    load_content(content)
    assert "How many times larger a position is than its margin." in lesson_4_html()


def test_an_admin_save_of_a_term_renders_the_lessons_again(admin_client):
    term = Term.objects.get(slug="leverage")
    url = f"/admin/glossary/term/{term.pk}/change/"
    data = page_data(admin_client.get(url))
    data = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()}
    data["synonyms"] = json.dumps(["gearing"])
    data["definition"] = "Gearing, in one sentence."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Gearing, in one sentence." in lesson_4_html()


def test_the_admin_refuses_a_lesson_that_does_not_exist(admin_client):
    term = Term.objects.get(slug="leverage")
    url = f"/admin/glossary/term/{term.pk}/change/"
    data = page_data(admin_client.get(url))
    data = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in data.items()}
    data["lessons"] = json.dumps(["no-such-lesson"])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["lessons"] == [
        "there is no lesson “no-such-lesson”"
    ]
