"""The OpenAPI 3.1 description of /api, served at /api/openapi.json.

A test in tests/app/test_api.py checks every API route is described and that
real responses validate against these schemas, so the description cannot drift.
"""

from .capacity import STATUSES

STATES = ["not_open", "open", "full", "closed"]


def _json(schema_name, description):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def _nullable(kind):
    return {"type": [kind, "null"]}


SCHEMAS = {
    "Places": {
        "type": "object",
        "required": ["capacity", "confirmed", "waitlisted", "remaining", "state"],
        "properties": {
            "capacity": {"type": "integer"},
            "confirmed": {"type": "integer"},
            "waitlisted": {"type": "integer"},
            "remaining": {"type": "integer"},
            "entered": {"type": "integer", "description": "lottery sessions only: every entry, drawn or not"},
            "state": {"enum": STATES},
        },
        "additionalProperties": False,
    },
    "Availability": {
        "type": "object",
        "description": "program id → session id → places",
        "additionalProperties": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Places"}},
    },
    "EnrolmentRequest": {
        "type": "object",
        "required": ["program", "session", "name", "phone", "employer", "consent"],
        "properties": {
            "program": {"type": "string"},
            "session": {"type": "string"},
            "name": {"type": "string", "description": "孩子姓名；职工夜校为本人姓名"},
            "birthdate": {"type": "string", "format": "date", "description": "面向职工子女的班必填"},
            "guardian_name": {"type": "string", "description": "面向职工子女的班必填"},
            "phone": {"type": "string", "description": "大陆手机号"},
            "employer": {"type": "string"},
            "answers": {"type": "object", "additionalProperties": {"type": ["string", "boolean"]}},
            "consent": {"const": True},
            "children": {
                "type": "array",
                "maxItems": 2,
                "description": "同一位监护人同时报的其他孩子（第 2、3 个），监护人、手机号、工作单位与上面相同；"
                "各自的字段有误时，字段名带孩子的序号，如 name-2、answers-lunch-2",
                "items": {
                    "type": "object",
                    "required": ["name", "birthdate"],
                    "properties": {
                        "name": {"type": "string"},
                        "birthdate": {"type": "string", "format": "date"},
                        "answers": {"type": "object", "additionalProperties": {"type": ["string", "boolean"]}},
                    },
                },
            },
            "siblings": {
                "enum": ["each", "all_or_none"],
                "default": "each",
                "description": "先到先得的班次名额不够全部孩子时：each 能报上的先报上，其余进入候补；"
                "all_or_none 都先不报（什么也不写入，返回 409 not_enough 并说明剩余名额）。摇号班次按本班的兄弟姐妹规则，不看这一项",
            },
            "code": {
                "type": "string",
                "pattern": "^[0-9]{6}$",
                "description": "短信验证码（POST /api/verification 获取）；本浏览器已验证过这个手机号时可不填",
            },
        },
    },
    "VerificationRequest": {
        "type": "object",
        "required": ["phone"],
        "properties": {"phone": {"type": "string", "description": "大陆手机号"}},
    },
    "VerificationSent": {
        "type": "object",
        "required": ["sent", "message", "expires_in", "resend_after"],
        "properties": {
            "sent": {"const": True},
            "message": {"type": "string"},
            "expires_in": {"type": "integer", "description": "验证码有效秒数"},
            "resend_after": {"type": "integer", "description": "多少秒后可以再获取"},
        },
    },
    "Enrolment": {
        "type": "object",
        "required": ["reference", "code", "status", "position", "program", "session"],
        "properties": {
            "reference": {"type": "string", "minLength": 20},
            "code": {"type": "string", "pattern": "^[2-9A-HJKMNP-Z]{8}$"},
            "status": {"enum": list(STATUSES)},
            "position": {"type": ["integer", "null"], "minimum": 1},
            "program": {"type": "string"},
            "session": {"type": "string"},
            "offer_expires_at": {
                "type": "string",
                "format": "date-time",
                "description": "待确认（offered）才有：补上的名额留到这个时刻（北京时间），之前在结果页确认，过期让给下一位",
            },
            "program_title": {"type": "string"},
            "session_name": {"type": "string"},
            "start": {"type": "string", "format": "date"},
            "end": {"type": "string", "format": "date"},
            "days": _nullable("string"),
            "time": _nullable("string"),
            "location": {"type": "object", "properties": {"name": {"type": "string"}, "address": {"type": "string"}}},
            "contact": {"type": "object", "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}},
            "others": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Enrolment"},
                "description": "同时报的其他孩子各自的报名（带 children 时才有）",
            },
            "refused": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Error"},
                "description": "按 each 办理时没能报上的孩子（如已经报过）",
            },
            "ticket": {
                "type": "string",
                "pattern": "^[0-9a-f]{16}$",
                "description": "摇号班次才有：公示的摇号名单里代表这个孩子的摇号编号（公示数据不含查询码）",
            },
        },
    },
    "Invalid": {
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": {"type": "object", "additionalProperties": {"type": "string"}}},
    },
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {
                "enum": [
                    "not_found",
                    "duplicate",
                    "not_enough",
                    "not_open",
                    "closed",
                    "not_published",
                    "rate_limited",
                    "unsupported_media_type",
                    "bad_json",
                    "too_large",
                    "bad_request",
                    "server_error",
                    "sms_unavailable",
                    "method_not_allowed",
                    "unavailable",
                ]
            },
            "message": {"type": "string"},
        },
    },
}

