// <input type="datetime-local"> speaks local wall-clock time ("2025-03-05T14:07"); Rust speaks RFC 3339 UTC.

/** A datetime-local value as RFC 3339 UTC ("2025-03-05T13:07:00.000Z"); null when empty or invalid. */
export function localInputToUtc(value: string): string | null {
  if (!value) return null;
  // Date-time strings without an offset are local time (ECMAScript Date.parse).
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const pad = (n: number) => String(n).padStart(2, "0");

/** A Date as a datetime-local value, to the minute, in local time. */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
