// Bundle size and the cost of loading + activating dist/extension.js, side by side with a
// minimal baseline extension, each sample in a fresh process (cold require cache), alternating.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { median, printTable } from './table.js';

const SAMPLES = 15;
const probe = join(__dirname, 'activationProbe.cjs');
const berth = join(__dirname, '..', 'dist', 'extension.js');
const baseline = join(__dirname, 'baselineExtension.cjs');
const core = join(__dirname, '..', 'dist', 'core.js');

const sample = (extension: string) => (JSON.parse(execFileSync(process.execPath, [probe, extension], { encoding: 'utf8' })) as { ms: number }).ms;

const times = { berth: [] as number[], baseline: [] as number[], core: [] as number[] };
for (let i = 0; i < SAMPLES; i++) {
  times.baseline.push(sample(baseline));
  times.berth.push(sample(berth));
  times.core.push(sample(core));
}
const kb = (file: string) => (statSync(file).size / 1024).toFixed(1);
const berthMs = median(times.berth);
const baselineMs = median(times.baseline);
printTable(`Extension activation (median of ${SAMPLES} fresh processes; target: bundle < 1 MB, activation < 50 ms)`, ['extension', 'bundle KiB', 'load+activate ms', 'ratio'], [
  ['baseline (one command, one status item)', kb(baseline), baselineMs.toFixed(2), '1.00'],
  ['berth dist/extension.js', kb(berth), berthMs.toFixed(2), (berthMs / baselineMs).toFixed(2)],
  ['berth dist/core.js (first use, after activation)', kb(core), median(times.core).toFixed(2), (median(times.core) / baselineMs).toFixed(2)],
]);
