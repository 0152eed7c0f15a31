"""Draw the PNG and ICO favicons (static/) after static/favicon.svg, for browsers that
do not take an SVG icon. Run from the project root: .venv/bin/python scripts/make_favicons.py"""

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parents[1] / "static"
BRAND = (23, 71, 166, 255)
WHITE = (255, 255, 255, 255)
SCALE = 16  # drawn large on the SVG's 64-unit grid, then scaled down smoothly


def draw(size: int) -> Image.Image:
    big = 64 * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    def box(x0, y0, x1, y1):
        return [x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE]

    pen.rounded_rectangle(box(0, 0, 64, 64), radius=14 * SCALE, fill=BRAND)
    pen.ellipse(box(28.5, 9.5, 35.5, 16.5), fill=WHITE)
    pen.rectangle(box(30.5, 14, 33.5, 47), fill=WHITE)
    pen.rounded_rectangle(box(20, 46, 44, 50), radius=2 * SCALE, fill=WHITE)
    pen.rounded_rectangle(box(11, 18, 53, 21), radius=int(1.5 * SCALE), fill=WHITE)
    for top, left, right in ((14, 8, 20), (50, 44, 56)):
        for end in (left, right):
            pen.line(box(top, 20, end, 36), fill=WHITE, width=int(1.6 * SCALE))
        pen.pieslice(box(left - 1, 30.5, right + 1, 41.5), start=0, end=180, fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main():
    draw(32).save(STATIC / "favicon-32.png")
    draw(180).save(STATIC / "apple-touch-icon.png")
    draw(256).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
