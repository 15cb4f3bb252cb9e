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
