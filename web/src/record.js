// Pure logic of the register's page, kept apart from the DOM so that it is unit tested: a record's
// attributes in the order, with the names and reference numbers, of the UK Algorithmic
// Transparency Recording Standard (ATRS v3.0), the page's routes, and the wording of search results.

// The parts of a record page: the record's own information (ATRS 0.x, tier "N/A"), tier 1, tier 2
// and the optional EU AI Act section; each shows the standard's categories in its order.
export const PARTS = [
  { part: 'record', title: 'About this record' },
  { part: 'tier1', title: 'Tier 1: overview for the public' },
  { part: 'tier2', title: 'Tier 2: detail for interested parties' },
  { part: 'eu', title: 'EU AI Act registration (Annex VIII)' },
];

const partOf = (field) => {
  if (field.eu) return 'eu';
  return field.tier === 1 ? 'tier1' : field.tier === 2 ? 'tier2' : 'record';
};

export const toolName = (record) => lookup(record, 'tier_1_information.name') || record.slug;

// The text at a dotted key ("tier2.owner.team") of a nested record; '' when absent or not text.
export function lookup(record, key) {
  let node = record;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return '';
    node = node[part];
  }
  if (typeof node === 'number' && Number.isInteger(node)) return String(node); // ATRS 0.1 id
  return typeof node === 'string' ? node : '';
}

// The record as sections, one per category of the standard, each with its rows in the standard's
// order (the order of `fields`, as the server's /api/fields gives them) and the part it belongs to.
export function recordSections(record, fields) {
  const sections = [];
  for (const field of fields) {
    const part = partOf(field);
    let section = sections.find((s) => s.part === part && s.title === field.category);
    if (!section) {
      section = { part, title: field.category, rows: [] };
      sections.push(section);
    }
    section.rows.push({
      key: field.key,
      reference: field.reference,
      label: field.label,
      value: lookup(record, field.key),
      required: field.required,
    });
  }
  return sections;
}

// Labels of the fields that the standard requires but the record leaves empty.
export function undisclosed(record, fields) {
  return fields.filter((f) => f.required && lookup(record, f.key).trim() === '')
    .map((f) => (f.reference ? `${f.reference} ${f.label}` : f.label));
}

const SLUG = '([A-Za-z0-9_-]{1,100})';
const TOOL = new RegExp(`^/tools/${SLUG}/?$`);
const AUDIT = new RegExp(`^/tools/${SLUG}/audits/([0-9]{1,18})/?$`);

// The view a location shows: the register (with its search text), a tool, an audit, or none.
export function parseRoute(pathname, search = '') {
  if (pathname === '/' || pathname === '/index.html') {
    const params = new URLSearchParams(search);
    const offset = Number(params.get('offset') ?? 0);
    const filters = {};
    for (const name of FILTERS) if (params.get(name)) filters[name] = params.get(name);
    return { view: 'list', query: params.get('q') ?? '',
      offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0, filters };
  }
  if (pathname === '/compare' || pathname === '/compare/') return { view: 'compare' };
  let m = AUDIT.exec(pathname);
  if (m) return { view: 'audit', slug: m[1], id: Number(m[2]) };
  m = TOOL.exec(pathname);
  if (m) return { view: 'tool', slug: m[1] };
  return { view: 'missing' };
}

// The filters of the register's list, as the server's /api/tools takes them.
export const FILTERS = ['organisation', 'category', 'phase', 'audited'];

function withFilters(params, filters) {
  for (const name of FILTERS) if (filters?.[name]) params.set(name, filters[name]);
}

export function listPath(query = '', offset = 0, filters = {}) {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  withFilters(params, filters);
  if (offset > 0) params.set('offset', String(offset));
  const text = params.toString();
  return text ? `/?${text}` : '/';
}
export const toolPath = (slug) => `/tools/${encodeURIComponent(slug)}`;
export const auditPath = (slug, id) => `${toolPath(slug)}/audits/${id}`;
export function searchUrl(query, offset = 0, filters = {}) {
  const params = new URLSearchParams();
  if (query.trim()) params.set('search', query.trim());
  withFilters(params, filters);
  if (offset > 0) params.set('offset', String(offset));
  const text = params.toString();
  return text ? `/api/tools?${text}` : '/api/tools';
}

// The page of /api/tools that a reply covers, from its headers (the server's X-Total-Count and
// Link: <...>; rel="next" / rel="prev"): where the next and previous pages start (null when none)
// and the total; `count` is how many tools the reply holds.
export function pageOf({ total, link }, offset, count) {
  const start = (rel) => {
    const m = new RegExp(`<([^>]*)>\\s*;\\s*rel="${rel}"`).exec(link ?? '');
    if (!m) return null;
    const value = Number(new URL(m[1], 'http://x').searchParams.get('offset') ?? 0);
    return Number.isSafeInteger(value) && value >= 0 ? value : null;
  };
  const n = Number(total);
  return { total: Number.isSafeInteger(n) ? n : count, first: count ? offset + 1 : 0,
    last: offset + count, next: start('next'), prev: start('prev') };
}

// One line saying what the search found, for a live region; with `page` (pageOf), which of
// them are shown when they do not fit on one page.
export function searchSummary(count, query, page = null, filtered = false) {
  const q = filtered && !query.trim() ? 'the filters' : query.trim();
  const tools = `${count} ${count === 1 ? 'tool' : 'tools'}`;
  let text;
  if (!q) text = count === 0 ? 'The register is empty.' : `${tools} in the register.`;
  else if (count === 0) text = q === 'the filters' ? 'No tool matches the filters.' : `No tool matches “${q}”.`;
  else if (q === 'the filters') text = `${tools} ${count === 1 ? 'matches' : 'match'} the filters.`;
  else text = `${tools} ${count === 1 ? 'matches' : 'match'} “${q}”.`;
  if (page && page.first && (page.first > 1 || page.last < count))
    text += ` Showing ${page.first} to ${page.last}.`;
  return text;
}

// Whether a click on a link should be handled by the page's router rather than by the browser:
// same origin, a page path (not the API or a report), no modifier key, no target window.
export function isPageLink({ href, origin, target, modified }) {
  if (modified || (target && target !== '_self')) return false;
  const url = new URL(href, origin);
  if (url.origin !== origin) return false;
  return !url.pathname.startsWith('/api/') && !url.pathname.startsWith('/reports/');
}
