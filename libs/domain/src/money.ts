/**
 * Money is integer fen (分). A `Fen` is a plain number that is a safe integer; every operation
 * checks that, so an overflow or a fractional amount fails loudly instead of drifting.
 */
export type Fen = number & { readonly __unit: 'fen' };

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyError';
  }
}

export function fen(amount: number): Fen {
  if (!Number.isSafeInteger(amount))
    throw new MoneyError(`amount in fen must be a safe integer, got ${amount}`);
  return amount as Fen;
}

export function yuanToFen(yuan: number): Fen {
  if (!Number.isSafeInteger(yuan)) throw new MoneyError(`whole yuan expected, got ${yuan}`);
  return fen(yuan * 100);
}

export function addFen(...amounts: Fen[]): Fen {
  let total = 0;
  for (const a of amounts) {
    total += fen(a);
    if (!Number.isSafeInteger(total)) throw new MoneyError('sum of amounts in fen overflows');
  }
  return total as Fen;
}

export function subtractFen(a: Fen, b: Fen): Fen {
  return fen(fen(a) - fen(b));
}

/** Parses a decimal yuan string ("380", "380.5", "-70.00") into fen without floating point. */
export function parseYuan(text: string): Fen {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) throw new MoneyError(`not a yuan amount with at most two decimals: "${text}"`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return fen(m[1] === '-' ? -cents : cents);
}

/** Parses a fen amount written as an integer ("38000", "-38000"). */
export function parseFen(text: string): Fen {
  const t = text.trim();
  if (!/^-?\d{1,15}$/.test(t)) throw new MoneyError(`not an integer amount in fen: "${text}"`);
  return fen(Number(t));
}

/** `38000` -> `"380.00"`. */
export function formatYuan(amount: Fen): string {
  const v = fen(amount);
  const sign = v < 0 ? '-' : '';
  const abs = Math.abs(v);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
