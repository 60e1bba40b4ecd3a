"""Draw the app icons (a white heart on green) into static/icons. Needs Pillow: run once by hand.

.venv/bin/pip install pillow && .venv/bin/python bin/make_icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (0, 90, 82, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img" aria-label="Health Trainer">
<rect width="100" height="100" rx="20" fill="#005a52"/>
<path d="M50 80 L22 52 A14 14 0 0 1 50 30 A14 14 0 0 1 78 52 Z" fill="#fff"/>
</svg>
"""


def heart(draw: ImageDraw.ImageDraw, cx: float, cy: float, size: float) -> None:
    """A heart of width `size` centred on (cx, cy): two circles and a triangle."""
    r = size / 4
    top = cy - size * 0.3
    draw.ellipse([cx - 2 * r, top - r, cx, top + r], fill=WHITE)
    draw.ellipse([cx, top - r, cx + 2 * r, top + r], fill=WHITE)
    draw.polygon([(cx - 2 * r, top), (cx + 2 * r, top), (cx, cy + size * 0.45)], fill=WHITE)


def icon(size: int, *, maskable: bool) -> Image.Image:
    scale = 4  # draw big and shrink, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle([0, 0, big, big], fill=GREEN)  # full bleed; the heart stays in the safe zone
        heart(draw, big / 2, big / 2, big * 0.45)
    else:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big // 5, fill=GREEN)
        heart(draw, big / 2, big / 2, big * 0.6)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon(192, maskable=False).save(OUT / "icon-192.png", optimize=True)
    icon(512, maskable=False).save(OUT / "icon-512.png", optimize=True)
    icon(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    icon(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    icon(48, maskable=False).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    (OUT / "icon.svg").write_text(SVG)


if __name__ == "__main__":
    main()
