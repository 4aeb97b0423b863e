/** The same rule the API applies (apps/api/src/candidates/validators.ts): + and 7–15 digits, no leading zero. */
export const E164 = /^\+[1-9]\d{6,14}$/;

export const isE164 = (v: string) => E164.test(v.trim());

/** Pasted numbers: one per line or separated by commas, semicolons or spaces. */
export function splitNumbers(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
