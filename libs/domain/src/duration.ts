const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "90s", "15m", "24h", "2d" → milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
}

/** "24h,1h" → [{ label: '24h', ms }, …], unreadable parts dropped. */
export function parseDurationList(text: string): Array<{ label: string; ms: number }> {
  return text
    .split(',')
    .map((label) => label.trim())
    .flatMap((label) => {
      const ms = parseDuration(label);
      return ms === undefined ? [] : [{ label, ms }];
    });
}
