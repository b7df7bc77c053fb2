"""The QR code of a program page, as SVG so it prints sharp on any poster size."""
import io

import segno


def qr_svg(url):
    """A fixed mask pattern: choosing the best of eight costs 5x the time and buys nothing a phone camera notices."""
    code = segno.make(url, error="m", micro=False, mask=0)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgclass="cat-qr", title=url)
    return out.getvalue().decode("utf-8")
