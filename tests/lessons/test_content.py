"""Lessons as content files: loading keeps admin edits; each mistake names its file and field."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.content import ContentError, load_content
from lessons.models import Lesson, Level
from tests.content_files import edit, problems_of

pytestmark = pytest.mark.django_db

LESSON_4_FILE = "beginner/04-isolated-vs-cross-margin.md"


def test_the_shipped_lessons_are_loaded_with_their_front_matter(lesson_4):
    lessons = list(Lesson.objects.filter(level__slug="beginner"))
    assert [lesson.number for lesson in lessons] == [1, 2, 3, 4]
    assert all(lesson.is_published and lesson.content_hash for lesson in lessons)
    assert lesson_4.title == "Isolated vs Cross Margin"
    assert lesson_4.body.startswith("## What margin is {#what-margin-is}")
    names = [level.name for level in Level.objects.all()]
    assert names == ["Beginner", "Intermediate", "Strategies", "Advanced"]  # by position
    assert Level.objects.get(slug="strategies").kind == Level.Kind.STRATEGIES


def test_loading_again_changes_nothing(content):
    report = load_content(content)
    assert report.created == report.updated == report.kept == []
    assert "Lesson beginner/isolated-vs-cross-margin" in report.unchanged


def test_an_edited_file_updates_a_lesson_nobody_edited(content, lesson_4):
    edit(content / LESSON_4_FILE, "Isolated vs Cross Margin", "Isolated or Cross Margin")
    report = load_content(content)
    assert report.updated == ["Lesson beginner/isolated-vs-cross-margin"]
    lesson_4.refresh_from_db()
    assert lesson_4.title == "Isolated or Cross Margin"
    # and the next load knows it as loaded
    assert load_content(content).updated == []


def test_an_admin_edit_survives_any_number_of_loads_and_force_replaces_it(content, lesson_4):
    lesson_4.body = "Edited in the admin."
    lesson_4.save()
    edit(content / LESSON_4_FILE, "Isolated vs Cross Margin", "Isolated or Cross Margin")
    for _ in range(3):
        report = load_content(content)
        assert report.kept == ["Lesson beginner/isolated-vs-cross-margin"]
    lesson_4.refresh_from_db()
    assert lesson_4.body == "Edited in the admin."
    assert lesson_4.title == "Isolated vs Cross Margin"

    load_content(content, force=True)
    lesson_4.refresh_from_db()
    assert "54,271" in lesson_4.body
    assert lesson_4.title == "Isolated or Cross Margin"


def test_unpublishing_in_the_admin_sticks(lesson_4, client):
    lesson_3 = Lesson.objects.get(level__slug="beginner", number=3)
    lesson_3.is_published = False
    lesson_3.save()
    for _ in range(2):
        call_command("load_content", stdout=None)
    lesson_3.refresh_from_db()
    assert not lesson_3.is_published
    assert client.get(lesson_3.get_absolute_url()).status_code == 404


def test_the_command_says_what_it_kept_and_how_to_force(lesson_4, capsys):
    lesson_4.summary = "An editor's summary."
    lesson_4.save()
    call_command("load_content")
    out = capsys.readouterr().out
    assert "1 kept as edited in the admin" in out
    assert "Lesson beginner/isolated-vs-cross-margin" in out
    assert "manage.py load_content --force" in out


def test_a_new_lesson_file_is_created(content, client):
    (content / "beginner" / "05-fees.md").write_text(
        "---\ntitle: Fees\nslug: fees\nnumber: 5\nsummary: What trading costs.\n---\n\n"
        "## Fees {#fees}\n\nEvery trade pays a fee.\n"
    )
    assert load_content(content).created == ["Lesson beginner/fees"]
    assert "Every trade pays a fee." in client.get("/learn/beginner/fees/").content.decode()


def test_a_bad_file_leaves_everything_as_it_was(content):
    (content / "beginner" / "05-fees.md").write_text(
        "---\ntitle: Fees\nslug: fees\nnumber: 5\nsummary: What trading costs.\n---\n\nText.\n"
    )
    edit(content / LESSON_4_FILE, "number: 4", "number: four")
    with pytest.raises(ContentError):
        load_content(content)
    assert not Lesson.objects.filter(slug="fees").exists()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("number: 4", "number: four", "beginner/04-isolated-vs-cross-margin.md: number: "),
        ("number: 4", "number: 4\nauthor: me", "md: author: is not a field here"),
        ("title: Isolated vs Cross Margin\n", "", "md: title: is missing; it is required"),
        ("slug: isolated-vs-cross-margin", "slug: Isolated vs Cross", "md: slug: Enter a valid"),
        ("number: 4", "number: 3", "md: the file: Another lesson in this level has this number."),
        ("title: Isolated", "title: [Isolated", "md: is not valid YAML (line 3)"),
        ("---\ntitle", "title", "md: front matter: is missing"),
        (
            "[[simulator ",
            "[[calculator ",
            "md: body: Line 96: there is no embed called “calculator” "
            "(known: check, collateral, simulator)",
        ),
        ('title="Try it', "title=Try it", "md: body: Simulator 1 (line 96): cannot read its"),
        ("[[simulator id=btc-move", "[[simulator btc-move", "“btc-move” is not name=value"),
    ],
)
def test_each_mistake_names_the_file_and_the_field(content, old, new, expected):
    edit(content / LESSON_4_FILE, old, new)
    problems = problems_of(content)
    assert any(expected in problem for problem in problems), problems
    assert all(problem.startswith("content/") for problem in problems)


def test_a_level_folder_needs_its_level_file(content):
    (content / "beginner" / "_level.yaml").unlink()
    assert problems_of(content) == [
        "content/beginner/_level.yaml: is missing: every level folder needs a _level.yaml"
    ]


def test_a_level_file_is_checked_too(content):
    edit(content / "beginner" / "_level.yaml", "position: 1", "position: first")
    assert any(
        problem.startswith("content/beginner/_level.yaml: position: ")
        for problem in problems_of(content)
    )


def test_check_content_reports_every_problem_and_changes_nothing(content, lesson_4):
    edit(content / LESSON_4_FILE, "number: 4", "number: four")
    edit(content / "beginner" / "_level.yaml", "name: Beginner", "name: [")
    with pytest.raises(CommandError) as caught:
        call_command("check_content", "--dir", str(content))
    message = str(caught.value)
    assert "content/beginner/_level.yaml: is not valid YAML" in message
    assert "Fix them and check again." in message


def test_check_content_passes_on_the_shipped_content(capsys):
    call_command("check_content")
    assert "is valid" in capsys.readouterr().out


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ContentError, match="is not a folder"):
        load_content(tmp_path / "nowhere")
