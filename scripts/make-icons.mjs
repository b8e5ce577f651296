#!/usr/bin/env node
// Draws Tandem's app icons and writes them as real PNGs (RGBA, zlib from node; no npm dependencies).
//
//   node scripts/make-icons.mjs            # writes public/icons/icon-192.png, icon-512.png, icon-maskable-512.png
//   node scripts/make-icons.mjs OUT_DIR    # writes the same three files into OUT_DIR
//
// The picture: a calm teal rounded square with two interlocking rings (two people in tandem).
// The maskable icon fills the whole square with teal and keeps the rings inside the central safe zone
// (a circle of radius 40 % of the size), so any launcher mask (circle, squircle, teardrop) leaves them whole.
// The output is deterministic: running the script again gives byte-identical files.

import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, '..', 'public', 'icons'));

const TEAL = [0x2f, 0x6f, 0x62]; // theme_color
const CREAM = [0xf7, 0xf5, 0xf0]; // background_color
const MINT = [0xa9, 0xdc, 0xcb]; // a lighter teal for the second ring

// ---------------------------------------------------------------- geometry (unit square, y down)

/** Signed distance to a rounded square centred at 0.5, half-side h, corner radius r (negative inside). */
function roundedSquareSdf(x, y, h, r) {
  const qx = Math.abs(x - 0.5) - (h - r);
  const qy = Math.abs(y - 0.5) - (h - r);
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.hypot(ox, oy) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Distance from (x, y) to the centre line of a ring. */
function ringDistance(x, y, cx, cy, radius) {
  return Math.abs(Math.hypot(x - cx, y - cy) - radius);
}

/**
 * Colour of one sample point, or null for a transparent point.
 * design: { scale, fullBleed } — scale shrinks the rings about the centre; fullBleed paints the whole square.
 */
function sample(x, y, design) {
  const { scale, fullBleed } = design;
  if (!fullBleed && roundedSquareSdf(x, y, 0.5, 0.22) > 0) return null;

  // Ring geometry at scale 1: the farthest ink is d + r + w/2 = 0.34 from the centre.
  const d = 0.115 * scale; // half the distance between the ring centres
  const r = 0.19 * scale; // ring radius (centre line)
  const w = 0.07 * scale; // stroke width
  const gap = 0.03 * scale; // teal gap that makes the rings look woven
  const cy = 0.5;
  const left = { cx: 0.5 - d, colour: CREAM };
  const right = { cx: 0.5 + d, colour: MINT };

  // Interlock: the left ring passes over the right one at the top crossing, under it at the bottom.
  const [top, bottom] = y < cy ? [left, right] : [right, left];
  const inBottom = ringDistance(x, y, bottom.cx, cy, r) <= w / 2;
  const topDist = ringDistance(x, y, top.cx, cy, r);

  let colour = TEAL;
  if (inBottom) colour = bottom.colour;
  if (inBottom && topDist <= w / 2 + gap) colour = TEAL;
  if (topDist <= w / 2) colour = top.colour;
  return colour;
}

/** Renders an RGBA image with 5×5 supersampling per pixel (anti-aliased edges). */
function render(size, design) {
  const n = 5;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, design);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a += 1; }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        // Un-premultiplied colour of the covered samples, alpha = coverage.
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
        rgba[i + 3] = Math.round((a / (n * n)) * 255);
      }
    }
  }
  return rgba;
}

// ---------------------------------------------------------------- PNG encoding

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); // width
  ihdr.writeUInt32BE(size, 4); // height
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- output

const icons = [
  { file: 'icon-192.png', size: 192, design: { scale: 1, fullBleed: false } },
  { file: 'icon-512.png', size: 512, design: { scale: 1, fullBleed: false } },
  // Rings reach 0.34 × 0.9 ≈ 0.31 of the size from the centre: well inside the 0.40 safe zone.
  { file: 'icon-maskable-512.png', size: 512, design: { scale: 0.9, fullBleed: true } },
];

mkdirSync(outDir, { recursive: true });
for (const { file, size, design } of icons) {
  const png = encodePng(size, render(size, design));
  writeFileSync(join(outDir, file), png);
  console.log(`wrote ${join(outDir, file)} (${size}×${size}, ${png.length} bytes)`);
}
