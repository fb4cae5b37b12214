"""Posting an admin change page as a browser would: every field as the page shows it."""


def form_data(form) -> dict:
    """What a browser posts for a form as the page shows it."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            value = "on"
        if value not in (None, False):
            data[form.add_prefix(name)] = value
    return data


def formset_data(formset) -> dict:
    management = formset.management_form
    data = {management.add_prefix(n): management[n].value() for n in management.fields}
    for form in formset.forms:
        data.update(form_data(form))
        if hasattr(form, "choices"):  # a question's own formset of choices (quiz/admin.py)
            data.update(formset_data(form.choices))
    return data


def page_data(page) -> dict:
    """The post that saves an admin change page as it stands, inlines and all."""
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(formset_data(inline.formset))
    return data
