// Draws the tray and app icons (a heart-beat dot in the state's colour) as PNGs into assets/.
// Run once after changing the colours: node scripts/make-icons.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
};

function png(size, [r, g, b]) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const c = (size - 1) / 2;
  const R = size * 0.42;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      // Ring with a pulse line through the middle: readable at 16 px.
      const ring = d <= R && d >= R - size * 0.14;
      const dot = d <= R * 0.45;
      const a = ring || dot ? 255 : Math.max(0, Math.min(255, (R + 1 - d) * 255)) * (d > R ? 1 : 0);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = ring || dot ? 255 : Math.round(a);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const COLOURS = {
  ok: [46, 160, 67],
  syncing: [56, 132, 244],
  attention: [230, 126, 34],
  paused: [140, 140, 140],
};
mkdirSync('assets', { recursive: true });
for (const [name, rgb] of Object.entries(COLOURS)) {
  writeFileSync(`assets/tray-${name}.png`, png(16, rgb));
  writeFileSync(`assets/tray-${name}@2x.png`, png(32, rgb));
}
writeFileSync('assets/icon.png', png(512, [220, 53, 69]));
console.log('icons written to assets/');
