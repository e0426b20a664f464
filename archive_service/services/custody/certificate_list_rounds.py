"""A certificate list goes back to A (R15): when B or the custodian finds a real difference they
return the list with what they counted and why; A corrects the entries and signs again, and B and
the custodian check again. Each return starts a new round: the returned round's signatures are
kept, superseded, and only the new round's three signatures count (they cover the corrected
content's hash)."""
import json

from ...db import for_update, transaction
from ...domain import certificates as rules
from ...domain.errors import Conflict, Forbidden, require
from ...domain.timeutil import local_date, to_db
from ...models import Certificate, CertificateKind, CertificateListReturn, StocktakeScan
from ..archive import number_scheme
from ..platform import audit, outbox, search_index
from . import certificate_kinds
from .certificate_lists import (
    checker_role,
    list_contents,
    list_rows,
    list_view,
    load_visible,
    require_not_in_safe,
    sign,
)

NOTICE = "certificate_list"


def _url(handover):
    return f"/certificate-handovers/{handover.id}"


def return_to_a(actor, handover_id, checks, note, *, now):
    """B (at B's check) or the custodian (at theirs) returns the list to A with a note and, when
    `checks` are given, the differences they counted (as in `confirm`). Audited; A is told."""
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        role = checker_role(actor, handover)
        text = rules.clean_return_note(note)
        diffs = rules.differences(list_contents(list_rows(handover)), checks) if checks is not None else []
        CertificateListReturn.create(handover=handover, round=handover.round, role=role, returned_by=actor.id,
                                     returned_at=to_db(now), note=text,
                                     differences=json.dumps(diffs, ensure_ascii=False))
        handover.state, handover.round = rules.RETURNED, handover.round + 1
        handover.save()
        audit.record(actor, "certificate_list.return", "certificate_list", handover.id,
                     {"role": role, "round": handover.round - 1, "note": text, "differences": diffs}, now=now)
        project = handover.project
        outbox.notify([project.a_user], kind=NOTICE, obj=project.code, url=_url(handover), now=now,
                      message=f"项目 {project.code} 的重要权证移交清单被{rules.RETURNER_NAMES[role]}"
                              f"{actor.display_name}退回:{text}"
                              f"{f'(差异 {len(diffs)} 处)' if diffs else ''}。请核对原件、更正清单并重新签字。")
    return list_view(handover)


def _require_a_of_returned(actor, handover, doing):
    """Only the project's A, and only while the list is returned, corrects it or signs it again."""
    project = handover.project
    require(actor.id == project.a_user_id, Forbidden, "certificate.not_a_role",
            f"只有本项目的A角({project.a_user.display_name})可以{doing}")
    require(handover.state == rules.RETURNED, Conflict, "certificate.not_returned",
            f"该清单当前为「{rules.LIST_STATE_NAMES[handover.state]}」,未被退回:只有退回A角的清单才能{doing}")


def correct(actor, handover_id, entries, *, now):
    """A's corrected entries of a returned list (the whole list, as at `create`). An entry with the
    `id` of one of the list's certificates corrects it (it keeps its label code); one without is a
    new certificate with a new label; a certificate no entry names is struck from the list. A
    signs afterwards (`sign_again`)."""
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        _require_a_of_returned(actor, handover, "更正清单")
        rows = list_rows(handover)
        cleaned = rules.clean_corrections(entries, {c.id for c in rows})
        known = certificate_kinds.known_kinds()
        kinds = [certificate_kinds.resolve(known, e["kind"], n) for n, e in enumerate(cleaned)]
        list(for_update(CertificateKind.select().where(CertificateKind.id.in_([k.id for k in kinds]))))
        for n, (entry, kind) in enumerate(zip(cleaned, kinds, strict=True)):
            require_not_in_safe(kind, entry["number"], n, besides=handover.id)
        kept = {e["id"] for e in cleaned if e["id"] is not None}
        struck = [c for c in rows if c.id not in kept]
        scanned = StocktakeScan.select().where(StocktakeScan.certificate.in_([c.id for c in struck])).exists() \
            if struck else False
        require(not scanned, Conflict, "certificate.entry_scanned",
                "要删除的权证已在盘点中被扫描过,不能从清单中删除;请保留该项并在退回说明中注明")
        before = list_contents(rows)
        added = _write(handover, cleaned, kinds, struck, now)
        handover.content_hash = rules.content_hash(list_contents(list_rows(handover)))
        handover.save()
        audit.record(actor, "certificate_list.correct", "certificate_list", handover.id,
                     {"round": handover.round, "before": json.loads(rules.canonical(before)),
                      "struck": [c.code for c in struck], "added": added, "hash": handover.content_hash}, now=now)
    return list_view(handover)


def _write(handover, cleaned, kinds, struck, now):
    """Strike, correct and add; answers the new label codes."""
    if struck:
        ids = [c.id for c in struck]
        search_index.remove("certificate", ids)
        Certificate.delete().where(Certificate.id.in_(ids)).execute()
    year, added = local_date(now).year, []
    for n, (entry, kind) in enumerate(zip(cleaned, kinds, strict=True)):
        fields = {"kind": kind, "name": entry["name"], "number": entry["number"], "owner": entry["owner"],
                  "quantity": entry["quantity"], "position": n}
        if entry["id"] is None:
            code = rules.label_code(year, number_scheme.next_seq(f"certificate-{year}"))
            cert_id = Certificate.create(code=code, handover=handover, project=handover.project_id,
                                         status=rules.LISTED, **fields).id
            added.append(code)
        else:
            cert_id = entry["id"]
            Certificate.update(**fields).where(Certificate.id == cert_id).execute()
        search_index.put("certificate", cert_id, entry["name"], entry["owner"])
    return added


def sign_again(actor, handover_id, *, now):
    """A signs the (corrected) list again: a new round starts at B's check, and A's signature
    covers the list's content as it now stands. B is told."""
    with transaction():
        handover = load_visible(actor, handover_id, lock=True)
        _require_a_of_returned(actor, handover, "重新签字")
        handover.content_hash = rules.content_hash(list_contents(list_rows(handover)))
        handover.state = rules.PENDING_B
        handover.save()
        sign(handover, rules.A, actor.id, now)
        audit.record(actor, "certificate_list.sign", "certificate_list", handover.id,
                     {"round": handover.round, "hash": handover.content_hash}, now=now)
        project = handover.project
        outbox.notify([project.b_user], kind=NOTICE, obj=project.code, url=_url(handover), now=now,
                      message=f"项目 {project.code} 的重要权证移交清单已由A角{actor.display_name}更正并重新签字,"
                              "请对照原件重新核对。")
    return list_view(handover)
