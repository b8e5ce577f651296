// Shared helpers for the benchmarks. Benchmarks print figures; they never fail on timing.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The build to measure: $TANDEM_DIST (e.g. a `bash scripts/build.sh <dir>` of one's own), else dist/. */
export const DIST = process.env.TANDEM_DIST ? resolve(process.env.TANDEM_DIST) : `${ROOT}dist`;

/** One line naming the benchmark, the machine and the date, so a figure pasted anywhere says where it came from. */
export function header(name) {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  const load = os.loadavg()[0].toFixed(2); // the machine may be shared: a busy one slows the timings
  console.log(`# ${name} | ${cpu}, ${os.availableParallelism()} cores, load ${load} | ${new Date().toISOString()}`);
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted, p) {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const ms = (x) => `${x.toFixed(1)} ms`;
