import { createCipheriv, createDecipheriv } from 'node:crypto';

/*
 * BTHome v2 encryption (https://bthome.io/encryption): AES-128-CCM with a 4-byte MIC and no
 * associated data. Nonce (13 bytes) = MAC (6, as printed) + UUID d2 fc + device info byte +
 * counter (4 bytes as sent). Service data = info byte + ciphertext + counter + MIC.
 */

const MIC_LENGTH = 4;

/** '54:48:E6:8F:80:A5' (or without separators) -> the 6 bytes in printed order. */
export function parseMac(mac: string): Buffer | null {
  const hex = mac.replace(/[:\-\s]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) return null;
  return Buffer.from(hex, 'hex');
}

export function nonce(mac: Buffer, deviceInfo: number, counter: Buffer): Buffer {
  return Buffer.concat([mac, Buffer.from([0xd2, 0xfc, deviceInfo]), counter]);
}

export function encrypt(
  key: Buffer,
  nonceBytes: Buffer,
  plaintext: Buffer,
): { ciphertext: Buffer; mic: Buffer } {
  const cipher = createCipheriv('aes-128-ccm', key, nonceBytes, { authTagLength: MIC_LENGTH });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, mic: cipher.getAuthTag() };
}

/** Returns the plaintext, or null when the MIC does not match (wrong key or altered data). */
export function decrypt(
  key: Buffer,
  nonceBytes: Buffer,
  ciphertext: Buffer,
  mic: Buffer,
): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-128-ccm', key, nonceBytes, {
      authTagLength: MIC_LENGTH,
    });
    decipher.setAuthTag(mic);
    const out = decipher.update(ciphertext);
    decipher.final();
    return out;
  } catch {
    return null;
  }
}
