/** What git prints for `%aI`: the wall-clock time in the commit's own offset. */
export function isoDate(seconds: number, offset: string): string {
  const m = /^([+-])(\d\d)(\d\d)$/.exec(offset);
  const sign = m?.[1] === "-" ? -1 : 1;
  const minutes = m ? sign * (Number(m[2]) * 60 + Number(m[3])) : 0;
  const local = new Date((seconds + minutes * 60) * 1000).toISOString().slice(0, 19);
  // git prints an offset of zero as +00:00 (2.45+ prints Z; the native engine normalises that)
  const abs = Math.abs(minutes);
  const tz = `${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return local + tz;
}
