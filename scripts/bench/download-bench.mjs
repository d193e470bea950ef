// @ts-check
/**
 * `npm run bench:download` (not part of `npm test`): downloads a generated ~500 MB file from the fake hub over
 * loopback into the IndexedDB model store, the way the app does (streamed, chunked, hashed beside it by a helper worker,
 * verified), and compares the throughput with a plain fetch that discards the bytes (whose page's JS heap and
 * ArrayBuffers are sampled through the DevTools protocol). Writes bench-results/download.json.
 *
 * `--link-mbps N` sends the bytes no faster than N MB/s (a real network link rather than loopback).
 *
 *   npm run bench:download [-- --mb 500 --chunk-mib 32 --runs 2 --link-mbps 100]
 */
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeHub } from '../fake-hub.mjs';
import { startAppServer } from '../serve.mjs';
import {
  BENCH_HUB_ROOT as HUB_ROOT,
  BENCH_PAGES_DIST,
  buildBenchPages,
  compareDownloads,
  hubDownloadTarget,
  launchChromium,
  mbPerSecond as mbps,
  mib,
} from './bench-kit.mjs';

const REPO = 'airgap-bench/big-file';
const FILE = 'onnx/model.onnx';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '500' },
    'chunk-mib': { type: 'string', default: '32' },
    runs: { type: 'string', default: '2' },
    'link-mbps': { type: 'string' },
  },
});
const size = Number(values.mb) * 1_000_000;
const chunkBytes = Number(values['chunk-mib']) * 1024 * 1024;
const runs = Number(values.runs);
const linkBytesPerSecond = values['link-mbps'] ? Number(values['link-mbps']) * 1_000_000 : null;

/** Random bytes, written once and reused while the size stays the same. */
async function generateFile() {
  const file = path.join(HUB_ROOT, REPO, FILE);
  if ((await stat(file).catch(() => null))?.size === size) return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(path.join(HUB_ROOT, REPO, 'config.json'), '{"model_type": "bench"}\n');
  const out = createWriteStream(file);
  const block = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < size; written += block.length) {
    const part = block.subarray(0, Math.min(block.length, size - written));
    randomFillSync(part);
    if (!out.write(part)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main() {
  const link = linkBytesPerSecond ? `over a ${values['link-mbps']} MB/s link` : 'over loopback';
  console.log(`bench:download: ${values.mb} MB file ${link}, ${values['chunk-mib']} MiB chunks, best of ${runs} runs`);
  await generateFile();
  await buildBenchPages();
  const hub = await startFakeHub({ root: HUB_ROOT, faults: linkBytesPerSecond ? { bytesPerSecond: linkBytesPerSecond } : {} });
  const app = await startAppServer({ dist: BENCH_PAGES_DIST, port: 0, config: { hubUrl: hub.url } });
  const browser = await launchChromium();
  try {
    const target = await hubDownloadTarget(hub.url, REPO, FILE);
    const page = await browser.newPage();
    await page.goto(app.url);
    const { plain, hashed, stored } = await compareDownloads(page, target, { chunkBytes, runs });
    /** @type {<Run extends { ms: number }>(results: Run[]) => Run} */
    const best = (results) => results.reduce((a, b) => (a.ms <= b.ms ? a : b));
    const plainBest = best(plain);
    const hashedBest = best(hashed);
    const storedBest = best(stored);
    const measured = {
      date: new Date().toISOString(),
      machine: 'see README: 2 cores, no GPU',
      link,
      fileBytes: size,
      chunkBytes,
      runs,
      plainFetch: { mbPerSecond: mbps(plainBest.bytes, plainBest.ms), ms: Math.round(plainBest.ms), peakHeapMiB: mib(plainBest.peakHeap), peakArrayBuffersMiB: mib(plainBest.peakBacking) },
      hashedFetch: { mbPerSecond: mbps(hashedBest.bytes, hashedBest.ms), ms: Math.round(hashedBest.ms) },
      storeDownload: { mbPerSecond: mbps(storedBest.bytes, storedBest.ms), ms: Math.round(storedBest.ms) },
      allRuns: {
        plainFetchMs: plain.map((r) => Math.round(r.ms)),
        hashedFetchMs: hashed.map((r) => Math.round(r.ms)),
        storeDownloadMs: stored.map((r) => Math.round(r.ms)),
      },
    };
    const result = {
      ...measured,
      relativeThroughput: Math.round((measured.storeDownload.mbPerSecond / measured.plainFetch.mbPerSecond) * 100) / 100,
    };
    await mkdir('bench-results', { recursive: true });
    const out = linkBytesPerSecond ? `bench-results/download-${values['link-mbps']}mbps.json` : 'bench-results/download.json';
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(
      `plain fetch: ${result.plainFetch.mbPerSecond.toFixed(0)} MB/s; fetch + sha256 as it arrives: ${result.hashedFetch.mbPerSecond.toFixed(0)} MB/s; into the store (${values['chunk-mib']} MiB chunks, sha256 verified): ` +
        `${result.storeDownload.mbPerSecond.toFixed(0)} MB/s = ${result.relativeThroughput}×`,
    );
    console.log(`written to ${out}`);
  } finally {
    await browser.close();
    await app.close();
    await hub.close();
  }
}

main().catch((error) => {
  console.error(`bench:download: ${error.stack ?? error}`);
  process.exit(1);
});
