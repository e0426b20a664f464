"""Sign-in throttling: failures counted per username and client address, so a stranger who keeps
failing from one address locks only that pair, never the account for everyone."""
from peewee import CharField, DateTimeField, IntegerField

from .core import BaseModel


class LoginThrottle(BaseModel):
    """Failed sign-ins of one username (known or not) from one client address, and until when that
    pair is refused."""

    username = CharField(max_length=64)
    client_addr = CharField(max_length=64)
    failures = IntegerField(default=0)
    locked_until = DateTimeField(null=True)

    class Meta:
        indexes = ((("username", "client_addr"), True),)


MODELS = [LoginThrottle]
__all__ = ["LoginThrottle"]
