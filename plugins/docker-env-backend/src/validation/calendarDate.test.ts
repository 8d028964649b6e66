import { isCalendarDate } from './calendarDate';

describe('isCalendarDate', () => {
  it.each(['2027-02-28', '2028-02-29', '2027-12-31', '2027-01-01'])(
    '%s is a date',
    v => expect(isCalendarDate(v)).toBe(true),
  );
  it.each([
    '2027-02-29',
    '2027-02-31',
    '2027-04-31',
    '2027-13-01',
    '2027-00-10',
    '2027-1-1',
    '20270101',
    '2027-01-01T00:00:00Z',
    '',
    20270101,
    null,
  ])('%s is not', v => expect(isCalendarDate(v)).toBe(false));
});
