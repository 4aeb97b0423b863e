import { DateTime } from 'luxon';
import { isoWithOffset, localWords } from './zone-format';

const ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Etc/UTC', 'Asia/Kathmandu'];

describe('zone-format reads exactly as luxon did', () => {
  it.each(ZONES)('%s, every 7 h 13 min 17 s over 2020–2021 (DST changes included, some with milliseconds)', (zone) => {
    for (let t = Date.UTC(2020, 0, 1), n = 0; t < Date.UTC(2022, 0, 1); t += 26_000_000 + 597_000 + (n++ % 3 === 0 ? 250 : 0)) {
      const d = new Date(t);
      const local = DateTime.fromJSDate(d, { zone });
      expect(isoWithOffset(d, zone)).toBe(local.toISO({ suppressMilliseconds: true }));
      expect(localWords(d, zone)).toBe(local.setLocale('en-US').toFormat("cccc, LLLL d 'at' h:mm a"));
    }
  });

  it.each([['UTC'], ['utc'], ['GMT'], ['Not/AZone'], ['UTC+3']])('%s is left to luxon (null)', (zone) => {
    expect(isoWithOffset(new Date(Date.UTC(2021, 2, 2)), zone)).toBeNull();
    expect(localWords(new Date(Date.UTC(2021, 2, 2)), zone)).toBeNull();
  });
});
