/**
 * 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character set
 * (no I, O, Z, S, V), the last one a check character over the first 17.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let index = 0; index < 17; index++) {
    const value = CHARSET.indexOf(first17[index]!);
    if (value < 0) return null;
    sum += value * WEIGHTS[index]!;
  }
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

export function isValidCreditCode(code: string): boolean {
  return code.length === 18 && creditCodeCheckCharacter(code.slice(0, 17)) === code[17];
}

/** People type codes with spaces and in lower case; the stored form is upper case without spaces. */
export function normaliseCreditCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}
