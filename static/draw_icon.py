"""Draw static/xent-icon.png, the app's tab icon: the curve -log p on a rounded blue tile.

    python3 static/draw_icon.py

64x64 RGBA, drawn at 8x and scaled down (smooth edges). The orange dot is one prediction's
loss on the curve. The icon is a file in the repository, so the browser fetches it from the
app's own server: a classroom without internet shows it too (app.py, st.set_page_config).
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).with_name("xent-icon.png")

S, K = 64, 8
N = S * K
img = Image.new("RGBA", (N, N), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
d.rounded_rectangle((0, 0, N - 1, N - 1), radius=14 * K, fill=(31, 78, 121, 255))  # #1F4E79
# axes: a light L
m0, m1 = 12 * K, 52 * K  # plot box
axis = (150, 190, 225, 255)
w = int(1.25 * K)
d.rectangle((m0 - w, m0 - 2 * K, m0 + w, m1 + w), fill=axis)
d.rectangle((m0 - w, m1 - w, m1 + 2 * K, m1 + w), fill=axis)
# -log p for p in [p_min, 1], mapped into the box
p_min = math.exp(-3.6)
pts = []
for i in range(4000):
    p = p_min + (1 - p_min) * i / 3999
    x = m0 + 3 * K + (m1 - m0 - 3 * K) * (p - p_min) / (1 - p_min)
    y = m1 - 3 * K - (m1 - m0 - 5 * K) * (-math.log(p)) / 3.6
    pts.append((x, y))
r = 2.5 * K  # a round pen stamped along the curve: an even, smooth stroke
for x, y in pts:
    d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, 255))
# a warm dot on the curve: one prediction's loss
p = 0.25
x = m0 + 3 * K + (m1 - m0 - 3 * K) * (p - p_min) / (1 - p_min)
y = m1 - 3 * K - (m1 - m0 - 5 * K) * (-math.log(p)) / 3.6
r = 6 * K
d.ellipse(
    (x - r, y - r, x + r, y + r),
    fill=(255, 140, 66, 255),
    outline=(255, 255, 255, 255),
    width=2 * K,
)
img.resize((S, S), Image.LANCZOS).save(OUT, optimize=True)
