"""Reading page forms: clean text and dates (the same boundary checks as the API's field types,
domain/bounds.py), and the handover forms' numbered rows of part/title/pages/attachment/contract."""
from ...domain.bounds import clean_text
from ...domain.timeutil import parse_date

MAX_ROWS = 500


def text(form, name, max_length=200, *, multiline=False, default=""):
    """A form field as clean, stripped text (422 naming the field for control characters or too
    long a text); `default` when the field was not sent."""
    value = form.get(name)
    if value is None:
        return default
    return clean_text(value, name, max_length=max_length, multiline=multiline)


def date(form, name):
    """A form field as a date within the service's range (422 naming the field otherwise)."""
    return parse_date(form.get(name, "").strip(), name)


def int_or_raw(value):
    """An int when the text is one; otherwise the text as given, for the service to refuse."""
    value = (value or "").strip()
    try:
        return int(value)
    except ValueError:
        return value


def item_rows(form):
    """Rows with a page count; rows whose page count is blank are left out (a checklist line the
    file does not have). Bad numbers are passed on as given so the service refuses them with its
    own code."""
    items = []
    for n in range(MAX_ROWS):
        if f"title-{n}" not in form:
            continue
        title, pages = form.get(f"title-{n}", "").strip(), form.get(f"pages-{n}", "").strip()
        if not pages:
            continue
        items.append({"part": int_or_raw(form.get(f"part-{n}")), "title": title, "pages": int_or_raw(pages),
                      "attachment": form.get(f"attachment-{n}") == "on",
                      "contract": form.get(f"contract-{n}") == "on"})
    return items


def missing_rows(form):
    rows = []
    for n in range(MAX_ROWS):
        title, reason = form.get(f"missing-title-{n}"), form.get(f"missing-reason-{n}")
        if title is None:
            continue
        if title.strip() or (reason or "").strip():
            rows.append({"title": title, "reason": reason or ""})
    return rows


def checks(form):
    found = []
    for key, value in form.items():
        if key.startswith("check-"):
            found.append({"item_id": int_or_raw(key[6:]), "pages": int_or_raw(value)})
    return found


def supplement(form, open_missing, items):
    """A's supplement form: (new items, explanations, corrections). Each open missing entry is
    answered by its radio: `supply` (a new item with the typed part, title and pages), `explain`
    (the typed note) or left for later; existing items whose typed title or pages differ are
    corrections; the extra rows are new items answering nothing."""
    new, explanations = [], []
    for entry in open_missing:
        key = f"{entry['round']}-{entry['entry']}"
        choice = form.get(f"answer-{key}")
        ref = {"round": entry["round"], "entry": entry["entry"]}
        if choice == "supply":
            new.append({"part": int_or_raw(form.get(f"sup-part-{key}")), "title": form.get(f"sup-title-{key}", ""),
                        "pages": int_or_raw(form.get(f"sup-pages-{key}")), "attachment": False, "contract": False,
                        "missing": ref})
        elif choice == "explain":
            explanations.append({**ref, "note": form.get(f"note-{key}", "")})
    corrections = []
    for item in items:
        title = form.get(f"fix-title-{item['id']}", item["title"]).strip()
        pages = int_or_raw(form.get(f"fix-pages-{item['id']}", str(item["pages"])))
        if title != item["title"] or pages != item["pages"]:
            corrections.append({"item_id": item["id"], "title": title, "pages": pages,
                                "attachment": item["attachment"], "contract": item["contract"]})
    return new + item_rows(form), explanations, corrections


def certificate_rows(form):
    """The rows of a certificate list form; rows left wholly blank are dropped."""
    rows = []
    for n in range(MAX_ROWS):
        if f"number-{n}" not in form:
            continue
        fields = {name: form.get(f"{name}-{n}", "").strip() for name in ("kind", "name", "number", "owner", "quantity")}
        if fields["name"] or fields["number"] or fields["owner"] or fields["quantity"]:
            rows.append({**fields, "quantity": int_or_raw(fields["quantity"])})
    return rows


def certificate_checks(form):
    """A checker's entries: name, number and counted quantity for each certificate id."""
    found = []
    for key in form:
        if key.startswith("quantity-"):
            cid = key[9:]
            found.append({"certificate_id": int_or_raw(cid), "name": form.get(f"name-{cid}", ""),
                          "number": form.get(f"number-{cid}", ""), "quantity": int_or_raw(form[key])})
    return found
