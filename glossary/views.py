from itertools import groupby

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from core.page_cache import render_cached_page
from glossary import hooks
from glossary.models import Term
from glossary.selectors import term_get, term_list

SLUG_LENGTH = Term._meta.get_field("slug").max_length


# Both pages are the same for everyone: from the page cache, which saving a term clears.
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    def build_context() -> dict:
        terms = term_list()
        letters = [
            (letter, list(group))
            for letter, group in groupby(terms, key=lambda term: term.term[:1].upper())
        ]
        return {"letters": letters, "count": len(terms), "breadcrumbs": [("Glossary", None)]}

    return render_cached_page(
        request, key="glossary", template_name="glossary/index.html", build_context=build_context
    )


@require_safe
def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    if len(slug) > SLUG_LENGTH:  # no such term, and too long for a cache key
        raise Http404("No such term in the glossary.")

    def build_context() -> dict:
        term = term_get(slug=slug)
        if term is None:
            raise Http404("No such term in the glossary.")
        return {
            "term": term,
            "lessons": hooks.lesson_links(term.lessons),
            "breadcrumbs": [("Glossary", reverse("glossary:index")), (term.term, None)],
        }

    return render_cached_page(
        request,
        key=f"glossary:{slug}",
        template_name="glossary/term.html",
        build_context=build_context,
    )
