"""bench/chart.py: bench/run's SIS/Linux ratios against their targets, as a PNG.

No matplotlib (Debian's python3-matplotlib drags in ~50 packages, scipy and
boost among them): a 3x5 bitmap font (upper case, digits, a little
punctuation), filled rectangles, and a PNG writer (zlib + struct).

    chart.write_png(path, title, rows)
    rows: [(label, unit, sis_value or None, linux_value or None, better
            [, target_ratio or None]), ...]

Each metric is one row: a bar of how many times better SIS is than Linux
(SIS/Linux, or Linux/SIS where lower is better) on a log scale from 1/10x to
100x, with a grey line at 1x and, where the metric has a ratio target, a red
line at the target; the bar is green when it reaches the target (or 1x when
there is none), orange when not. Both values are printed at the right. A
metric measured on one OS only, or with a value <= 0 (a "rise" that was a
fall), gets its values and no bar.
"""
import struct
import zlib

FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
    "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
    "6": "111100111101111", "7": "111001001010010", "8": "111101111101111",
    "9": "111101111001111", "A": "010101111101101", "B": "110101110101110",
    "C": "011100100100011", "D": "110101101101110", "E": "111100110100111",
    "F": "111100110100100", "G": "011100101101011", "H": "101101111101101",
    "I": "111010010010111", "J": "001001001101010", "K": "101101110101101",
    "L": "100100100100111", "M": "101111111101101", "N": "110101101101101",
    "O": "010101101101010", "P": "110101110100100", "Q": "010101101110011",
    "R": "110101110101101", "S": "011100010001110", "T": "111010010010010",
    "U": "101101101101111", "V": "101101101101010", "W": "101101111111101",
    "X": "101101010101101", "Y": "101101010010010", "Z": "111001010100111",
    " ": "000000000000000", ".": "000000000000010", ",": "000000000010100",
    "/": "001001010100100", "-": "000000111000000", "=": "000111000111000",
    "(": "001010010010001", ")": "100010010010100", ":": "000010000010000",
    "%": "101001010100101", ">": "100010001010100", "<": "001010100010001",
    "+": "000010111010000", "_": "000000000000111", "?": "111001010000010",
    "*": "000101010101000", "'": "010010000000000",
}
WHITE, BLACK, GREY = (255, 255, 255), (40, 40, 40), (200, 200, 200)
SIS_C, LINUX_C = (31, 119, 180), (255, 127, 14)


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(bytes(WHITE) * (w * h))

    def rect(self, x, y, w, h, c):
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(self.w, x + w), min(self.h, y + h)
        if x1 <= x0 or y1 <= y0:
            return
        row = bytes(c) * (x1 - x0)
        for yy in range(y0, y1):
            o = (yy * self.w + x0) * 3
            self.px[o:o + len(row)] = row

    def text(self, x, y, s, c=BLACK, scale=2):
        """Draw S with its top-left at (x, y); returns the x after it."""
        for ch in str(s).upper():
            glyph = FONT.get(ch, FONT["?"])
            for i, bit in enumerate(glyph):
                if bit == "1":
                    self.rect(x + (i % 3) * scale, y + (i // 3) * scale, scale, scale, c)
            x += 4 * scale
        return x

    def png(self):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                       for y in range(self.h))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data +
                    struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
        return (b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def fmt(v):
    if v is None:
        return "N/A"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.3g}"


LO, HI = 0.1, 100.0          # the log axis
GOOD, SHORT, TARGET = (44, 160, 44), (255, 127, 14), (214, 39, 40)


def _x(ratio, x0, w):
    import math
    r = min(max(ratio, LO), HI)
    return x0 + int(w * (math.log10(r) - math.log10(LO)) / (math.log10(HI) - math.log10(LO)))


def write_png(path, title, rows, subtitle=""):
    label_w, bar_w, value_w = 400, 420, 300
    w = label_w + bar_w + value_w + 20
    row_h = 30
    top = 80
    h = top + row_h * len(rows) + 30
    cv = Canvas(w, h)
    cv.text(10, 10, title, scale=3)
    cv.text(10, 36, subtitle + "  BAR: TIMES BETTER THAN LINUX (LOG), RED LINE: TARGET",
            scale=2)
    for r in (0.1, 1, 10, 100):
        x = _x(r, label_w, bar_w)
        cv.rect(x, top - 8, 1, row_h * len(rows) + 8, GREY if r != 1 else BLACK)
        cv.text(x - 8, top - 24, f"{r:g}X")
    cv.text(label_w + bar_w + 30, top - 24, "SIS / LINUX")
    for i, row in enumerate(rows):
        label, unit, sis, lin, better = row[:5]
        target = row[5] if len(row) > 5 else None
        y = top + i * row_h
        cv.rect(0, y + row_h - 2, w, 1, GREY)
        cv.text(10, y + 8, label[:48])
        if sis is not None and lin is not None and sis > 0 and lin > 0:
            adv = sis / lin if better == "higher" else lin / sis
            x1, xs = _x(1, label_w, bar_w), _x(adv, label_w, bar_w)
            ok = adv >= (target or 1)
            cv.rect(min(x1, xs), y + 6, max(abs(xs - x1), 2), row_h - 12, GOOD if ok else SHORT)
            if target:
                cv.rect(_x(target, label_w, bar_w), y + 2, 3, row_h - 4, TARGET)
            cv.text(min(max(xs, x1) + 6, label_w + bar_w - 64), y + 9, f"{adv:.2f}X")
        cv.text(label_w + bar_w + 10, y + 9, f"{fmt(sis)} / {fmt(lin)} {unit}"[:36])
    with open(path, "wb") as fh:
        fh.write(cv.png())