REFERENCE = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}


def spec():
    """The description, with the one answer every /api operation may give when the server fails."""
    described = _paths()
    for path, item in described["paths"].items():
        if path.startswith("/api/"):
            for operation in item.values():
                operation["responses"].setdefault("500", _json("Error", "服务器出错（server_error）"))
                operation["responses"].setdefault(
                    "503", _json("Error", "数据库暂时无法保存，什么也没有写入，稍后重试（unavailable，带 Retry-After）")
                )
    return described


def _paths():
    return {
        "openapi": "3.1.0",
        "info": {"title": "工会托管班报名 API", "version": "1.0.0"},
        "paths": {
            "/healthz": {
                "get": {
                    "summary": "健康检查：数据库可读可写时返回 200",
                    "responses": {"200": {"description": "正常"}, "503": {"description": "数据库无法读写"}},
                }
            },
            "/api/availability": {
                "get": {
                    "summary": "各班次的名额与报名状态（可缓存数秒）",
                    "responses": {"200": _json("Availability", "program → session → places")},
                }
            },
            "/api/enrolments": {
                "post": {
                    "summary": "报名一人，或同一位监护人的几个孩子（children）",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "description": "16–64 个 URL 安全字符，请每次报名随机生成；带同一键、请求体完全相同的重发返回第一次的结果（200）。"
                            "键只用来识别同一请求的重发：请求体不同就是另一次报名，不会与别人用了同一键的报名归为一组",
                            "schema": {"type": "string"},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentRequest"}}},
                    },
                    "responses": {
                        "201": _json("Enrolment", "已报名、已候补或已登记等待摇号"),
                        "200": _json("Enrolment", "同一 Idempotency-Key 的重发：返回第一次的结果"),
                        "400": _json("Error", "JSON 格式错误"),
                        "404": _json("Error", "没有这个班或班次"),
                        "409": _json(
                            "Error", "重复报名、不在报名时间内、未发布，或按 all_or_none 名额不够全部孩子（not_enough，什么也没写入）"
                        ),
                        "413": _json("Error", "请求体超过 64 KiB"),
                        "415": _json("Error", "请求体不是 JSON"),
                        "422": _json("Invalid", "字段有误：字段名 → 中文说明（问题的字段名为 answers-<id>；验证码有误时为 code）"),
                        "429": _json("Error", "请求过于频繁"),
                    },
                }
            },
            "/api/verification": {
                "post": {
                    "summary": "给手机号发短信验证码（每个手机号每分钟 1 次、每小时几次，同一网络每小时也有上限）",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VerificationRequest"}}},
                    },
                    "responses": {
                        "202": _json("VerificationSent", "验证码已交给短信服务，5 分钟内有效"),
                        "422": _json("Invalid", "手机号无效或请求体不是 JSON 对象"),
                        "429": _json("Error", "获取太频繁"),
                        "503": _json("Error", "短信服务暂时不可用"),
                    },
                }
            },
            "/api/enrolments/{reference}": {
                "get": {
                    "summary": "查看一条报名",
                    "parameters": [REFERENCE],
                    "responses": {"200": _json("Enrolment", "报名及班次信息"), "404": _json("Error", "没有这条报名")},
                }
            },
            "/api/enrolments/{reference}/cancel": {
                "post": {
                    "summary": "取消报名；若原为报名成功，候补第 1 位自动补上",
                    "parameters": [REFERENCE],
                    "responses": {"200": _json("Enrolment", "取消后的状态"), "404": _json("Error", "没有这条报名")},
                }
            },
            "/api/openapi.json": {"get": {"summary": "本说明", "responses": {"200": {"description": "OpenAPI 3.1 文档"}}}},
        },
        "components": {"schemas": SCHEMAS},
    }
