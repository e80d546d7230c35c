// The page's three views, each rendered into <main>: the register with its search box, one tool's
// record (ATRS tier 1 and tier 2) with its audits, and one audit with its report and raw results.
import { append, getJson, getJsonWithHeaders, h, postJson } from './dom.js';
import {
  challengeSummary, changeNotes, COMPARE_COLUMNS, compareRows, headlineTables,
} from './evidence.js';
import {
  auditPath,
  listPath,
  FILTERS,
  pageOf,
  recordSections,
  searchSummary,
  PARTS,
  searchUrl,
  toolName,
  toolPath,
  undisclosed,
} from './record.js';

let fieldsPromise = null;
// The standard's fields with their labels, fetched once.
function fields() {
  fieldsPromise ??= getJson('/api/fields').catch((e) => {
    fieldsPromise = null;
    throw e;
  });
  return fieldsPromise;
}

// Puts a view's content in <main>, names the page and moves focus to its heading.
function show(main, title, ...content) {
  const heading = h('h1', { tabindex: '-1' }, title);
  main.replaceChildren(heading);
  append(main, content);
  document.title = `${title} · scrutineer register`;
  return heading;
}

export function showError(main, error) {
  show(main, 'Something went wrong', h('p', { role: 'alert' }, error.message),
    h('p', {}, h('a', { href: '/' }, 'Back to the register')));
}

export function showMissing(main) {
  show(main, 'Page not found', h('p', {}, 'There is no page at this address. ',
    h('a', { href: '/' }, 'Back to the register')));
}

function toolItem(tool) {
  const audits = `${tool.audits} ${tool.audits === 1 ? 'audit' : 'audits'}`;
  return h('li', { class: 'tool' },
    h('h2', {}, h('a', { href: toolPath(tool.slug) }, tool.name)),
    tool.organisation ? h('p', { class: 'org' }, tool.organisation) : null,
    h('p', {}, tool.description),
    h('p', { class: 'meta' }, audits));
}

// The filters: organisation (police force), tier-1 category, phase, and whether an independent
// audit is linked; choices from the server's /api/facets.
function filterControls(facets, filters, onChange) {
  const select = (name, label, options) => {
    const el = h('select', { id: `filter-${name}`, name, onchange: onChange },
      h('option', { value: '' }, 'Any'),
      options.map(([value, text]) => h('option', { value, selected: filters[name] === value }, text)));
    return h('div', { class: 'filter' }, h('label', { for: `filter-${name}` }, label), el);
  };
  const pairs = (list) => list.map((v) => [v, v]);
  return h('fieldset', { class: 'filters' }, h('legend', {}, 'Filter the register'),
    select('organisation', 'Organisation (police force)', pairs(facets.organisations)),
    select('category', 'Category', [['geographic', 'Geographic (places)'], ['people-focused', 'People-focused']]),
    select('phase', 'Phase', pairs(facets.phases)),
    select('audited', 'Independent audit', [['yes', 'Has an independent audit'], ['no', 'No audit yet']]));
}

function currentFilters(form) {
  const out = {};
  for (const name of FILTERS) {
    const el = form.querySelector(`#filter-${name}`);
    if (el?.value) out[name] = el.value;
  }
  return out;
}

