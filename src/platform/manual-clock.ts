import type { Clock } from "./ports.js";

/** A Clock that moves only when told to, for tests of expiry and visibility timeouts. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date | number = Date.UTC(2025, 0, 1)) {
    this.#ms = typeof start === "number" ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  advance(ms: number): void {
    this.#ms += ms;
  }

  advanceSeconds(seconds: number): void {
    this.#ms += seconds * 1000;
  }
}
