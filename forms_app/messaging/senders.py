"""Who delivers an SMS: Aliyun, Tencent Cloud, or (development only) a log file.

Every sender has one shape, so the worker and the verification code do not
care which provider a district signed with:

- `send(phone, kind, params, key)` returns the provider's message id, or raises
  `SendFailed` with the provider's own reason;
- `find(phone, key, since)` answers whether a message sent with idempotency key
  `key` reached the provider: its id, `NOT_FOUND`, or `UNKNOWN` when the provider
  gives no way to ask. The worker asks it before resending a message whose
  worker died between sending and recording, so a parent never gets it twice.

Providers send only approved templates (texts.py lists them, docs/operations.md
says how to submit them); a sender passes the template code configured for the
message kind and the parameters, never free text.
"""

import json
import logging
import threading
from datetime import datetime, timedelta

from programs.model import SHANGHAI
from programs.phones import mask

from . import texts

log = logging.getLogger(__name__)
NOT_FOUND, UNKNOWN = "not_found", "unknown"
TIMEOUT_MS = 10_000


class SendFailed(Exception):
    """The provider said no, or could not be reached; `reason` is what staff read."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class NotConfigured(Exception):
    """No provider is configured, or one is missing a setting."""


class Sender:
    name = "sender"

    def __init__(self, config):
        self.sign_name = config.get("SMS_SIGN_NAME") or "工会托管班"
        self.templates = config.get("SMS_TEMPLATES") or {}
        self.endpoint = config.get("SMS_ENDPOINT")

    def template(self, kind):
        code = self.templates.get(kind)
        if not code:
            raise SendFailed(f"没有配置“{texts.LABELS.get(kind, kind)}”短信的模板编号（FORMS_APP_SMS_TEMPLATES）")
        return code

    def send(self, phone, kind, params, key):
        raise NotImplementedError

    def find(self, phone, key, since):
        return UNKNOWN


class AliyunSender(Sender):
    """Aliyun SMS (dysmsapi 2017-05-25): SendSms with OutId as the idempotency key, and
    QuerySendDetails, which lists a day's messages to one phone with their OutId, to look it up."""

    name = "aliyun"

    def __init__(self, config):
        super().__init__(config)
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api_models

        key_id, secret = config.get("SMS_ACCESS_KEY_ID"), config.get("SMS_ACCESS_KEY_SECRET")
        if not key_id or not secret:
            raise NotConfigured("阿里云短信需要 FORMS_APP_SMS_ACCESS_KEY_ID 和 FORMS_APP_SMS_ACCESS_KEY_SECRET")
        endpoint = self.endpoint or "dysmsapi.aliyuncs.com"
        protocol = "http" if endpoint.startswith("http://") else "https"
        self.client = Client(
            open_api_models.Config(
                access_key_id=key_id,
                access_key_secret=secret,
                endpoint=endpoint.split("://")[-1],
                protocol=protocol,
                connect_timeout=TIMEOUT_MS,
                read_timeout=TIMEOUT_MS,
            )
        )

    def send(self, phone, kind, params, key):
        from alibabacloud_dysmsapi20170525 import models

        request = models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=self.sign_name,
            template_code=self.template(kind),
            template_param=json.dumps(params, ensure_ascii=False),
            out_id=key,
        )
        body = self._call(self.client.send_sms, request)
        if body.code != "OK":
            raise SendFailed(f"阿里云：{body.code} {body.message}")
        return body.biz_id

    def find(self, phone, key, since):
        from alibabacloud_dysmsapi20170525 import models

        day, today = since.astimezone(SHANGHAI).date(), datetime.now(SHANGHAI).date()
        while day <= today:
            request = models.QuerySendDetailsRequest(phone_number=phone, send_date=day.strftime("%Y%m%d"), page_size=50, current_page=1)
            body = self._call(self.client.query_send_details, request)
            if body.code != "OK":
                raise SendFailed(f"阿里云查询：{body.code} {body.message}")
            details = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
            if any(detail.out_id == key for detail in details or []):
                return f"OutId:{key}"
            day += timedelta(days=1)
        return NOT_FOUND

    def _call(self, method, request):
        try:
            return method(request).body
        except Exception as error:  # the SDK raises its own and the HTTP library's errors alike
            raise SendFailed(
                f"阿里云：{getattr(error, 'code', None) or type(error).__name__} {getattr(error, 'message', None) or error}"
            ) from None


class TencentSender(Sender):
    """Tencent Cloud SMS (2021-01-11): SendSms with SessionContext as the key. Tencent echoes
    SessionContext only once its support enables it, so `find` says UNKNOWN: a message whose
    worker died mid-send is shown to staff rather than sent again."""

    name = "tencent"

    def __init__(self, config):
        super().__init__(config)
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        key_id, secret = config.get("SMS_ACCESS_KEY_ID"), config.get("SMS_ACCESS_KEY_SECRET")
        self.app_id = config.get("SMS_APP_ID")
        if not key_id or not secret or not self.app_id:
            raise NotConfigured("腾讯云短信需要 FORMS_APP_SMS_ACCESS_KEY_ID、FORMS_APP_SMS_ACCESS_KEY_SECRET 和 FORMS_APP_SMS_APP_ID")
        endpoint = self.endpoint or "sms.tencentcloudapi.com"
        profile = HttpProfile(
            protocol="http" if endpoint.startswith("http://") else "https",
            endpoint=endpoint.split("://")[-1],
            reqTimeout=TIMEOUT_MS // 1000,
        )
        self.client = sms_client.SmsClient(
            credential.Credential(key_id, secret), config.get("SMS_REGION") or "ap-guangzhou", ClientProfile(httpProfile=profile)
        )

    def send(self, phone, kind, params, key):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = self.template(kind)
        request.TemplateParamSet = [str(params[name]) for name in texts.TEMPLATES[kind].params]
        request.SessionContext = key
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            raise SendFailed(f"腾讯云：{error.code} {error.message}") from None
        except Exception as error:
            raise SendFailed(f"腾讯云：{type(error).__name__} {error}") from None
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            raise SendFailed(f"腾讯云：{status.Code} {status.Message}")
        return status.SerialNo


class DevSender(Sender):
    """Development only (`make run`): each message is a JSON line in a log file, shown at
    /dev/messages, so a developer can read the code and the texts without a provider."""

    name = "dev"
    lock = threading.Lock()

    def __init__(self, config):
        super().__init__(config)
        self.path = config["DEV_MESSAGES_FILE"]
        self.public_url = config.get("PUBLIC_URL")

    def send(self, phone, kind, params, key):
        line = {
            "at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
            "to": mask(phone),
            "kind": kind,
            "key": key,
            "text": texts.render(kind, params, self.sign_name, self.public_url),
        }
        with self.lock, open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        return f"dev-{key}"

    def find(self, phone, key, since):
        return f"dev-{key}" if any(line["key"] == key for line in read_dev_messages(self.path)) else NOT_FOUND


def read_dev_messages(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


PROVIDERS = {"aliyun": AliyunSender, "tencent": TencentSender, "dev": DevSender}


def from_config(config):
    """The configured sender; NotConfigured when FORMS_APP_SMS_PROVIDER is unset or unknown."""
    provider = config.get("SMS_PROVIDER")
    if provider not in PROVIDERS:
        raise NotConfigured("没有配置短信服务：请设置 FORMS_APP_SMS_PROVIDER（aliyun 或 tencent）和相应的账号")
    return PROVIDERS[provider](config)
