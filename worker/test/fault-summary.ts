/**
 * One line per load or fault test for bench/faults.ts, which runs these tests and prints the summary table.
 * Every figure is counted from what the test observed (rows in D1, frames a live client applied), never
 * written as a constant, and the line is printed BEFORE the test's assertions: a run that loses a message
 * shows it as a number above 0 in the table, next to the failing test.
 */
export type FaultLine = {
  check: string;
  /** Requests or events sent during the test. */
  load: number;
  /** Failures injected (carrier errors, evictions, refused writes). */
  faults: number;
  /** Malformed inputs tried. */
  badInputs: number;
  /** Messages that should exist at the end, and how many of them did not. */
  expected: number;
  lost: number;
  /** Rows that appeared where none should (bad input that got stored), for checks that count them. */
  strayRows?: number;
};

export function reportFault(line: FaultLine) {
  console.log(`FAULT-SUMMARY ${JSON.stringify(line)}`);
}
