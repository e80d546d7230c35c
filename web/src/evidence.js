// What an independent audit found, from the evidence the register read from its results folder
// (recipe::audit_evidence): the headline figures as table rows, and what changed since it was
// linked. Pure functions, unit tested in evidence.test.js.

// A number as the page shows it: three significant figures; 'n/a' when absent (undefined).
export function fmt(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'n/a';
  return Number(value.toPrecision(3)).toString();
}

// "0.12 (0.05 to 0.2)": an estimate with its interval, as in the reports.
export function withInterval(estimate, lo, hi) {
  const e = fmt(estimate);
  if (fmt(lo) === 'n/a' || fmt(hi) === 'n/a') return e;
  return `${e} (${fmt(lo)} to ${fmt(hi)})`;
}

const iv = (i) => (i ? withInterval(i.estimate, i.lo, i.hi) : 'n/a');

// The tables of one audit's headline figures: each {caption, columns, rows}.
export function headlineTables(evidence) {
  const h = evidence?.headline ?? {};
  const tables = [];
  if (h.backtest?.models?.length) {
    tables.push({
      caption: `Forecast accuracy at the operating point (best baseline: ${h.backtest.best_baseline || 'n/a'})`,
      columns: ['Model', 'Hit rate', 'Hit rate minus best baseline', 'Wrong share'],
      rows: h.backtest.models.map((m) => [m.label, iv(m.hit_rate),
        iv(m.hit_rate_minus_best_baseline), iv(m.wrong_share)]),
    });
  }
  if (h.disparity?.groups?.length) {
    tables.push({
      caption: 'Who is flagged: disparity ratio (share of flags over share of population)',
      columns: ['Group', 'Disparity ratio'],
      rows: h.disparity.groups.map((g) => [g.group, withInterval(g.disparity_ratio,
        g.disparity_ratio_ci?.lo, g.disparity_ratio_ci?.hi)]),
    });
  }
  if (h.scores?.ratios?.length) {
    tables.push({
      caption: 'Error-rate ratios of the scoring tool (group over reference group)',
      columns: ['Threshold', 'Attribute', 'Group', 'Reference', 'Error rate', 'Ratio'],
      rows: h.scores.ratios.map((r) => [String(r.threshold ?? ''), String(r.attribute ?? ''),
        String(r.group ?? ''), String(r.reference ?? ''),
        r.metric === 'fpr' ? 'false positive rate' : 'false negative rate',
        withInterval(r.ratio, r.ratio_lo, r.ratio_hi)]),
    });
  }
  return tables;
}

// A sentence for each change since the audit was linked (the server's "changes").
export function changeNotes(changes = []) {
  const text = {
    inputs: 'The results folder now holds a run on other inputs than those linked.',
    recipe: 'The results folder now holds a run of another recipe than the one linked.',
    engine: 'This audit was run by another version of scrutineer than the one serving this register.',
  };
  return changes.map((c) => text[c] ?? `Changed: ${c}.`);
}

// One sentence on a tool's questions and challenges (the server's counts).
export function challengeSummary(counts) {
  if (!counts || counts.received === 0) return 'No question or challenge has been received yet.';
  const n = (k, one, many) => `${k} ${k === 1 ? one : many}`;
  let text = `${n(counts.received, 'question or challenge', 'questions and challenges')} received, `
    + `${counts.answered} answered, ${counts.published} published.`;
  if (typeof counts.median_answer_days === 'number') {
    text += ` Answers took ${fmt(counts.median_answer_days)} days at the median`
      + ` (the longest ${fmt(counts.longest_answer_days)} days).`;
  }
  return text;
}

export const COMPARE_COLUMNS = ['Organisation', 'Tool', 'Audit', 'Hit rate minus best baseline',
  'Wrong share', 'Largest disparity ratio', 'Largest error-rate ratio'];

const largest = (items, value) => items.reduce((best, x) =>
  (typeof value(x) === 'number' && (best === null || value(x) > value(best)) ? x : best), null);

// The rows of the comparison view from /api/compare: one per audit, by organisation then tool.
// Where an audit has several models, the one with the highest hit rate minus baseline is shown.
export function compareRows(tools) {
  const rows = [];
  for (const t of tools) {
    for (const a of t.audits) {
      const hd = a.evidence?.headline ?? {};
      const model = largest(hd.backtest?.models ?? [], (m) => m.hit_rate_minus_best_baseline?.estimate);
      const group = largest(hd.disparity?.groups ?? [], (g) => g.disparity_ratio);
      const ratio = largest(hd.scores?.ratios ?? [], (r) => r.ratio);
      rows.push({ organisation: t.organisation, name: t.name, slug: t.slug, audit: a.id,
        changed: (a.changes ?? []).length > 0,
        cells: [
          model ? `${model.label}: ${iv(model.hit_rate_minus_best_baseline)}` : 'n/a',
          model ? iv(model.wrong_share) : 'n/a',
          group ? `${group.group}: ${withInterval(group.disparity_ratio, group.disparity_ratio_ci?.lo, group.disparity_ratio_ci?.hi)}` : 'n/a',
          ratio ? `${ratio.group} ${ratio.metric}: ${withInterval(ratio.ratio, ratio.ratio_lo, ratio.ratio_hi)}` : 'n/a',
        ] });
    }
  }
  return rows.sort((a, b) => (a.organisation || '').localeCompare(b.organisation || '')
    || a.name.localeCompare(b.name));
}
