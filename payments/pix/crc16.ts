/**
 * CRC-16/CCITT-FALSE (polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR), the
 * checksum of EMV QRCPS field 63 as BACEN's BR Code uses it: computed over the UTF-8 bytes of the
 * whole payload up to and including "6304", written as 4 uppercase hex digits.
 * Check value: crc16CcittFalse("123456789") = "29B1".
 */
const encoder = new TextEncoder();

export function crc16CcittFalse(text: string): string {
  let crc = 0xffff;
  for (const byte of encoder.encode(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}
