#!/usr/bin/env python3
"""Checks a screenshot of the HTML dashboard (capi report) taken by headless Chromium.

Proves the browser laid the page out as designed, not just that it parsed it: the dark
header is there, coverage bars are drawn in each of their three colours, the delivery-state
bar and the parked badge are red, and the page is not a blank or error page. Standard
library only (zlib), so it runs wherever python3 does.

    python3 Scripts/check-screenshot.py report.png
    python3 Scripts/check-screenshot.py --quality quality.png   # the Event Match Quality section alone
"""
import struct
import sys
import zlib

# Colours from HTMLDashboard's stylesheet.
COLOURS = {
    "header #0d1117": ((13, 17, 23), 20_000),
    "green bars #1a7f37": ((26, 127, 55), 3_000),
    "amber bars #bf8700": ((191, 135, 0), 500),
    "red bars and badges #cf222e": ((207, 34, 46), 500),
    "bar tracks #eaeef2": ((234, 238, 242), 5_000),
    "text #1f2328": ((31, 35, 40), 500),
}

# The Event Match Quality section alone: EMQ trend lines and points in blue, the dip box's
# red border, the score badges in the text colour, the fix in green.
QUALITY_COLOURS = {
    "trend lines #0969da": ((9, 105, 218), 400),
    "dip box border #cf222e": ((207, 34, 46), 400),
    "score badges #1f2328": ((31, 35, 40), 1_000),
    "fix label #1a7f37": ((26, 127, 55), 20),
}


def read_png(path):
    with open(path, "rb") as file:
        data = file.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in (2, 6) or interlace != 0:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, colour type {colour_type}, interlace {interlace})")
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main(path, colours=COLOURS):
    width, height, channels, rows = read_png(path)
    counts = {}
    for row in rows:
        for x in range(0, width * channels, channels):
            colour = row[x:x + 3]
            counts[colour] = counts.get(colour, 0) + 1
    problems = []
    for name, (rgb, minimum) in colours.items():
        found = counts.get(bytes(rgb), 0)
        status = "ok" if found >= minimum else "MISSING"
        print(f"  {name:30} {found:>8} px (need {minimum}) {status}")
        if found < minimum:
            problems.append(name)
    print(f"  {'distinct colours':30} {len(counts):>8}")
    if len(counts) < 100:
        problems.append("too few colours: the page looks blank")
    if problems:
        raise SystemExit(f"{path}: the dashboard did not render as expected: {', '.join(problems)}")
    print(f"check-screenshot: {path} ({width}x{height}) renders the dashboard")


if __name__ == "__main__":
    if sys.argv[1] == "--quality":
        main(sys.argv[2], QUALITY_COLOURS)
    else:
        main(sys.argv[1])
