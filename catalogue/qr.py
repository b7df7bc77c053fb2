"""The QR code of a program page, as SVG so it prints sharp on any poster size."""

import io
import re

import segno


def qr_svg(url):
    """A fixed mask pattern: choosing the best of eight costs 5x the time and buys nothing a phone camera notices.

    The SVG keeps segno's width and height (its natural size where nothing else sets one) and gains a
    viewBox, so CSS that sizes the box (the poster's 58 mm) scales the whole code instead of cropping it
    to one corner."""
    code = segno.make(url, error="m", micro=False, mask=0)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=8, border=2, xmldecl=False, svgclass="cat-qr", title=url)
    svg = out.getvalue().decode("utf-8")
    width, height = re.search(r'<svg[^>]* width="(\d+)" height="(\d+)"', svg).groups()
    return svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)
