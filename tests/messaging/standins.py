"""Local stand-ins for the SMS providers, so tests drive the REAL SDKs over HTTP on 127.0.0.1.

Each speaks the provider's API as far as the app uses it, in the provider's
response format (errors included), and records every request it accepted:

- Aliyun dysmsapi 2017-05-25 as SDK 4.6.0 calls it: POST /?PhoneNumbers=…&SignName=…&TemplateCode=…
  &TemplateParam=…&OutId=… with headers x-acs-action: SendSms, x-acs-version: 2017-05-25 and
  Authorization: ACS3-HMAC-SHA256 Credential=<key id>,…; answers {"Code": "OK", "BizId": …}
  or a business error with HTTP 200 ({"Code": "isv.BUSINESS_LIMIT_CONTROL", …}), as Aliyun does.
  QuerySendDetails lists what was sent to a phone on a day, with OutId.
- Tencent Cloud SMS 2021-01-11, TC3-HMAC-SHA256: POST / with X-TC-Action: SendSms and a JSON
  body; answers {"Response": {"SendStatusSet": [{"Code": "Ok", "SerialNo": …}], "RequestId": …}}
  or a per-number error code in SendStatusSet, or {"Response": {"Error": {...}}}.

`fail_next(n, code, message)` makes the next n sends fail the way the provider reports it.
"""

import json
import threading
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from programs.model import SHANGHAI


class StandIn:
    def __init__(self):
        self.sent, self.queries, self.failures, self.lock = [], [], [], threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                status, answer = standin.answer(self, body)
                data = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def fail_next(self, times, code, message):
        with self.lock:
            self.failures += [(code, message)] * times

    def _failure(self):
        with self.lock:
            return self.failures.pop(0) if self.failures else None

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Aliyun(StandIn):
    def answer(self, handler, body):
        params = dict(parse_qsl(urlsplit(handler.path).query))
        params.update(parse_qsl(body.decode()))
        request_id = str(uuid.uuid4()).upper()
        action = handler.headers.get("x-acs-action")
        if not (handler.headers.get("Authorization") or "").startswith("ACS3-HMAC-SHA256 Credential="):
            return 400, {"RequestId": request_id, "Code": "MissingSignature", "Message": "Signature is mandatory for this action."}
        if handler.headers.get("x-acs-version") != "2017-05-25":
            return 400, {"RequestId": request_id, "Code": "InvalidVersion", "Message": "Specified parameter Version is not valid."}
        if action == "SendSms":
            failure = self._failure()
            if failure:
                return 200, {"RequestId": request_id, "Code": failure[0], "Message": failure[1]}
            biz_id = f"{uuid.uuid4().int % 10**18}^0"
            with self.lock:
                self.sent.append(
                    {
                        **params,
                        "TemplateParam": json.loads(params["TemplateParam"]),
                        "BizId": biz_id,
                        "SendDate": datetime.now(SHANGHAI).strftime("%Y%m%d"),
                    }
                )
            return 200, {"RequestId": request_id, "Code": "OK", "Message": "OK", "BizId": biz_id}
        if action == "QuerySendDetails":
            self.queries.append(params)
            found = [s for s in self.sent if s["PhoneNumbers"] == params["PhoneNumber"] and s["SendDate"] == params["SendDate"]]
            details = [
                {
                    "PhoneNum": s["PhoneNumbers"],
                    "SendStatus": 3,
                    "ErrCode": "DELIVERED",
                    "TemplateCode": s["TemplateCode"],
                    "Content": "",
                    "SendDate": s["SendDate"],
                    "ReceiveDate": s["SendDate"],
                    "OutId": s.get("OutId"),
                }
                for s in found
            ]
            return 200, {
                "RequestId": request_id,
                "Code": "OK",
                "Message": "OK",
                "TotalCount": len(details),
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": details},
            }
        return 404, {"RequestId": request_id, "Code": "InvalidAction.NotFound", "Message": "Specified api is not found."}


class Tencent(StandIn):
    def answer(self, handler, body):
        request_id = str(uuid.uuid4())
        action = handler.headers.get("X-TC-Action")
        if not (handler.headers.get("Authorization") or "").startswith("TC3-HMAC-SHA256"):
            return 200, {"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "签名错误"}, "RequestId": request_id}}
        if action != "SendSms":
            return 200, {"Response": {"Error": {"Code": "InvalidAction", "Message": "接口不存在"}, "RequestId": request_id}}
        params = json.loads(body)
        failure = self._failure()
        phone = params["PhoneNumberSet"][0]
        if failure:
            status = {
                "SerialNo": "",
                "PhoneNumber": phone,
                "Fee": 0,
                "SessionContext": "",
                "Code": failure[0],
                "Message": failure[1],
                "IsoCode": "CN",
            }
        else:
            serial = f"2433:{uuid.uuid4().int % 10**20}"
            with self.lock:
                self.sent.append({**params, "SerialNo": serial})
            status = {
                "SerialNo": serial,
                "PhoneNumber": phone,
                "Fee": 1,
                "SessionContext": "",
                "Code": "Ok",
                "Message": "send success",
                "IsoCode": "CN",
            }
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}
