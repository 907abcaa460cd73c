"""The library: documents, one document's passages, and the upload form for the secretariat."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thiqa.accounts import policy
from thiqa.catalogue.access import readable
from thiqa.library import services
from thiqa.library.models import CitedPassage, Document
from thiqa.library.reading import EXTENSIONS, MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (.txt in UTF-8, .pdf or .docx, up to 20 MB)"))
    symbol = forms.CharField(label=gettext_lazy("Document symbol"), max_length=120, required=False)
    title_en = forms.CharField(label=gettext_lazy("Title in English"), max_length=400, required=False)
    title_ar = forms.CharField(label=gettext_lazy("Title in Arabic"), max_length=400, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not any(upload.name.lower().endswith(ext) for ext in EXTENSIONS):
            raise forms.ValidationError(_("Only .txt (UTF-8), .pdf and .docx files can be added."))
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


@readable("library.view")
def documents(request: HttpRequest) -> HttpResponse:
    rows = (
        Document.objects.visible_to(request.user)
        .annotate(
            passage_count=Count("passages", distinct=True),
            item_count=Count("passages__citations__citation__item", distinct=True),
        )
        .order_by("symbol", "file_name")
    )  # Meta.ordering does not apply to aggregate queries
    return render(
        request,
        "library/documents.html",
        {"documents": rows, "may_ingest": policy.can(request.user, "library.ingest")},
    )


@readable("library.view")
def document(request: HttpRequest, slug: str) -> HttpResponse:
    doc = get_object_or_404(Document, slug=slug)
    policy.require(request.user, "library.view_document", doc)
    cited: dict[int, list[dict[str, str]]] = {}
    links = CitedPassage.objects.filter(passage__document=doc).select_related("citation__item")
    for link in links.order_by("citation__item__order"):
        item = link.citation.item
        entry = {"code": item.code, "title": item.title, "url": reverse("catalogue:item", args=[item.code])}
        if entry not in cited.setdefault(link.passage_id, []):
            cited[link.passage_id].append(entry)
    rows = [(p, cited.get(p.pk, [])) for p in doc.passages.order_by("order")]
    return render(request, "library/document.html", {"document": doc, "rows": rows})


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "library.ingest")
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.ingest(
                form.cleaned_data["file"],
                actor=request.user,
                symbol=form.cleaned_data["symbol"],
                title_en=form.cleaned_data["title_en"],
                title_ar=form.cleaned_data["title_ar"],
                request=request,
            )
        except services.LibraryError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("The document was added to the library."))
            return redirect("library:document", slug=doc.slug)
    return render(request, "library/upload.html", {"form": form})
