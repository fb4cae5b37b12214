from allauth.account import forms as allauth_forms
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


# --------------------------------------------------------------------------- allauth's forms
# The same forms, in the site's words: labels that say what to type, no
# placeholders repeating them, and errors that say what to do.

LABELS = {
    "login": "Email address",
    "email": "Email address",
    "password": "Password",
    "password1": "Password",
    "password2": "Confirm the password",
    "oldpassword": "Current password",
    "remember": "Keep me logged in on this device",
}
REQUIRED = {
    "login": "Enter your email address",
    "email": "Enter your email address",
    "password": "Enter your password",
    "password1": "Enter a password",
    "password2": "Enter the password again",
    "oldpassword": "Enter your current password",
}


class SiteWords:
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in LABELS:
                field.label = LABELS[name]
            if name in REQUIRED:
                field.error_messages["required"] = REQUIRED[name]
            if name in {"login", "email"}:
                field.error_messages["invalid"] = (
                    "Enter an email address in the right form, like name@example.com"
                )


class LoginForm(SiteWords, allauth_forms.LoginForm):
    pass


class SignupForm(SiteWords, allauth_forms.SignupForm):
    pass


class AddEmailForm(SiteWords, allauth_forms.AddEmailForm):
    pass


class ChangePasswordForm(SiteWords, allauth_forms.ChangePasswordForm):
    pass


class SetPasswordForm(SiteWords, allauth_forms.SetPasswordForm):
    pass


class ResetPasswordForm(SiteWords, allauth_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(SiteWords, allauth_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(SiteWords, allauth_forms.ReauthenticateForm):
    pass