// The register, filtered by the search box as the person types (the server searches every field)
// and by the filters, a page at a time with links to the next and previous pages (the server's
// paging headers).
export async function showList(main, query, startOffset = 0, startFilters = {}) {
  const facets = await getJson('/api/facets');
  const input = h('input', { id: 'search', type: 'search', name: 'q', value: query,
    autocomplete: 'off', 'aria-describedby': 'search-help' });
  const status = h('p', { id: 'search-status', role: 'status', 'aria-live': 'polite' });
  const results = h('ul', { id: 'results', class: 'tools', 'aria-label': 'Tools' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of the register' });
  let pending = null;
  let timer = 0;
  let offset = startOffset;
  let form = null;
  const filters = () => (form ? currentFilters(form) : startFilters);
  const pageLink = (label, to, rel) => h('a', { href: listPath(input.value.trim(), to, filters()), rel,
    onclick: (e) => {
      e.preventDefault();
      e.stopPropagation();
      offset = to;
      run().then(() => results.querySelector('a')?.focus());
    } }, label);
  const run = async () => {
    pending?.abort();
    pending = new AbortController();
    const q = input.value;
    const f = filters();
    try {
      const { body: tools, headers } = await getJsonWithHeaders(searchUrl(q, offset, f), pending.signal);
      const page = pageOf({ total: headers.get('X-Total-Count'), link: headers.get('Link') },
        offset, tools.length);
      results.replaceChildren(...tools.map(toolItem));
      status.textContent = searchSummary(page.total, q, page, Object.keys(f).length > 0);
      pager.replaceChildren(...[
        page.prev !== null ? pageLink('Previous page', page.prev, 'prev') : null,
        page.next !== null ? pageLink('Next page', page.next, 'next') : null].filter(Boolean));
      history.replaceState(null, '', listPath(q.trim(), offset, f));
    } catch (e) {
      if (e.name !== 'AbortError') status.textContent = `The search failed: ${e.message}`;
    }
  };
  const search = () => {
    offset = 0;
    run();
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  form = h('form', { role: 'search', class: 'search', onsubmit: (e) => {
    e.preventDefault();
    clearTimeout(timer);
    search();
  } },
  h('label', { for: 'search' }, 'Search the register'),
  h('p', { id: 'search-help', class: 'help' }, 'Any word from a record: name, force, supplier, data…'),
  h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Search')),
  filterControls(facets, startFilters, search));
  show(main, 'Register of predictive-policing tools', form,
    h('p', {}, h('a', { href: '/compare' }, 'Compare the audited tools across forces')),
    status, results, pager);
  run();
}

function fieldRows(rows) {
  return h('dl', { class: 'fields' }, rows.map((row) => [
    h('dt', {}, row.reference ? h('span', { class: 'ref' }, `${row.reference} `) : null, row.label,
      row.required ? h('span', { class: 'req' }, ' (required by the standard)') : null),
    row.value
      ? h('dd', {}, /^https?:\/\/\S+$/.test(row.value)
        ? h('a', { href: row.value, rel: 'noopener noreferrer' }, row.value) : row.value)
      : h('dd', { class: 'missing' }, 'Not disclosed'),
  ]));
}

function recordView(record, specs) {
  const sections = recordSections(record, specs);
  return PARTS.map(({ part, title }) => {
    const own = sections.filter((s) => s.part === part);
    if (own.length === 0) return null;
    const filled = own.some((s) => s.rows.some((r) => r.value));
    return h('section', { 'aria-labelledby': `part-${part}` },
      h('h2', { id: `part-${part}` }, title),
      part === 'eu' && !filled
        ? h('p', { class: 'missing' }, 'Not given (optional: for high-risk systems under the EU AI Act, Annex III point 6).')
        : own.map((s) => [h('h3', {}, s.title), fieldRows(s.rows)]));
  });
}

function figureTable(t) {
  return h('table', { class: 'figures' }, h('caption', {}, t.caption),
    h('thead', {}, h('tr', {}, t.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, t.rows.map((row) => h('tr', {},
      h('th', { scope: 'row' }, row[0]), row.slice(1).map((v) => h('td', {}, v))))));
}

// One audit's findings: its figures, when and by what it was run, what changed since, and links
// to its page and full report.
function auditFindings(record, a) {
  const notes = changeNotes(a.changes);
  const tables = headlineTables(a.evidence);
  return h('article', { class: 'audit' },
    h('h3', {}, `Audit ${a.id}: ${a.kind}`),
    h('p', { class: 'meta' }, `Run ${a.run_at} (UTC) by scrutineer ${a.engine_version}.`),
    notes.length ? h('p', { class: 'note changed', role: 'note' }, h('strong', {}, 'Changed since linked: '),
      notes.join(' ')) : null,
    tables.length ? tables.map(figureTable) : h('p', {}, a.summary),
    h('p', {}, h('a', { href: auditPath(record.slug, a.id) }, `Details of audit ${a.id}`),
      a.report_url ? [' · ', h('a', { href: a.report_url }, `Full report of audit ${a.id}`)] : null));
}

function auditFindingsList(record) {
  if (record.audits.length === 0) return h('p', {}, 'No independent audit is linked to this tool yet.');
  return record.audits.map((a) => auditFindings(record, a));
}

// A published question or challenge: what was asked, and the answer (contact details removed by
// the server; the person's contact is never sent to the page).
function publishedChallenge(c) {
  return h('article', { class: 'challenge' },
    h('h4', {}, `${c.kind === 'challenge' ? 'Challenge' : 'Question'} ${c.reference}`),
    h('p', { class: 'meta' }, `Received ${c.received_at}; answered ${c.answered_at ?? 'not yet'}.`),
    c.decision ? h('p', {}, h('strong', {}, 'Decision: '), c.decision) : null,
    h('p', {}, h('strong', {}, 'Asked: '), c.question),
    h('p', {}, h('strong', {}, 'Answer: '), c.answer || 'Not answered yet.'));
}

// The form anyone can use, without an account. The hidden "website" field is a trap for robots:
// people never see it, and a submission that fills it is refused.
function challengeForm(slug) {
  const status = h('p', { id: 'challenge-status', role: 'status', 'aria-live': 'polite' });
  const field = (id, label, control, help) => h('div', { class: 'field' },
    h('label', { for: id }, label), help ? h('p', { id: `${id}-help`, class: 'help' }, help) : null, control);
  const kind = h('select', { id: 'challenge-kind', name: 'kind' },
    h('option', { value: 'question' }, 'A question about the tool'),
    h('option', { value: 'challenge' }, 'A challenge to a decision that affected me'));
  const decision = h('textarea', { id: 'challenge-decision', name: 'decision', rows: 3, maxlength: 4000,
    'aria-describedby': 'challenge-decision-help' });
  const question = h('textarea', { id: 'challenge-question', name: 'question', rows: 5, maxlength: 4000,
    required: true, minlength: 10 });
  const contact = h('input', { id: 'challenge-contact', name: 'contact', type: 'text', maxlength: 200,
    autocomplete: 'email', 'aria-describedby': 'challenge-contact-help' });
  const trap = h('input', { id: 'challenge-website', name: 'website', type: 'text', tabindex: '-1',
    autocomplete: 'off' });
  const submit = async (e) => {
    e.preventDefault();
    status.textContent = 'Sending…';
    try {
      const reply = await postJson(`/api/tools/${encodeURIComponent(slug)}/challenges`, {
        kind: kind.value, decision: decision.value, question: question.value,
        contact: contact.value, website: trap.value });
      status.textContent = `Received. Your reference is ${reply.reference}: keep it to follow `
        + 'your question. It will be published only once it has been reviewed, without your contact details.';
      form.reset();
    } catch (err) {
      status.textContent = `Not sent: ${err.message}`;
    }
  };
  const form = h('form', { class: 'challenge-form', onsubmit: submit },
    field('challenge-kind', 'What is it?', kind),
    field('challenge-decision', 'What decision affected you? (optional)', decision,
      'For example a stop, a visit or a listing, and when. Leave out names and addresses.'),
    field('challenge-question', 'What do you ask?', question),
    field('challenge-contact', 'How to reach you with the answer (optional)', contact,
      'An e-mail address or a postal address. Never published.'),
    h('div', { class: 'trap', 'aria-hidden': 'true' },
      h('label', { for: 'challenge-website' }, 'Leave this empty'), trap),
    h('button', { type: 'submit' }, 'Send'));
  return [form, status];
}

async function challengesSection(slug) {
  const data = await getJson(`/api/tools/${encodeURIComponent(slug)}/challenges`);
  return h('section', { 'aria-labelledby': 'challenges' },
    h('h2', { id: 'challenges' }, 'Questions and challenges'),
    h('p', { id: 'challenge-counts' }, challengeSummary(data.counts)),
    data.published.length ? h('div', { class: 'published' }, data.published.map(publishedChallenge)) : null,
    h('h3', {}, 'Ask a question or challenge a decision'),
    h('p', {}, 'No account is needed. Questions are answered and published after review; '
      + 'your contact details are never published.'),
    challengeForm(slug));
}

// A tool's record: what the independent audits found comes first, then the disclosure.
export async function showTool(main, slug) {
  const [record, specs, challenges] = await Promise.all([
    getJson(`/api/tools/${encodeURIComponent(slug)}`), fields(), challengesSection(slug)]);
  const missing = undisclosed(record, specs);
  const name = toolName(record);
  show(main, name,
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'Register'), ' › ', name),
    h('section', { 'aria-labelledby': 'audits' },
      h('h2', { id: 'audits' }, 'What the independent audits found'), auditFindingsList(record)),
    missing.length ? h('p', { class: 'note' }, h('strong', {}, 'Not disclosed: '),
      `${missing.length} of the attributes the standard requires.`) : null,
    recordView(record, specs),
    challenges);
}

function resultsList(audit) {
  if (!audit.files || audit.files.length === 0) return null;
  return h('section', { 'aria-labelledby': 'raw' },
    h('h2', { id: 'raw' }, 'Raw results'),
    h('p', {}, 'Every table the audit wrote (CSV, JSON, GeoJSON), to check or reuse.'),
    h('ul', { class: 'files' }, audit.files.map((f) => h('li', {}, h('a', { href: f.url }, f.path)))));
}

const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

export async function showAudit(main, slug, id) {
  const record = await getJson(`/api/tools/${encodeURIComponent(slug)}`);
  const audit = record.audits.find((a) => a.id === id);
  if (!audit) return showMissing(main);
  const name = toolName(record);
  const report = audit.report_url
    ? h('section', { 'aria-labelledby': 'report' },
      h('h2', { id: 'report' }, 'Report'),
      h('p', {}, h('a', { href: audit.report_url }, 'Open the report on its own page')),
      h('iframe', { src: audit.report_url, title: `Audit report: ${audit.kind} audit of ${name}`,
        sandbox: '', referrerpolicy: 'no-referrer', class: 'report' }))
    : h('p', { class: 'note' }, audit.location
      ? ['The results are published at ', h('a', { href: audit.location, rel: 'noopener noreferrer' }, audit.location), '.']
      : 'This server does not hold this audit\'s results.');
  const ev = audit.evidence;
  show(main, `${capitalised(audit.kind)} audit of ${name}`,
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'Register'), ' › ',
      h('a', { href: toolPath(slug) }, name), ' › ', `Audit ${audit.id}`),
    h('dl', { class: 'fields' },
      h('dt', {}, 'Findings'), h('dd', {}, audit.summary),
      h('dt', {}, 'Run at (UTC)'), h('dd', {}, audit.run_at),
      h('dt', {}, 'scrutineer version'), h('dd', {}, audit.engine_version),
      ev ? [h('dt', {}, 'Recipe SHA-256'), h('dd', { class: 'hash' }, ev.recipe_sha256)] : null,
      ev ? [h('dt', {}, 'Inputs (SHA-256)'), h('dd', {}, h('ul', { class: 'inputs' },
        ev.inputs.map((i) => h('li', {}, `${i.name}: `, h('span', { class: 'hash' }, i.sha256)))))] : null,
      changeNotes(audit.changes).length ? [h('dt', {}, 'Changed since linked'),
        h('dd', {}, changeNotes(audit.changes).join(' '))] : null),
    headlineTables(ev).map(figureTable),
    report, resultsList(audit));
}

