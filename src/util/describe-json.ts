/**
 * A parsed JSON value for an error message: at most `max` characters, and never a stack overflow on
 * deeply nested input (outside input is fuzzed with exactly that).
 */
export function describeJson(v: unknown, max = 40): string {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch {
    s = Array.isArray(v) ? '[… an array nested too deeply to show]' : '{… an object nested too deeply to show}';
  }
  return s === undefined ? String(v) : s.length > max ? `${s.slice(0, max)}…` : s;
}
