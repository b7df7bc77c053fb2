"""E-mail to staff when an SMS is given up on: the admin's console shows it too, but
nobody watches a console on a Sunday, and a family may be waiting for their result.

Optional: without STAFF_ALERT_EMAIL and SMTP_HOST nothing is sent. The mail names
the class, the session, the kind of message and the provider's reason, and links
to the person's page in the console; it carries no child's name or phone number.
"""

import logging
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


def configured(config):
    return bool(config.get("SMTP_HOST") and config.get("STAFF_ALERT_EMAIL"))


def send_to_staff(config, subject, body):
    """Send one plain-text mail to STAFF_ALERT_EMAIL; a failure is logged, never raised:
    the worker must go on sending SMS whatever the mail server does."""
    if not configured(config):
        return False
    message = EmailMessage()
    message["From"] = config.get("SMTP_FROM") or "union-classes@localhost"
    message["To"] = config["STAFF_ALERT_EMAIL"]
    message["Subject"] = subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=TIMEOUT_SECONDS) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.error("staff alert mail not sent: %s", error)
        return False
    return True
