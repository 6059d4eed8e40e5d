/**
 * Draws the installed app's icons (public/icons/*.png): the toolbar's "T" brand mark, white on the toolbar's
 * green. Run `node scripts/make-icons.ts` after changing the mark; the PNGs are committed as source assets,
 * so neither the build nor a fresh clone needs this. Written with node:zlib alone (PNG is a zlib stream of
 * filtered scanlines plus CRC-checked chunks), so the icons need no image library.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { crc32, deflateSync } from "node:zlib";

/** web/styles/base.css --accent-strong, the toolbar's background; the manifest's theme_color. */
const GREEN: Rgb = [0x0a, 0x52, 0x4c];
const WHITE: Rgb = [0xff, 0xff, 0xff];
/** Sub-samples per pixel along each axis: enough for smooth edges at 192 px. */
const SAMPLES = 4;

type Rgb = [number, number, number];
type Rect = { x0: number; y0: number; x1: number; y1: number };

/**
 * The "T" in unit coordinates of the icon. Every corner lies within 0.33 of the centre, inside the 0.4 radius
 * a maskable icon promises to show (https://w3c.github.io/manifest/#icon-masks), so one mark serves both.
 */
const T: Rect[] = [
  { x0: 0.28, y0: 0.26, x1: 0.72, y1: 0.38 },
  { x0: 0.44, y0: 0.26, x1: 0.56, y1: 0.76 },
];

const inRect = (x: number, y: number, r: Rect) => x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;

/** Inside a square with rounded corners of radius `radius` (unit coordinates); 0 is the full square. */
function inTile(x: number, y: number, radius: number) {
  const cx = Math.min(Math.max(x, radius), 1 - radius);
  const cy = Math.min(Math.max(y, radius), 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** RGBA pixels: `radius` 0 is full-bleed and opaque (maskable, Apple); otherwise transparent corners. */
function draw(size: number, radius: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = (px + (sx + 0.5) / SAMPLES) / size;
          const y = (py + (sy + 0.5) / SAMPLES) / size;
          if (!inTile(x, y, radius)) continue;
          tile++;
          if (T.some((r) => inRect(x, y, r))) mark++;
        }
      }
      const i = (py * size + px) * 4;
      const share = tile === 0 ? 0 : mark / tile;
      for (let c = 0; c < 3; c++) {
        pixels[i + c] = Math.round((GREEN[c] ?? 0) * (1 - share) + (WHITE[c] ?? 0) * share);
      }
      pixels[i + 3] = Math.round((255 * tile) / SAMPLES ** 2);
    }
  }
  return pixels;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG (colour type 6), every scanline with filter 0 (none): deflate does the rest. */
function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth, colour type, compression, filter, interlace
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The files public/manifest.webmanifest and index.html name. */
const ICONS = [
  { file: "icon-192.png", size: 192, radius: 0.18 },
  { file: "icon-512.png", size: 512, radius: 0.18 },
  { file: "icon-maskable-512.png", size: 512, radius: 0 },
  // iOS ignores the manifest's icons and rounds the corners itself: opaque, 180 px.
  { file: "apple-touch-icon.png", size: 180, radius: 0 },
];

const out = path.resolve(import.meta.dirname, "..", "public", "icons");
for (const icon of ICONS) {
  const png = encodePng(icon.size, draw(icon.size, icon.radius));
  writeFileSync(path.join(out, icon.file), png);
  console.log(`public/icons/${icon.file}: ${icon.size}×${icon.size}, ${png.length} bytes`);
}
