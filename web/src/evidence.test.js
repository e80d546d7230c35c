// Unit tests of evidence.js; expected values written out by hand from the inputs.
import { expect, test } from 'vitest';

import {
  challengeSummary, changeNotes, compareRows, fmt, headlineTables, withInterval,
} from './evidence.js';

test('numbers are shown to three significant figures, missing ones as n/a', () => {
  expect(fmt(0.123456)).toBe('0.123');
  expect(fmt(2.5)).toBe('2.5');
  expect(fmt(null)).toBe('n/a');
  expect(withInterval(1.2345, 1.01, 1.5)).toBe('1.23 (1.01 to 1.5)');
  expect(withInterval(1.2345, null, 1.5)).toBe('1.23');
});

test('headline tables: backtest, disparity and score ratios', () => {
  const evidence = { headline: {
    backtest: { best_baseline: 'naive', models: [{ label: 'kde',
      hit_rate: { estimate: 0.4, lo: 0.35, hi: 0.45 },
      hit_rate_minus_best_baseline: { estimate: 0.05, lo: -0.01, hi: 0.1 },
      wrong_share: { estimate: 0.8, lo: 0.75, hi: 0.85 } }] },
    disparity: { groups: [{ group: 'black', disparity_ratio: 2.1,
      disparity_ratio_ci: { lo: 1.8, hi: 2.4 } }] },
    scores: { ratios: [{ threshold: 'score>=5', attribute: 'race', group: 'b', reference: 'w',
      metric: 'fpr', ratio: 1.9, ratio_lo: 1.5, ratio_hi: 2.3 }] },
  } };
  const t = headlineTables(evidence);
  expect(t.map((x) => x.rows)).toEqual([
    [['kde', '0.4 (0.35 to 0.45)', '0.05 (-0.01 to 0.1)', '0.8 (0.75 to 0.85)']],
    [['black', '2.1 (1.8 to 2.4)']],
    [['score>=5', 'race', 'b', 'w', 'false positive rate', '1.9 (1.5 to 2.3)']],
  ]);
  expect(t[0].caption).toContain('best baseline: naive');
  expect(headlineTables(undefined)).toEqual([]);
});

test('changes are told in words', () => {
  expect(changeNotes(['inputs', 'engine'])).toEqual([
    'The results folder now holds a run on other inputs than those linked.',
    'This audit was run by another version of scrutineer than the one serving this register.']);
  expect(changeNotes()).toEqual([]);
});

test('the challenge counts in a sentence', () => {
  expect(challengeSummary({ received: 0 })).toBe('No question or challenge has been received yet.');
  expect(challengeSummary({ received: 3, answered: 2, published: 1, median_answer_days: 1.5,
    longest_answer_days: 4 })).toBe('3 questions and challenges received, 2 answered, 1 published.'
    + ' Answers took 1.5 days at the median (the longest 4 days).');
  expect(challengeSummary({ received: 1, answered: 0, published: 0, median_answer_days: null }))
    .toBe('1 question or challenge received, 0 answered, 0 published.');
});

test('the comparison has a row per audit, by organisation, with the largest figures', () => {
  const tools = [
    { slug: 'b', name: 'B tool', organisation: 'West Midlands Police', audits: [{ id: 2, changes: ['engine'],
      evidence: { headline: { disparity: { groups: [
        { group: 'x', disparity_ratio: 1.2, disparity_ratio_ci: { lo: 1, hi: 1.4 } },
        { group: 'y', disparity_ratio: 2.5, disparity_ratio_ci: { lo: 2, hi: 3 } }] } } } }] },
    { slug: 'a', name: 'A tool', organisation: 'Essex Police', audits: [{ id: 1, changes: [],
      evidence: { headline: { backtest: { models: [
        { label: 'm1', hit_rate_minus_best_baseline: { estimate: 0.01 }, wrong_share: { estimate: 0.9 } },
        { label: 'm2', hit_rate_minus_best_baseline: { estimate: 0.05, lo: 0.02, hi: 0.08 },
          wrong_share: { estimate: 0.8, lo: 0.7, hi: 0.85 } }] } } } }] },
  ];
  expect(compareRows(tools)).toEqual([
    { organisation: 'Essex Police', name: 'A tool', slug: 'a', audit: 1, changed: false,
      cells: ['m2: 0.05 (0.02 to 0.08)', '0.8 (0.7 to 0.85)', 'n/a', 'n/a'] },
    { organisation: 'West Midlands Police', name: 'B tool', slug: 'b', audit: 2, changed: true,
      cells: ['n/a', 'n/a', 'y: 2.5 (2 to 3)', 'n/a'] },
  ]);
});
