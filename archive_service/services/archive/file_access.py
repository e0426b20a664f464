"""Who may read a file's detail and scans (R19): those the permission table allows (the
archivist, executives, auditors), the project's A and B managers, and a borrower whose loan of
it is approved and not yet returned. A loan handed on at a departure (R21) makes its new borrower
answer for the return, not read: the approval was given to the one who asked. Everyone else is
refused; every read is audited by the caller."""
from ...domain import loans as loan_rules
from ...domain.errors import Forbidden
from ...domain.permissions import allowed
from ...models import Loan, Project


def may_read(actor, archive):
    if allowed(actor.roles, "archives.view"):
        return True
    project = Project.get_by_id(archive.project_id)
    if actor.id in (project.a_user_id, project.b_user_id):
        return True
    return Loan.select().where(Loan.archive == archive.id, Loan.borrower == actor.id, Loan.handed_on_in.is_null(),
                               Loan.state.in_(loan_rules.ACTIVE)).exists()


def require_read(actor, archive):
    if not may_read(actor, archive):
        raise Forbidden("archive.access_denied",
                        f"档案 {archive.archive_no} 仅限项目经办人、档案管理员、高管和审计查阅;其他人员请先申请借阅")
