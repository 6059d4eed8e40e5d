/**
 * One line per load or fault test for bench/faults.ts, which runs these tests and prints the summary table.
 * Counts are measured by the test that prints them, after its assertions passed.
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
};

export function reportFault(line: FaultLine) {
  console.log(`FAULT-SUMMARY ${JSON.stringify(line)}`);
}
