// @ts-check
/** Property-based tests of how the servers read what a client sends: any input is answered, never misread. */
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseRange } from './http-range.mjs';
import { pathSegments } from './url-path.mjs';

const sizes = fc.nat({ max: 1 << 30 });
/** Headers near the grammar as well as anything at all. */
const rangeHeaders = fc.oneof(
  fc.string(),
  fc.tuple(fc.option(fc.nat(), { nil: undefined }), fc.option(fc.nat(), { nil: undefined })).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
  fc.tuple(fc.constantFrom('bytes=', 'BYTES=', ' bytes=', 'bytes = ', 'items='), fc.string(), fc.constantFrom('-', ',', '')).map((parts) => parts.join('')),
);

describe('parseRange', () => {
  test('any header gives the whole file, a span inside the file, or 416 — never a span past either end', () => {
    fc.assert(
      fc.property(rangeHeaders, sizes, (header, size) => {
        const range = parseRange(header, size);
        if (range === null || range === 'unsatisfiable') return;
        expect(range.start).toBeGreaterThanOrEqual(0);
        expect(range.end).toBeGreaterThanOrEqual(range.start);
        expect(range.end).toBeLessThan(size);
      }),
    );
  });

  test('a well-formed span inside the file is served exactly as asked', () => {
    fc.assert(
      fc.property(sizes.filter((size) => size > 0), fc.nat(), fc.nat(), (size, a, b) => {
        const start = a % size;
        const end = start + (b % (size - start));
        expect(parseRange(`bytes=${start}-${end}`, size)).toEqual({ start, end });
        expect(parseRange(`bytes=${start}-`, size)).toEqual({ start, end: size - 1 });
      }),
    );
  });
});

/** Segment text that is fine to serve: no separators, and not a path step. */
const safeSegment = fc.string({ minLength: 1 }).filter((s) => !/[/\\\0]/.test(s) && s !== '.' && s !== '..');

describe('pathSegments', () => {
  test('no request target, however encoded, leads outside the served folder or to an empty segment', () => {
    const root = path.resolve('/srv/app');
    const targets = fc.oneof(
      fc.string().map((s) => `/${s}`),
      fc.array(fc.oneof(fc.string(), fc.constantFrom('', '.', '..', '%2e%2e', '%2E.', '..%2f', '%5c..', '%00', '%'))).map((parts) => `/${parts.join('/')}`),
    );
    fc.assert(
      fc.property(targets, (target) => {
        const segments = pathSegments(target);
        if (segments === null) return;
        for (const segment of segments) {
          expect(segment).not.toBe('');
          expect(['.', '..']).not.toContain(segment);
          expect(segment).not.toMatch(/[/\\\0]/);
        }
        const file = path.join(root, ...segments);
        expect(file === root || file.startsWith(`${root}${path.sep}`)).toBe(true);
      }),
    );
  });

  test('percent-encoded safe segments come back as they were', () => {
    fc.assert(
      fc.property(fc.array(safeSegment, { minLength: 1 }), fc.string(), (segments, query) => {
        const target = `/${segments.map(encodeURIComponent).join('/')}?${encodeURIComponent(query)}`;
        expect(pathSegments(target)).toEqual(segments);
      }),
    );
  });
});
