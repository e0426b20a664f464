"""Delivery adapters: e-mail over SMTP (zh-CN, UTF-8) and the WeCom and DingTalk group robots
(markdown messages; DingTalk's signed with HMAC-SHA256 of its secret). `Notifier.send` either
delivers a message or raises `DeliveryError`; `NotConfigured` when its channel has no setting."""
import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

EMAIL, WECOM, DINGTALK = "email", "wecom", "dingtalk"
CHANNELS = (EMAIL, WECOM, DINGTALK)
TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The server was unreachable or refused the message: try again later."""


class NotConfigured(DeliveryError):
    """The channel has no server configured: nothing can be sent on it."""


@dataclass(frozen=True)
class Settings:
    smtp_url: str | None = None
    mail_from: str = "archive@localhost"
    wecom_webhook: str | None = None
    dingtalk_webhook: str | None = None
    dingtalk_secret: str | None = None

    @classmethod
    def from_config(cls, config):
        return cls(smtp_url=config.get("SMTP_URL"), mail_from=config.get("MAIL_FROM") or "archive@localhost",
                   wecom_webhook=config.get("WECOM_WEBHOOK"), dingtalk_webhook=config.get("DINGTALK_WEBHOOK"),
                   dingtalk_secret=config.get("DINGTALK_SECRET"))

    def configured(self):
        """The channels a message can be sent on."""
        found = {EMAIL: self.smtp_url, WECOM: self.wecom_webhook, DINGTALK: self.dingtalk_webhook}
        return [channel for channel, value in found.items() if value]


class Notifier:
    def __init__(self, settings, *, now_ms=None):
        self.settings = settings
        self._now_ms = now_ms

    def send(self, channel, recipient, subject, body):
        if channel == EMAIL:
            return self._email(recipient, subject, body)
        if channel == WECOM:
            return self._wecom(subject, body)
        if channel == DINGTALK:
            return self._dingtalk(subject, body)
        raise NotConfigured(f"unknown channel {channel!r}")

    # ---- e-mail ----

    def _email(self, recipient, subject, body):
        url = self.settings.smtp_url
        if not url:
            raise NotConfigured("ARCHIVE_SMTP_URL is not set")
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.settings.mail_from
        message["To"] = recipient
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="archive-service")
        message.set_content(body, charset="utf-8")
        parts = urllib.parse.urlsplit(url)
        secure = parts.scheme == "smtps"
        port = parts.port or (465 if secure else 25)
        try:
            client_class = smtplib.SMTP_SSL if secure else smtplib.SMTP
            with client_class(parts.hostname, port, timeout=TIMEOUT_SECONDS) as client:
                if "starttls=1" in (parts.query or ""):
                    client.starttls()
                if parts.username:
                    client.login(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as failed:
            raise DeliveryError(f"SMTP {parts.hostname}:{port}: {failed}") from failed

    # ---- group robots ----

    def _wecom(self, subject, body):
        url = self.settings.wecom_webhook
        if not url:
            raise NotConfigured("ARCHIVE_WECOM_WEBHOOK is not set")
        self._post(url, {"msgtype": "markdown", "markdown": {"content": f"**{subject}**\n{body}"}})

    def _dingtalk(self, subject, body):
        url = self.settings.dingtalk_webhook
        if not url:
            raise NotConfigured("ARCHIVE_DINGTALK_WEBHOOK is not set")
        if self.settings.dingtalk_secret:
            url = signed_dingtalk_url(url, self.settings.dingtalk_secret, self._timestamp_ms())
        self._post(url, {"msgtype": "markdown", "markdown": {"title": subject, "text": f"#### {subject}\n{body}"}})

    def _timestamp_ms(self):
        return self._now_ms() if self._now_ms is not None else int(time.time() * 1000)

    def _post(self, url, payload):
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                answer = response.read()
        except (OSError, urllib.error.URLError) as failed:
            raise DeliveryError(f"webhook {urllib.parse.urlsplit(url).netloc}: {failed}") from failed
        try:
            errcode = json.loads(answer).get("errcode", 0)
        except (ValueError, AttributeError):
            raise DeliveryError(f"webhook answered something that is not JSON: {answer[:100]!r}") from None
        if errcode != 0:
            raise DeliveryError(f"webhook refused the message: {answer[:200].decode('utf-8', 'replace')}")


def signed_dingtalk_url(url, secret, timestamp_ms):
    """DingTalk's signature: base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"
