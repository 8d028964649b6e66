/**
 * True when `value` is a real calendar date `YYYY-MM-DD` (2027-02-28 yes; 2027-02-31 and 2027-13-01 no: `Date.parse`
 * accepts those and rolls them over into the next month).
 */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
    return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(parsed.getTime()) &&
    parsed.toISOString().slice(0, 10) === value
  );
}
