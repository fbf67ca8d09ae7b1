import { residentIdCheckChar } from '@urrbmi/domain';

/** A valid resident ID number of Shandan (620725) for the n-th test person. */
export function shandanId(n: number, birth = '19900101'): string {
  const first17 = `620725${birth}${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
}
