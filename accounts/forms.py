from crispy_forms.helper import FormHelper
from django import forms

from core.forms import ErrorList, error_list


class DeleteForm(forms.Form):
    """The last step before deleting everything: a box to tick, on purpose."""

    confirm = forms.BooleanField(
        error_messages={"required": "Tick the box to confirm that you want everything deleted"},
    )

    def __init__(self, *args, has_account: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = (
            "Yes, delete my account, my quiz attempts, my progress and my review. "
            "I understand that this cannot be undone."
            if has_account
            else "Yes, delete the quiz attempts, progress and review kept for this browser. "
            "I understand that this cannot be undone."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def error_summary(self) -> ErrorList:
        return error_list([(self, "")], fallback="id_confirm")
