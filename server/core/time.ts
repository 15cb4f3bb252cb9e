const shanghaiTime = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Platform time is Beijing time whatever zone the server runs in. */
export function formatTime(date: Date): string {
  return shanghaiTime.format(date);
}

const shanghaiDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A calendar day as `YYYY-MM-DD`, the form date-only fields (issue and expiry dates) are stored in. */
export type Day = string;

/** The Beijing calendar day an instant falls on: a certificate "valid until" a day is valid all of that day there. */
export function beijingDay(at: Date): Day {
  return shanghaiDay.format(at);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(day: Day, days: number): Day {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
