"""The quiz admin: a whole quiz (questions and their choices) is written on one page.

Django's admin does not nest inlines, so each question form of the quiz page
carries its own formset of choices (`form.choices`), validated and saved with it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet, inlineformset_factory

from core.edit_conflicts import FIELD, UnchangedSinceOpenedForm
from quiz.computations import COMPUTATIONS
from quiz.models import Attempt, Choice, Question, Quiz, choice_problems

CHOICE_FIELDS = ["position", "text", "is_correct", "feedback"]


def _listed(items) -> str:
    return ", ".join(f"{name} ({label})" for name, label in items)


def figures_help() -> str:
    """Each computation's figures and working values, for the figures field's help."""
    return "; ".join(
        f"{key}: {_listed((f.name, f.label) for f in computation.figures)}, "
        f"and for the explanation {_listed((w.name, w.label) for w in computation.working)}"
        for key, computation in COMPUTATIONS.items()
    )


def mistakes_help() -> str:
    """Each computation's mistakes it can recognise, for the mistakes field's help."""
    return "; ".join(
        f"{key}: {_listed(computation.mistakes.items())}"
        for key, computation in COMPUTATIONS.items()
    )


CHOICE_WIDGETS = {
    "feedback": forms.Textarea(attrs={"rows": 2, "cols": 50}),
    "text": forms.TextInput(attrs={"size": 50}),
}


class ChoiceFormSet(BaseInlineFormSet):
    """Choices that fit their question's kind: one right answer for single choice, etc."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        flags = [
            form.cleaned_data.get("is_correct", False)
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = choice_problems(self.instance.kind, flags)
        if problems:
            raise ValidationError(problems)


NestedChoiceFormSet = inlineformset_factory(
    Question,
    Choice,
    form=UnchangedSinceOpenedForm,
    formset=ChoiceFormSet,
    fields=CHOICE_FIELDS,
    widgets=CHOICE_WIDGETS,
    extra=0,
)


class QuestionFormSet(BaseInlineFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        form.choices = NestedChoiceFormSet(
            data=form.data if form.is_bound else None,
            instance=form.instance,
            prefix=f"{form.prefix}-choices",
        )
        # Blank rows to write into: four for a new question, two more for one that exists.
        form.choices.extra = 2 if form.instance.pk else 4

    def _blank(self, form) -> bool:
        return form.instance.pk is None and not form.has_changed()

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for form in self.forms:
            if self._should_delete_form(form):
                continue
            if self._blank(form):
                if form.choices.has_changed():
                    form.add_error(None, "Write the question these choices belong to.")
                    valid = False
                continue
            if not form.choices.is_valid():
                form.add_error(None, "Check this question's choices.")
                valid = False
        return valid

    def save(self, commit: bool = True):
        saved = super().save(commit=commit)
        for form in self.forms:
            if form in self.deleted_forms or form.instance.pk is None:
                continue
            form.choices.instance = form.instance
            form.choices.save()
        return saved


class QuestionInline(admin.StackedInline):
    model = Question
    form = UnchangedSinceOpenedForm
    formset = QuestionFormSet
    template = "admin/quiz/question_inline.html"
    extra = 0
    show_change_link = True
    fields = [
        ("position", "kind", "objective"),
        "prompt",
        "explanation",
        "lesson_section",
        ("computation", "tolerance_percent", "tolerance_minimum"),
        "figures",
        "mistakes",
        FIELD,
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"prompt", "explanation"}:
            field.widget.attrs["rows"] = 3
        if db_field.name == "figures":
            field.widget.attrs["rows"] = 4
            field.help_text = f"{field.help_text} Figures by computation: {figures_help()}."
        if db_field.name == "mistakes":
            field.widget.attrs["rows"] = 4
            field.help_text = f"{field.help_text} Mistakes by computation: {mistakes_help()}."
        return field

    def get_queryset(self, request):
        # Retired questions are the attempts' record, no longer part of the quiz.
        return super().get_queryset(request).live()


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    form = UnchangedSinceOpenedForm
    list_display = ["title", "lesson", "pass_mark", "is_published", "updated_at"]
    list_filter = ["is_published"]
    list_select_related = ["lesson__level"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "questions__prompt"]
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    form = UnchangedSinceOpenedForm
    formset = ChoiceFormSet
    fields = [*CHOICE_FIELDS, FIELD]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in CHOICE_WIDGETS:
            kwargs["widget"] = CHOICE_WIDGETS[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """One question on its own page, for when the quiz page gets long."""

    form = UnchangedSinceOpenedForm
    list_display = ["__str__", "quiz", "kind", "objective", "lesson_section", "is_retired"]
    list_filter = ["quiz", "kind", "is_retired"]
    list_select_related = ["quiz"]
    inlines = [ChoiceInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["pk", "quiz", "user", "started_at", "finished_at", "percent", "passed"]
    list_filter = ["quiz", "passed"]
    list_select_related = ["quiz", "user"]
    readonly_fields = [f.name for f in Attempt._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
