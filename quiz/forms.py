from crispy_forms.bootstrap import AppendedText, PrependedText
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.functional import cached_property

from core.forms import ErrorList, error_list
from core.numbers import NUMBER_HINT, NotANumber, parse_number
from quiz import services
from quiz.models import AttemptQuestion, Question
from quiz.numeric import OUT_OF_RANGE, in_answer_range
from quiz.services import Answer

NOT_AN_OPTION = "That answer is not one of this question's options."
HINTS = {Question.Kind.MULTIPLE: "Select all that apply."}
# What a numeric answer is, by the computation's answer format: the hint under the
# input and the unit beside it.
NUMERIC_HINTS = {
    "money": "Type an amount in dollars, in digits. A $ sign, commas and cents are optional.",
    "price": "Type a price in dollars, in digits. A $ sign, commas and cents are optional.",
    "percent": "Type a percentage in digits, such as 12.5. The % sign is optional.",
    "number": "Type a number in digits. Commas and decimals are optional.",
}


class AnswerForm(forms.Form):
    """Reads one answer from a post. It checks the input's shape; grading is a service's job.

    The prompt is the field's label: the legend of the choices' fieldset, or the
    label of the amount's input.
    """

    error_css_class = "has-error"

    def __init__(self, *args, item: AttemptQuestion, **kwargs) -> None:
        kwargs.setdefault("auto_id", "%s")  # the input is #answer, its hint #answer_helptext
        super().__init__(*args, **kwargs)
        self.question = item.question
        kind = self.question.kind
        choices = [(str(choice.pk), choice.text) for choice in self.question.choices.all()]
        invalid = {"invalid_choice": NOT_AN_OPTION, "invalid_list": NOT_AN_OPTION}
        self.answer_format = (
            self.question.computation_spec.answer_format
            if kind == Question.Kind.NUMERIC and self.question.computation_spec
            else "money"
        )
        hint = NUMERIC_HINTS[self.answer_format] if kind == Question.Kind.NUMERIC else ""
        common = {"label": item.prompt, "help_text": hint or HINTS.get(kind, "")}
        if kind == Question.Kind.NUMERIC:
            field = forms.CharField(
                max_length=60,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"}
                ),
                error_messages={
                    "required": "Enter your answer as an amount in digits",
                    "max_length": NUMBER_HINT,
                },
                **common,
            )
        elif kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Select at least one answer", **invalid},
                **common,
            )
        else:
            field = forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select an answer", **invalid},
                **common,
            )
        self.fields["answer"] = field

    @cached_property
    def helper(self) -> FormHelper:
        """How crispy lays the field out; made only when the form is drawn (an answer
        taken is only read)."""
        helper = FormHelper()
        helper.form_tag = False  # the template's form carries htmx's attributes
        helper.disable_csrf = True
        # A leading space: crispy's prepended-text template joins it to "form-label".
        helper.label_class = " quiz-prompt"
        if self.question.kind == Question.Kind.NUMERIC:
            helper.field_class = "quiz-amount"
            if self.answer_format in {"money", "price"}:
                answer = PrependedText("answer", "$", wrapper_class="quiz-fieldset")
            elif self.answer_format == "percent":
                answer = AppendedText("answer", "%", wrapper_class="quiz-fieldset")
            else:
                answer = Field("answer", wrapper_class="quiz-fieldset")
        else:
            helper.field_class = "quiz-options"
            answer = Field("answer", wrapper_class="quiz-fieldset")
        helper.layout = Layout(answer)
        return helper

    def clean_answer(self):
        value = self.cleaned_data["answer"]
        if self.question.kind == Question.Kind.MULTIPLE and len(set(value)) < len(value):
            raise forms.ValidationError("The same option was sent twice.", code="repeated")
        if self.question.kind != Question.Kind.NUMERIC:
            return value
        if self.answer_format == "percent":
            value = value.strip().removesuffix("%")
        try:
            number = parse_number(value)
        except NotANumber as error:
            raise forms.ValidationError(str(error), code="invalid") from None
        if not in_answer_range(number):
            raise forms.ValidationError(OUT_OF_RANGE, code="out_of_range")
        return number

    @property
    def refusal(self) -> services.Refused | None:
        """Why the view refuses the post outright (a choice no option offers, or one sent
        twice: tampering, not a slip), or None for a form to show again."""
        if self.has_error("answer", "invalid_choice") or self.has_error("answer", "invalid_list"):
            return services.ForeignChoice()
        if self.has_error("answer", "repeated"):
            return services.RepeatedChoice()
        return None

    def error_summary(self) -> ErrorList:
        return error_list([(self, "")], fallback=self["answer"].auto_id)

    def answer(self) -> Answer:
        value = self.cleaned_data["answer"]
        if self.question.kind == Question.Kind.NUMERIC:
            return Answer(number=value, text=self.data.get("answer", "").strip())
        values = value if isinstance(value, list) else [value]
        return Answer(choice_ids=tuple(int(pk) for pk in values))
