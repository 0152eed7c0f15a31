"""Pictures for the demo site: gradients, simple shapes and a bilingual title.

They were drawn once with Pillow and the Noto Sans CJK font and ship as JPEG files in
demo/images/ (`shipped_image`), so their Chinese text shows on a machine without CJK
fonts too: nothing is drawn when the demo loads. To draw them again after changing
demo.cms.IMAGES (on a machine with fonts-noto-cjk installed):

    .venv/bin/python manage.py shell -c "from demo.cms import IMAGES; from demo.cms_images import write_pictures; write_pictures(IMAGES)"

Real image files stored through Wagtail images, so renditions, alt text and sharing
images work in the demo exactly as with an editor's uploads. `demo_image` still draws
a picture on the fly, for tests that need a small image quickly.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model

SHIPPED = Path(__file__).resolve().parent / "images"

# (path, face index): face 2 of Noto Sans CJK is its Simplified Chinese one.
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 0),
]

PALETTES = {
    "blue": ((15, 52, 120), (37, 99, 235)),
    "teal": ((17, 94, 89), (45, 160, 140)),
    "amber": ((146, 64, 14), (217, 119, 6)),
    "plum": ((76, 29, 149), (147, 51, 234)),
    "slate": ((30, 41, 59), (71, 85, 105)),
    "green": ((22, 101, 52), (34, 160, 90)),
}


def _font(size: int, text: str):
    for candidate, index in FONT_CANDIDATES:
        if Path(candidate).exists():
            try:
                return ImageFont.truetype(candidate, size, index=index)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def draw_picture(
    *,
    title: str,
    subtitle: str = "",
    palette: str = "blue",
    size=(1600, 900),
    motif: str = "circles",
    image_format: str = "PNG",
) -> bytes:
    """A PNG (or `image_format`): a diagonal gradient, a motif and the title, as bytes."""
    width, height = size
    start, end = PALETTES.get(palette, PALETTES["blue"])
    image = PILImage.new("RGB", size)
    pixels = image.load()
    for y in range(height):
        for x in range(0, width, 4):
            t = (x / width + y / height) / 2
            colour = tuple(int(start[i] + (end[i] - start[i]) * t) for i in range(3))
            for dx in range(4):
                if x + dx < width:
                    pixels[x + dx, y] = colour
    overlay = PILImage.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    if motif == "circles":
        for i in range(7):
            r = int(height * (0.15 + 0.09 * i))
            cx, cy = int(width * 0.82), int(height * 0.28)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(255, 255, 255, 40), width=6)
    elif motif == "bars":
        for i in range(9):
            bar_height = int(height * (0.15 + 0.06 * i + 0.05 * math.sin(i)))
            x0 = int(width * 0.5) + i * int(width * 0.05)
            draw.rounded_rectangle(
                (x0, height - bar_height, x0 + int(width * 0.035), height), 10, fill=(255, 255, 255, 55)
            )
    elif motif == "people":
        for i in range(6):
            cx = int(width * (0.45 + 0.09 * i))
            cy = int(height * 0.55)
            draw.ellipse((cx - 45, cy - 160, cx + 45, cy - 70), fill=(255, 255, 255, 70))
            draw.rounded_rectangle((cx - 70, cy - 55, cx + 70, cy + 180), 60, fill=(255, 255, 255, 55))
    elif motif == "scales":
        cx = int(width * 0.75)
        draw.line((cx, int(height * 0.2), cx, int(height * 0.8)), fill=(255, 255, 255, 90), width=14)
        draw.line((cx - 260, int(height * 0.3), cx + 260, int(height * 0.3)), fill=(255, 255, 255, 90), width=12)
        for side in (-1, 1):
            px = cx + side * 260
            draw.pieslice(
                (px - 120, int(height * 0.3), px + 120, int(height * 0.3) + 200), 0, 180, fill=(255, 255, 255, 70)
            )
        draw.rectangle((cx - 160, int(height * 0.8), cx + 160, int(height * 0.84)), fill=(255, 255, 255, 90))
    image = PILImage.alpha_composite(image.convert("RGBA"), overlay)
    draw = ImageDraw.Draw(image)
    margin = int(width * 0.06)
    title_font = _font(int(height * 0.085), title)
    draw.text((margin, int(height * 0.62)), title, font=title_font, fill=(255, 255, 255, 255))
    if subtitle:
        draw.text(
            (margin, int(height * 0.75)), subtitle, font=_font(int(height * 0.045), subtitle), fill=(226, 232, 240, 255)
        )
    out = io.BytesIO()
    if image_format == "JPEG":
        image.convert("RGB").save(out, format="JPEG", quality=82, optimize=True, progressive=True)
    else:
        image.convert("RGB").save(out, format=image_format, optimize=True)
    return out.getvalue()


def demo_image(*, key: str, title: str, description: str, **drawing) -> object:
    """The Wagtail image called `key` (its title), drawn and stored if it does not exist."""
    Image = get_image_model()
    existing = Image.objects.filter(title=key).first()
    if existing is not None:
        return existing
    content = draw_picture(title=title, **drawing)
    image = Image(title=key, description=description)
    image.file = ImageFile(io.BytesIO(content), name=f"{key}.png")
    image.save()
    return image


def shipped_path(key: str) -> Path:
    return SHIPPED / f"{key}.jpg"


def write_pictures(pictures: dict, directory: Path = SHIPPED) -> list[Path]:
    """Draw every picture of `pictures` (demo.cms.IMAGES) into `directory` as JPEG."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for picture in pictures.values():
        drawing = {name: value for name, value in picture.items() if name not in {"key", "description"}}
        path = directory / f"{picture['key']}.jpg"
        path.write_bytes(draw_picture(image_format="JPEG", **drawing))
        written.append(path)
    return written


def shipped_image(*, key: str, description: str, **_drawing) -> object:
    """The Wagtail image called `key` (its title), stored from the shipped file
    demo/images/<key>.jpg if it does not exist yet. Nothing is drawn here."""
    Image = get_image_model()
    existing = Image.objects.filter(title=key).first()
    if existing is not None:
        return existing
    path = shipped_path(key)
    image = Image(title=key, description=description)
    with path.open("rb") as file:
        image.file = ImageFile(io.BytesIO(file.read()), name=path.name)
        image.save()
    return image
