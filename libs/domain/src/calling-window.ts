import { DateTime } from 'luxon';

export interface CallingWindow {
  /** Minutes since local midnight, inclusive */
  start: number;
  /** Minutes since local midnight, exclusive; 1440 = end of day */
  end: number;
  /** IANA zone the minutes are counted in */
  timeZone: string;
}

/** Whether `at` falls inside the window, counted in the window's own zone (DST-correct). No window: always. */
export function withinCallingWindow(at: Date, window: CallingWindow | null | undefined): boolean {
  if (!window) return true;
  const local = DateTime.fromJSDate(at, { zone: window.timeZone });
  if (!local.isValid) return false;
  const minute = local.hour * 60 + local.minute;
  return minute >= window.start && minute < window.end;
}
