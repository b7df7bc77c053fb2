"""Program photos: decoded and encoded again, never copied as they are.

A file listed under `images` is untrusted. The site only publishes JPEG, PNG
and WebP that Pillow recognises by their bytes (the name proves nothing: an
.jpg can hold HTML), and it publishes fresh pixels in the same format, so
nothing the file carried besides the picture (scripts in an SVG, text chunks,
EXIF with the phone's GPS position) reaches the site.
"""

import io

from PIL import Image, ImageOps

from programs.markup import IMAGE_FORMATS

SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
assert set(SUFFIXES) == IMAGE_FORMATS


def suffix_of(path):
    """The published file's suffix, or None for anything that is not a photo the site accepts."""
    try:
        with Image.open(path) as image:
            return SUFFIXES.get(image.format)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def reencoded(path):
    """The photo at `path` as new bytes in its own format, without metadata."""
    with Image.open(path) as image:
        kind = image.format
        if kind not in SUFFIXES:
            raise ValueError(f"{path} is not a JPEG, PNG or WebP image")
        picture = ImageOps.exif_transpose(image)
        if kind == "JPEG" and picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        elif picture.mode not in ("RGB", "RGBA", "L", "LA"):
            picture = picture.convert("RGBA")
        out = io.BytesIO()
        options = {"quality": 85} if kind in ("JPEG", "WEBP") else {}
        picture.save(out, kind, **options)
        return out.getvalue()
