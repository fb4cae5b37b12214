from django import forms

from quiz.grading import NUMBER_HINT, NotANumber, parse_number
from quiz.models import AttemptQuestion, Question
from quiz.services import Answer

NOT_AN_OPTION = "That answer is not one of this question's options."


class AnswerForm(forms.Form):
    """Reads one answer from a post. It checks the input's shape; grading is a service's job."""

    def __init__(self, *args, item: AttemptQuestion, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.question = item.question
        choices = [(str(choice.pk), choice.text) for choice in self.question.choices.all()]
        invalid = {"invalid_choice": NOT_AN_OPTION, "invalid_list": NOT_AN_OPTION}
        if self.question.kind == Question.Kind.NUMERIC:
            field = forms.CharField(
                max_length=60,
                error_messages={
                    "required": "Enter your answer as an amount in digits",
                    "max_length": NUMBER_HINT,
                },
            )
        elif self.question.kind == Question.Kind.MULTIPLE:
            field = forms.MultipleChoiceField(
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": "Select at least one answer", **invalid},
            )
        else:
            field = forms.ChoiceField(
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select an answer", **invalid},
            )
        self.fields["answer"] = field

    def clean_answer(self):
        value = self.cleaned_data["answer"]
        if self.question.kind != Question.Kind.NUMERIC:
            return value
        try:
            return parse_number(value)
        except NotANumber as error:
            raise forms.ValidationError(str(error), code="invalid") from None

    @property
    def sent_foreign_choice(self) -> bool:
        """A choice no option offers: tampering, not a slip, so the view refuses it."""
        return self.has_error("answer", "invalid_choice") or self.has_error(
            "answer", "invalid_list"
        )

    @property
    def error(self) -> str:
        errors = self.errors.get("answer")
        return errors[0] if errors else ""

    def answer(self) -> Answer:
        value = self.cleaned_data["answer"]
        if self.question.kind == Question.Kind.NUMERIC:
            return Answer(number=value, text=self.data.get("answer", "").strip())
        values = value if isinstance(value, list) else [value]
        return Answer(choice_ids=tuple(int(pk) for pk in values))