// The comparison across forces: one row per audit of an audited tool, with its headline figures.
export async function showCompare(main) {
  const tools = await getJson('/api/compare');
  const rows = compareRows(tools);
  const body = rows.length === 0
    ? h('p', {}, 'No tool in the register has an independent audit yet.')
    : h('table', { class: 'compare' },
      h('caption', {}, 'Headline figures of the independent audits, by force'),
      h('thead', {}, h('tr', {}, COMPARE_COLUMNS.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((r) => h('tr', {},
        h('th', { scope: 'row' }, r.organisation || 'Not disclosed'),
        h('td', {}, h('a', { href: toolPath(r.slug) }, r.name)),
        h('td', {}, h('a', { href: auditPath(r.slug, r.audit) }, `Audit ${r.audit}`), r.changed ? ' (changed since linked)' : ''),
        r.cells.map((c) => h('td', {}, c))))));
  show(main, 'Compare the audited tools',
    h('p', { class: 'crumbs' }, h('a', { href: '/' }, 'Register'), ' › ', 'Compare'),
    h('p', {}, 'Each row is one independent audit: the forecast hit rate against the best simple '
      + 'baseline, the share of flagged cells where no crime was recorded, the largest disparity ratio '
      + 'of the groups, and the largest error-rate ratio of a scoring tool; intervals in brackets.'),
    body);
}
