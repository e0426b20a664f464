"""Who is acting, and from where: what every service call is told about its caller."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    id: int | None
    username: str
    display_name: str = ""
    roles: tuple = field(default_factory=tuple)
    client_addr: str = ""

    def has_role(self, *roles):
        return bool(set(self.roles) & set(roles))


SYSTEM = Actor(id=None, username="system", display_name="系统", roles=(), client_addr="system")
