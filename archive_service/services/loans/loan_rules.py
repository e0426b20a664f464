"""Who must approve a loan (R17): a table an admin edits, by object kind, use and the
requester's role. Until an admin sets rules for a kind of object, its defaults apply: a file
needs one approver, a certificate an approver and an executive; executives need no approval."""
from dataclasses import asdict, dataclass, replace

from ...db import transaction
from ...domain import loans
from ...domain.errors import InvalidInput, require
from ...domain.loans import ARCHIVE, CERTIFICATE, OBJECT_KINDS, USES
from ...domain.permissions import ROLES, require_permission
from ...domain.timeutil import to_db
from ...models import ApprovalRule
from ..platform import audit

ANY = "*"
MAX_DAYS_LIMIT, MAX_RENEWALS_LIMIT = 60, 10


@dataclass(frozen=True)
class Rule:
    object_kind: str
    use: str
    requester_role: str
    steps: tuple
    max_days: int
    max_renewals: int
    renewal_steps: tuple

    def view(self):
        return {**asdict(self), "steps": list(self.steps), "renewal_steps": list(self.renewal_steps),
                "step_names": [ROLES[r] for r in self.steps]}


DEFAULT_RULES = [
    Rule(ARCHIVE, ANY, "executive", (), 30, 3, ()),
    Rule(ARCHIVE, ANY, ANY, ("approver",), 10, 2, ()),
    Rule(CERTIFICATE, ANY, "executive", (), 10, 1, ()),
    Rule(CERTIFICATE, ANY, ANY, ("approver", "executive"), 5, 1, ("approver",)),
]


def _split(text):
    return tuple(r for r in text.split(",") if r)


def _from_row(row):
    return Rule(row.object_kind, row.use, row.requester_role, _split(row.steps), row.max_days, row.max_renewals,
                _split(row.renewal_steps))


def rules_of(object_kind):
    """The rules in force for one kind of object: what an admin set, else the defaults."""
    rows = [_from_row(r) for r in ApprovalRule.select().where(ApprovalRule.object_kind == object_kind)
            .order_by(ApprovalRule.id)]
    return rows or [r for r in DEFAULT_RULES if r.object_kind == object_kind]


def rule_for(object_kind, use, roles):
    """The rule for a requester with `roles`: among the rules matching the use (exact before "*")
    and one of the roles (or "*"), the one with the fewest approval steps. An executive's has none
    (R17), whatever the table says."""
    candidates = [r for r in rules_of(object_kind)
                  if r.use in (use, ANY) and (r.requester_role == ANY or r.requester_role in roles)]
    if loans.approval_exempt(roles):
        own = [r for r in candidates if r.requester_role == loans.EXEMPT_ROLE] or \
            [r for r in DEFAULT_RULES if r.object_kind == object_kind and r.requester_role == loans.EXEMPT_ROLE]
        return replace(min(own, key=lambda r: r.use == ANY), steps=(), renewal_steps=())
    require(candidates, InvalidInput, "loan.no_rule",
            f"没有适用于{OBJECT_KINDS[object_kind]}{USES.get(use, use)}的审批规则,请联系管理员设置",
            errors={"use": "没有适用的审批规则"})
    return min(candidates, key=lambda r: (len(r.steps), r.use == ANY, r.requester_role == ANY))


def all_rules():
    return {"items": [r.view() for kind in OBJECT_KINDS for r in rules_of(kind)],
            "custom": {kind: ApprovalRule.select().where(ApprovalRule.object_kind == kind).exists()
                       for kind in OBJECT_KINDS}}


def _roles(value, field):
    roles = value if isinstance(value, list) else None
    require(roles is not None and all(r in ROLES for r in roles) and len(roles) <= 5, InvalidInput,
            "loan_rule.invalid_steps", "审批步骤必须是角色列表(最多 5 步)", errors={field: "角色列表"})
    return tuple(roles)


def _number(value, field, low, high):
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    require(ok, InvalidInput, "loan_rule.invalid_number", f"{field} 必须是 {low}–{high} 的整数",
            errors={field: f"{low}–{high} 的整数"})
    return value


def clean_rule(raw, n):
    require(isinstance(raw, dict), InvalidInput, "loan_rule.invalid", f"第 {n + 1} 条规则必须是对象")
    kind, use, role = raw.get("object_kind"), raw.get("use", ANY), raw.get("requester_role", ANY)
    require(kind in OBJECT_KINDS, InvalidInput, "loan_rule.invalid_kind", "object_kind 必须是 archive 或 certificate",
            errors={f"rules.{n}.object_kind": "archive 或 certificate"})
    require(use in (*USES, ANY), InvalidInput, "loan_rule.invalid_use", "use 必须是 read、take_out 或 *",
            errors={f"rules.{n}.use": "read、take_out 或 *"})
    require(role in (*ROLES, ANY), InvalidInput, "loan_rule.invalid_role", f"未知的角色 {role}",
            errors={f"rules.{n}.requester_role": "未知的角色"})
    return Rule(kind, use, role, _roles(raw.get("steps", []), f"rules.{n}.steps"),
                _number(raw.get("max_days"), f"rules.{n}.max_days", 1, MAX_DAYS_LIMIT),
                _number(raw.get("max_renewals", 0), f"rules.{n}.max_renewals", 0, MAX_RENEWALS_LIMIT),
                _roles(raw.get("renewal_steps", []), f"rules.{n}.renewal_steps"))


def set_rules(actor, object_kind, rules, *, now):
    """Replace the rules of one kind of object (admin); an empty list goes back to the defaults."""
    require_permission(actor, "loans.rules")
    require(object_kind in OBJECT_KINDS, InvalidInput, "loan_rule.invalid_kind",
            "object_kind 必须是 archive 或 certificate", errors={"object_kind": "archive 或 certificate"})
    require(isinstance(rules, list) and len(rules) <= 50, InvalidInput, "loan_rule.invalid",
            "规则必须是列表(最多 50 条)")
    cleaned = [clean_rule({"object_kind": object_kind, **raw} if isinstance(raw, dict) else raw, n)
               for n, raw in enumerate(rules)]
    require(all(r.object_kind == object_kind for r in cleaned), InvalidInput, "loan_rule.kind_mismatch",
            f"规则的 object_kind 必须都是 {object_kind}")
    exempt = [n for n, r in enumerate(cleaned) if r.requester_role == loans.EXEMPT_ROLE
              and (r.steps or r.renewal_steps)]
    require(not exempt, InvalidInput, "loan_rule.executive_exempt",
            "董事长/总经理借阅无需审批(R17),不能为其设置审批步骤",
            errors={f"rules.{n}.steps": "董事长/总经理无需审批" for n in exempt})
    keys = [(r.use, r.requester_role) for r in cleaned]
    require(len(set(keys)) == len(keys), InvalidInput, "loan_rule.duplicate", "同一用途和角色只能有一条规则")
    with transaction():
        ApprovalRule.delete().where(ApprovalRule.object_kind == object_kind).execute()
        for r in cleaned:
            ApprovalRule.create(object_kind=r.object_kind, use=r.use, requester_role=r.requester_role,
                                steps=",".join(r.steps), max_days=r.max_days, max_renewals=r.max_renewals,
                                renewal_steps=",".join(r.renewal_steps), updated_by=actor.username,
                                updated_at=to_db(now))
        audit.record(actor, "loan_rules.set", "loan_rules", object_kind, {"rules": [r.view() for r in cleaned]},
                     now=now)
    return all_rules()
