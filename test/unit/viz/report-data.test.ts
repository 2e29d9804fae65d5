/**
 * The Reports page's data layer against the real app over HTTP (three synthetic p = 11 variants,
 * some analyzers run): the families and a family's rows load; the curves of the variants ticked in
 * one task go out in one request, cached ones are not asked again, another plot width asks again,
 * and another family (or the page leaving) aborts the family's requests and drops their answers.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReportData } from '../../../frontend/api/report-data.ts';
import { EPOCHS, serveSyntheticVariants, TestHost, type ServedVariants } from './served-variants.ts';

const OTHER_FAMILY = 'modulo_subtraction_1layer';

let served: ServedVariants;
let family: string;
let a: string, b: string, c: string;

beforeAll(async () => {
  served = await serveSyntheticVariants([1, 2, 3]);
  ({ family } = served);
  [a, b, c] = served.variants as [string, string, string];
}, 60_000);

afterAll(() => served.close());

let host: TestHost;
let data: ReportData;
/** How often the page was told to redraw its overlays, and the errors reported. */
let drawn: number;
let errors: string[];

beforeEach(() => {
  served.asked.length = 0;
  host = new TestHost();
  drawn = 0;
  errors = [];
  data = new ReportData(host, {
    api: () => served.client,
    onCurves: () => drawn++,
    onError: (message) => errors.push(message),
  });
});

/** The curves requests the server saw, as [variants, width]. */
const curveRequests = () =>
  served.asked
    .filter((path) => path.startsWith(`/api/reports/${family}/curves?`))
    .map((path) => {
      const query = new URL(path, 'http://x').searchParams;
      return [query.get('variants'), Number(query.get('width'))];
    });
/** Lets the microtask that answers this task's requestCurves run (it starts its request at once). */
const flush = () => Promise.resolve();
/** Long enough for an answer that would wrongly land. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 200));
const settled = () => expect.poll(() => data.loadingCurves).toBe(false);

describe('ReportData', () => {
  it("lists the families and loads a family's rows", async () => {
    expect(data.loadingRows).toBe(true);
    expect(await data.loadFamilies()).toBe(true);
    expect(data.families.map((f) => f.name)).toEqual(expect.arrayContaining([family, OTHER_FAMILY]));
    expect(await data.loadRows(family)).toBe('loaded');
    expect(data.rows.map((row) => row.name)).toEqual([a, b, c]);
    expect(data.rows[0]).toMatchObject({ state: 'analyzed', training: { data_seed: 598, training_fraction: 0.5 } });
    expect(data.loadingRows).toBe(false);
    expect(host.updates).toBeGreaterThan(0);
    expect(served.asked.filter((path) => path === `/api/reports/${family}`)).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('asks for the curves of the variants ticked in one task in one request, and draws at once and when they arrive', async () => {
    await data.loadRows(family);
    data.requestCurves([a], 1000);
    data.requestCurves([a, b], 1000);
    expect(drawn).toBe(0);
    await flush();
    expect([drawn, data.loadingCurves]).toEqual([1, true]);
    await settled();
    expect(drawn).toBe(2);
    expect(curveRequests()).toEqual([[`${a},${b}`, 1000]]);
    const curves = data.curvesOf(b)!.curves;
    expect(curves.map((curve) => curve.series)).toEqual(
      expect.arrayContaining(['train_loss', 'test_loss', 'specialized_total', 'velocity']),
    );
    expect(curves.find((curve) => curve.series === 'specialized_total')?.epochs).toEqual(EPOCHS);
    expect(data.curvesOf(c)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('asks only for the variants whose curves are neither in nor on their way', async () => {
    await data.loadRows(family);
    data.requestCurves([a], 1000);
    await flush();
    data.requestCurves([a, b], 1000);
    await settled();
    data.requestCurves([a, b, c], 1000);
    await settled();
    data.requestCurves([c, a], 1000);
    await flush();
    expect(data.loadingCurves).toBe(false);
    expect(curveRequests()).toEqual([
      [a, 1000],
      [b, 1000],
      [c, 1000],
    ]);
    expect([a, b, c].map((name) => data.curvesOf(name)?.variant)).toEqual([a, b, c]);
    // Drawn at each call, and as each answer arrived.
    expect(drawn).toBe(7);
  });

  it('another plot width forgets the curves and asks for them again', async () => {
    await data.loadRows(family);
    data.requestCurves([a, b], 1000);
    await settled();
    data.requestCurves([a, b], 1300);
    await flush();
    expect(data.curvesOf(a)).toBeUndefined();
    await settled();
    expect(curveRequests()).toEqual([
      [`${a},${b}`, 1000],
      [`${a},${b}`, 1300],
    ]);
    expect(data.curvesOf(a)).toBeDefined();
  });

  it("another family aborts the family's requests and drops their answers", async () => {
    const first = data.loadRows(family);
    const second = data.loadRows(OTHER_FAMILY);
    expect(await first).toBe('superseded');
    expect(await second).toBe('loaded');
    expect(data.rows).toEqual([]);

    await data.loadRows(family);
    data.requestCurves([a, b], 1000);
    await flush();
    expect(data.loadingCurves).toBe(true);
    await data.loadRows(OTHER_FAMILY);
    expect(data.loadingCurves).toBe(false);
    // A request still waiting for its microtask is dropped too.
    data.requestCurves([c], 1000);
    await data.loadRows(family);
    await pause();
    expect([a, b, c].map((name) => data.curvesOf(name))).toEqual([undefined, undefined, undefined]);
    expect(drawn).toBe(1);
    expect(data.rows.map((row) => row.name)).toEqual([a, b, c]);
    expect(curveRequests().every(([variants]) => variants !== c)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('the page leaving aborts the curves on their way', async () => {
    await data.loadRows(family);
    data.requestCurves([a], 1000);
    await flush();
    host.disconnect();
    await pause();
    expect([drawn, errors]).toEqual([1, []]);
    expect([data.curvesOf(a), data.loadingCurves]).toEqual([undefined, false]);
  });
});
