"""A program file written by someone who wants to run script in a staff browser.

Every text field carries a payload that, if it ever ran, would set
window.__pwned; the description tries the real attack of issue #13, reading
another union's roster export from the console on the same origin. The
images list an HTML page and an SVG beside one real PNG.
"""
import io

import yaml
from PIL import Image

from tests.app.helpers import program_data

PWN = "window.__pwned"
EXPORT = "/staff/sessions/wangjing-winter/week-1/export.csv"


def steal(target):
    return f"fetch('{target}',{{credentials:'include'}}).then(r=>r.text()).then(t=>{{{PWN}=t}})"


def hostile_program(target=EXPORT):
    data = program_data(
        title=f"<script>{PWN}='title'</script>三里屯托管班",
        organizer=f"<script>{PWN}='organizer'</script>三里屯街道总工会",
        street="三里屯 { onclick=alert(1) }",
        summary=f"<img src=x onerror=\"{PWN}='summary'\">寒假托管 [点我](javascript:{PWN}='summary-link')",
        tags=[f"<svg onload=\"{PWN}='tag'\">", "托管班"],
        description="\n\n".join([
            "寒假托管，欢迎报名。",
            f"<script>{steal(target)}</script>",
            "<iframe src=\"/staff/\"></iframe>",
            f"<img src=x onerror=\"{PWN}='desc-img'\">",
            f"[查看详情](javascript:{PWN}='desc-link') 和 [官网](https://example.cn/) 和 [电话](tel:010-84701234)",
            f"![图](javascript:{PWN}='desc-image')",
            f"<a href=\"javascript:{PWN}='desc-a'\">老式链接</a>",
            f"[引用式][evil]\n\n[evil]: javascript:{PWN}='desc-ref'",
            f"<javascript:{PWN}='autolink'>",
            "**加粗的字**",
        ]),
        courses=[
            {"name": f"[课程](javascript:{PWN}='course')", "teacher": f"王老师 {{: onclick=\"{PWN}='teacher'\" }}",
             "description": f"<b onmouseover=\"{PWN}='course-desc'\">书法</b>"},
        ],
    )
    data["location"] = {
        "name": f"<script>{PWN}='place'</script>职工之家",
        "address": f"[北京市朝阳区](javascript:{PWN}='address')",
        "map_url": f"https://uri.amap.com/?q=\"><script>{PWN}='map'</script>",
    }
    data["contact"]["name"] = f"<script>{PWN}='contact'</script>李老师"
    data["sessions"][0]["name"] = f"<script>{PWN}='session'</script>第一期"
    data["registration"]["eligibility"] = f"[职工子女](javascript:{PWN}='eligibility')"
    data["registration"]["questions"][0]["label"] = f"<script>{PWN}='question'</script>午餐"
    data["images"] = ["evil.html", "evil.svg", "photo.png"]
    return data


def write_hostile(classes, program_id="sanlitun-hostile", target=EXPORT):
    """Write the hostile program and its 'images' into the folder `classes`."""
    classes.mkdir(parents=True, exist_ok=True)
    (classes / "evil.html").write_text(f"<script>{PWN}='html-file'</script>", encoding="utf-8")
    (classes / "evil.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PWN}="svg-file"</script></svg>', encoding="utf-8")
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(png, "PNG", pnginfo=_text_chunk())
    (classes / "photo.png").write_bytes(png.getvalue())
    path = classes / f"{program_id}.yaml"
    path.write_text(yaml.safe_dump(hostile_program(target), allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _text_chunk():
    """A PNG text chunk: a copied file would keep it, a re-encoded one does not."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "<script>hidden</script>")
    return info
