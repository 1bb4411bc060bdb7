import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import {
  createWorkingDayCalendar,
  holidayScheduleFromEnv,
  loadHolidaySchedule,
} from "../../src/reposts/working-days.js";

/** A made-up 2027 schedule (the real one is not published yet): 元旦 plus a 调休 Saturday. */
const SCHEDULE_2027 = JSON.stringify({
  year: 2027,
  holidays: ["2027-01-01", "2027-01-04"],
  workdays: ["2027-01-09"],
});

describe("working days from the package's schedule", () => {
  const calendar = createWorkingDayCalendar();

  it("counts the 2026 Spring Festival make-up Saturdays and skips the holiday week", () => {
    // Prepare: Thursday 2026-02-12; 02-14 (Sat) is worked, 02-15…02-23 are off, 02-28 (Sat) is worked.
    // Act
    const results = [1, 2, 3, 7, 8].map((n) => calendar.addWorkingDays("2026-02-12", n));
    // Assess
    expect(results).toEqual([
      { date: "2026-02-13", provisional: false },
      { date: "2026-02-14", provisional: false },
      { date: "2026-02-24", provisional: false },
      { date: "2026-02-28", provisional: false },
      { date: "2026-03-02", provisional: false },
    ]);
  });

  it("skips National Day and counts its make-up Saturday", () => {
    // Prepare: Wednesday 2026-09-30; 10-01…10-07 are off, 10-10 (Sat) is worked.
    // Act
    const results = [1, 2, 3, 4].map((n) => calendar.addWorkingDays("2026-09-30", n).date);
    // Assess
    expect(results).toEqual(["2026-10-08", "2026-10-09", "2026-10-10", "2026-10-12"]);
  });

  it("tells holidays, weekends, make-up days and ordinary weekdays apart", () => {
    expect(calendar.isWorkingDay("2026-02-14")).toBe(true);
    expect(calendar.isWorkingDay("2026-02-16")).toBe(false);
    expect(calendar.isWorkingDay("2026-03-07")).toBe(false);
    expect(calendar.isWorkingDay("2026-03-09")).toBe(true);
  });

  it("gives the start date itself for zero working days", () => {
    expect(calendar.addWorkingDays("2026-02-16", 0)).toEqual({ date: "2026-02-16", provisional: false });
  });

  it("flags a deadline in 2027 as provisional and counts Monday to Friday there", () => {
    // Prepare: Monday 2026-12-28
    // Act
    const result = calendar.addWorkingDays("2026-12-28", 5);
    // Assess: 29, 30, 31 Dec, then Friday 1 Jan and Monday 4 Jan counted as plain weekdays.
    expect(result).toEqual({ date: "2027-01-04", provisional: true });
    expect(calendar.knownThrough).toBe("2026-12-31");
    expect(calendar.isKnown("2027-03-01")).toBe(false);
  });

  it("refuses malformed dates and day counts", () => {
    expect(() => calendar.addWorkingDays("2026-02-30", 1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays("2026-02-12", -1)).toThrow(RangeError);
    expect(() => calendar.isWorkingDay("12/02/2026")).toThrow(/YYYY-MM-DD/);
  });
});

describe("a loaded holiday schedule", () => {
  it("makes 2027 deadlines definite and applies its holidays and make-up days", () => {
    // Prepare
    const calendar = createWorkingDayCalendar({ schedule: loadHolidaySchedule(SCHEDULE_2027) });
    // Act
    const crossing = calendar.addWorkingDays("2026-12-28", 5);
    const makeUp = calendar.addWorkingDays("2027-01-08", 1);
    // Assess: 1 and 4 Jan are off; Saturday 9 Jan is worked.
    expect(crossing).toEqual({ date: "2027-01-06", provisional: false });
    expect(makeUp).toEqual({ date: "2027-01-09", provisional: false });
    expect(calendar.knownThrough).toBe("2027-12-31");
  });

  it("replaces what the package knows of the same year", () => {
    // Prepare: a corrected 2026 with no Spring Festival make-up days
    const schedule = loadHolidaySchedule(JSON.stringify({ year: 2026, holidays: [], workdays: [] }));
    // Act
    const calendar = createWorkingDayCalendar({ schedule });
    // Assess
    expect(calendar.isWorkingDay("2026-02-14")).toBe(false);
    expect(calendar.isWorkingDay("2026-02-16")).toBe(true);
  });

  it("accepts a list of years, including a make-up day in the December before", () => {
    // Act
    const schedule = loadHolidaySchedule(
      JSON.stringify([
        { year: 2027, holidays: [], workdays: [] },
        { year: 2028, holidays: ["2028-01-03"], workdays: ["2027-12-31"] },
      ]),
    );
    // Assess
    expect(schedule.map((s) => s.year)).toEqual([2027, 2028]);
    expect(createWorkingDayCalendar({ schedule }).knownThrough).toBe("2028-12-31");
  });

  it.each([
    ["not JSON", "{year: 2027", /not valid JSON/],
    ["a missing field", JSON.stringify({ year: 2027, holidays: [] }), /workdays: /],
    [
      "an impossible date",
      JSON.stringify({ year: 2027, holidays: ["2027-02-30"], workdays: [] }),
      /holidays\[0\]: must be a real date/,
    ],
    [
      "a date of another year",
      JSON.stringify({ year: 2027, holidays: [], workdays: ["2026-10-10"] }),
      /workdays\[0\]: 2026-10-10 is outside 2027/,
    ],
    [
      "a day both off and worked",
      JSON.stringify({ year: 2027, holidays: ["2027-01-01"], workdays: ["2027-01-01"] }),
      /workdays\[0\]: 2027-01-01 is also listed as a holiday/,
    ],
    [
      "a year given twice",
      JSON.stringify([
        { year: 2027, holidays: [], workdays: [] },
        { year: 2027, holidays: [], workdays: [] },
      ]),
      /\[1\]\.year: 2027 is listed twice/,
    ],
    [
      "a year that is not a number",
      JSON.stringify([{ year: "2027", holidays: [], workdays: [] }]),
      /\[0\]\.year: /,
    ],
  ])("refuses %s with an error naming the field", (_case, text, message) => {
    expect(() => loadHolidaySchedule(text)).toThrow(ConfigError);
    expect(() => loadHolidaySchedule(text)).toThrow(message);
  });
});

describe("holidayScheduleFromEnv", () => {
  it("reads the file named by GAZETTE_HOLIDAYS_FILE", () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), "holidays-")), "2027.json");
    writeFileSync(path, SCHEDULE_2027);
    // Act
    const schedule = holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: path });
    // Assess
    expect(schedule?.[0]?.year).toBe(2027);
  });

  it("gives no schedule when the variable is unset", () => {
    expect(holidayScheduleFromEnv({})).toBeUndefined();
  });

  it("names the variable and the file when the file cannot be read or is invalid", () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), "holidays-"));
    const invalid = join(dir, "bad.json");
    writeFileSync(invalid, JSON.stringify({ year: 2027, holidays: ["soon"], workdays: [] }));
    // Act / Assess
    expect(() => holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: join(dir, "missing.json") })).toThrow(
      /GAZETTE_HOLIDAYS_FILE: cannot read .*missing\.json/,
    );
    expect(() => holidayScheduleFromEnv({ GAZETTE_HOLIDAYS_FILE: invalid })).toThrow(
      /GAZETTE_HOLIDAYS_FILE \(.*bad\.json\): Invalid holiday schedule: holidays\[0\]/,
    );
  });
});
