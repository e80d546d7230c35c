// Unit tests of the page's pure logic (record.js): ATRS layout, routes, search wording, link
// handling. Expected values are written out by hand from the inputs.
import { describe, expect, test } from 'vitest';

import {
  isPageLink, listPath, lookup, pageOf, parseRoute, recordSections, searchSummary, searchUrl,
  undisclosed,
} from './record.js';

// A shortened field list in the standard's order, as /api/fields gives it (ATRS v3.0).
const f = (reference, key, label, tier, category, required, eu = false) =>
  ({ reference, key, label, tier, category, required, eu });
const fields = [
  f('0.1', 'metadata.id', 'ID', 0, 'Metadata', true),
  f('1.1', 'tier_1_information.name', 'Name', 1, 'Tier 1 Information', true),
  f('1.2', 'tier_1_information.description', 'Description', 1, 'Tier 1 Information', true),
  f('1.4', 'tier_1_information.contact_email', 'Contact email', 1, 'Tier 1 Information', true),
  f('2.1.1', 'owner_and_responsibility.organisation_or_department', 'Organisation or department', 2,
    'Owner and Responsibility', true),
  f('2.1.2', 'owner_and_responsibility.team', 'Team', 2, 'Owner and Responsibility', false),
  f('2.4.3.1', 'data_specification.source_data_name', 'Source data name', 2, 'Data Specification', true),
  f('VIII.A.4', 'eu_ai_act_annex_viii.trade_name', 'Trade name', 2, 'EU AI Act Annex VIII', false, true),
];
const record = {
  slug: 'x',
  metadata: { id: 12 },
  tier_1_information: { name: 'Tool X', description: 'Flags cells.' },
  owner_and_responsibility: { team: 'Analysis' },
  data_specification: { source_data_name: 'Recorded crime' },
};

describe('lookup', () => {
  test('walks dotted keys and gives empty text for what is absent', () => {
    expect(lookup(record, 'owner_and_responsibility.team')).toBe('Analysis');
    expect(lookup(record, 'owner_and_responsibility.organisation_or_department')).toBe('');
    expect(lookup(record, 'tier3.nothing')).toBe('');
    expect(lookup(record, 'owner_and_responsibility')).toBe(''); // an object is not text
    expect(lookup(record, 'metadata.id')).toBe('12'); // the standard's one integer
  });
});

describe('recordSections', () => {
  test('keeps the standard order and groups by category, each in its part', () => {
    const sections = recordSections(record, fields);
    expect(sections.map((s) => [s.part, s.title])).toEqual([
      ['record', 'Metadata'], ['tier1', 'Tier 1 Information'], ['tier2', 'Owner and Responsibility'],
      ['tier2', 'Data Specification'], ['eu', 'EU AI Act Annex VIII']]);
    expect(sections[1].rows.map((r) => [r.reference, r.label, r.value])).toEqual([
      ['1.1', 'Name', 'Tool X'], ['1.2', 'Description', 'Flags cells.'], ['1.4', 'Contact email', '']]);
    expect(sections[2].rows.map((r) => r.key)).toEqual([
      'owner_and_responsibility.organisation_or_department', 'owner_and_responsibility.team']);
  });
});

test('undisclosed lists the required fields left empty, by reference and name', () => {
  // Required: id (12), name, description (given), contact (empty), organisation (empty), source data (given).
  expect(undisclosed(record, fields)).toEqual(['1.4 Contact email', '2.1.1 Organisation or department']);
});

describe('parseRoute', () => {
  test('reads the three views and the search text', () => {
    expect(parseRoute('/', '?q=gang%20matrix')).toEqual({ view: 'list', query: 'gang matrix', offset: 0, filters: {} });
    expect(parseRoute('/', '?q=a&offset=50&category=geographic&audited=yes')).toEqual(
      { view: 'list', query: 'a', offset: 50, filters: { category: 'geographic', audited: 'yes' } });
    expect(parseRoute('/compare')).toEqual({ view: 'compare' });
    expect(parseRoute('/', '?offset=-3').offset).toBe(0);
    expect(parseRoute('/', '')).toEqual({ view: 'list', query: '', offset: 0, filters: {} });
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
    expect(listPath('', 0, { organisation: 'Essex Police', phase: '' })).toBe('/?organisation=Essex+Police');
    expect(searchUrl('', 0, { audited: 'yes', category: 'people-focused' }))
      .toBe('/api/tools?category=people-focused&audited=yes');
    expect(searchSummary(2, '', null, true)).toBe('2 tools match the filters.');
    expect(searchSummary(0, '', null, true)).toBe('No tool matches the filters.');
  });
});
