from django import forms

from search.selectors import MAX_QUERY


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search lessons, strategies, terms and tools",
        max_length=MAX_QUERY,
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
        error_messages={
            "max_length": "Search for at most %(limit_value)d characters (you typed %(show_value)d)"
        },
    )
