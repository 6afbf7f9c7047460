/** The Bluetooth base UUID tail: 0000xxxx-0000-1000-8000-00805f9b34fb is the 16-bit xxxx. */
const BASE_TAIL = '00001000800000805f9b34fb';

/**
 * Normalises a UUID the way noble spells them: lower-case hex without dashes, and the 16-bit
 * short form for anything on the Bluetooth base UUID ('2A37', '0x2a37', '00002a37-0000-1000-...').
 */
export function normalizeUuid(uuid: string): string {
  let u = uuid.trim().toLowerCase().replace(/[-{}]/g, '');
  if (u.startsWith('0x')) u = u.slice(2);
  if (u.length === 32 && u.endsWith(BASE_TAIL) && u.startsWith('0000')) return u.slice(4, 8);
  if (u.length === 8 && u.startsWith('0000')) return u.slice(4);
  return u;
}
