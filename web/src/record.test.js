// Unit tests of the page's pure logic (record.js): ATRS layout, routes, search wording, link
// handling. Expected values are written out by hand from the inputs.
import { describe, expect, test } from 'vitest';

import {
  isPageLink, listPath, lookup, pageOf, parseRoute, recordSections, searchSummary, searchUrl,
  undisclosed,
} from './record.js';

// A shortened field list in the standard's order, as /api/fields gives it.
const fields = [
  { key: 'tier1.name', label: 'Name', tier: 1, required: true },
  { key: 'tier1.description', label: 'Description', tier: 1, required: true },
  { key: 'tier1.contact_email', label: 'Contact email', tier: 1, required: true },
  { key: 'tier2.owner.organisation', label: 'Organisation or department', tier: 2, required: true },
  { key: 'tier2.owner.team', label: 'Team', tier: 2, required: false },
  { key: 'tier2.data.sources', label: 'Data sources', tier: 2, required: true },
  { key: 'meta.note', label: 'Metadata', tier: 0, required: false },
];
const record = {
  slug: 'x',
  tier1: { name: 'Tool X', description: 'Flags cells.' },
  tier2: { owner: { team: 'Analysis' }, data: { sources: 'Recorded crime' } },
};

describe('lookup', () => {
  test('walks dotted keys and gives empty text for what is absent', () => {
    expect(lookup(record, 'tier2.owner.team')).toBe('Analysis');
    expect(lookup(record, 'tier2.owner.organisation')).toBe('');
    expect(lookup(record, 'tier3.nothing')).toBe('');
    expect(lookup(record, 'tier2.owner')).toBe(''); // an object is not text
  });
});

describe('recordSections', () => {
  test('keeps the standard order, groups tier 2 by section and leaves out metadata', () => {
    const sections = recordSections(record, fields);
    expect(sections.map((s) => [s.tier, s.title])).toEqual([
      [1, 'Overview'], [2, 'Owner and responsibility'], [2, 'Data']]);
    expect(sections[0].rows.map((r) => [r.label, r.value])).toEqual([
      ['Name', 'Tool X'], ['Description', 'Flags cells.'], ['Contact email', '']]);
    expect(sections[1].rows.map((r) => r.key)).toEqual(['tier2.owner.organisation', 'tier2.owner.team']);
  });
  test('names an unknown tier 2 section by its key', () => {
    const s = recordSections({}, [{ key: 'tier2.extra.x', label: 'X', tier: 2, required: false }]);
    expect(s[0].title).toBe('extra');
  });
});

test('undisclosed lists the required fields left empty, by label', () => {
  // Required: name (given), description (given), contact (empty), organisation (empty), sources (given).
  expect(undisclosed(record, fields)).toEqual(['Contact email', 'Organisation or department']);
});

describe('parseRoute', () => {
  test('reads the three views and the search text', () => {
    expect(parseRoute('/', '?q=gang%20matrix')).toEqual({ view: 'list', query: 'gang matrix', offset: 0 });
    expect(parseRoute('/', '?q=a&offset=50')).toEqual({ view: 'list', query: 'a', offset: 50 });
    expect(parseRoute('/', '?offset=-3').offset).toBe(0);
    expect(parseRoute('/', '')).toEqual({ view: 'list', query: '', offset: 0 });
    expect(parseRoute('/tools/met-gangs_1')).toEqual({ view: 'tool', slug: 'met-gangs_1' });
    expect(parseRoute('/tools/a/audits/12')).toEqual({ view: 'audit', slug: 'a', id: 12 });
  });
  test('refuses what is not a slug or an audit number', () => {
    expect(parseRoute('/tools/..%2Fetc').view).toBe('missing');
    expect(parseRoute('/tools/a/audits/x').view).toBe('missing');
    expect(parseRoute('/elsewhere').view).toBe('missing');
  });
});

test('searchUrl encodes the text and drops surrounding blanks', () => {
  expect(searchUrl('  ')).toBe('/api/tools');
  expect(searchUrl(' a&b ')).toBe('/api/tools?search=a%26b');
});

test('searchSummary agrees in number', () => {
  expect(searchSummary(0, '')).toBe('The register is empty.');
  expect(searchSummary(3, '')).toBe('3 tools in the register.');
  expect(searchSummary(1, 'x')).toBe('1 tool matches “x”.');
  expect(searchSummary(2, 'x ')).toBe('2 tools match “x”.');
  expect(searchSummary(0, 'x')).toBe('No tool matches “x”.');
});

describe('isPageLink', () => {
  const origin = 'http://127.0.0.1:8080';
  const link = (href, extra = {}) => isPageLink({ href, origin, target: '', modified: false, ...extra });
  test('handles the page\'s own paths', () => {
    expect(link('/tools/a')).toBe(true);
    expect(link('http://127.0.0.1:8080/?q=x')).toBe(true);
  });
  test('leaves the API, reports, other sites, new windows and modified clicks to the browser', () => {
    expect(link('/api/tools')).toBe(false);
    expect(link('/reports/demo/report.html')).toBe(false);
    expect(link('https://example.org/')).toBe(false);
    expect(link('/tools/a', { target: '_blank' })).toBe(false);
    expect(link('/tools/a', { modified: true })).toBe(false);
  });
});

describe('paging', () => {
  test('pageOf reads the next and previous offsets from the Link header', () => {
    // 120 tools, 50 a page, the second page: tools 51 to 100, next at 100, previous at 0.
    const link = '</api/tools?search=&limit=50&offset=100>; rel="next", '
      + '</api/tools?search=&limit=50&offset=0>; rel="prev"';
    expect(pageOf({ total: '120', link }, 50, 50)).toEqual(
      { total: 120, first: 51, last: 100, next: 100, prev: 0 });
    expect(pageOf({ total: '3', link: null }, 0, 3)).toEqual(
      { total: 3, first: 1, last: 3, next: null, prev: null });
  });
  test('the summary says which tools are shown only when they do not all fit', () => {
    expect(searchSummary(120, '', { first: 51, last: 100 }))
      .toBe('120 tools in the register. Showing 51 to 100.');
    expect(searchSummary(3, '', { first: 1, last: 3 })).toBe('3 tools in the register.');
  });
  test('addresses carry the offset', () => {
    expect(searchUrl('a b', 50)).toBe('/api/tools?search=a+b&offset=50');
    expect(listPath('x', 100)).toBe('/?q=x&offset=100');
    expect(listPath('', 0)).toBe('/');
  });
});
