// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { latestChangePerPage, withinRecentWindow } from '../../../../services/wiki/recent-changes';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

describe('withinRecentWindow', () => {
  it('trusts recent changes for a gap shorter than the wiki keeps them, an hour short of the limit', () => {
    expect(withinRecentWindow(NOW - DAY, NOW)).toBe(true);
    expect(withinRecentWindow(NOW - 7 * DAY + 2 * 3_600_000, NOW)).toBe(true);
    expect(withinRecentWindow(NOW - 7 * DAY + 30 * 60_000, NOW)).toBe(false);
    expect(withinRecentWindow(NOW - 20 * DAY, NOW, 30)).toBe(true);
  });

  it('never trusts them for a sync that never happened', () => {
    expect(withinRecentWindow(0, NOW)).toBe(false);
    expect(withinRecentWindow(Number.NaN, NOW)).toBe(false);
  });
});

describe('latestChangePerPage', () => {
  it('keeps each page\'s latest change, oldest first', () => {
    expect(
      latestChangePerPage([
        { id: 'b', modified: 30, deleted: false },
        { id: 'a', modified: 10, deleted: false },
        { id: 'b', modified: 40, deleted: true },
        { id: 'c', modified: 10, deleted: false },
        { id: 'a', modified: 5, deleted: true },
      ]),
    ).toEqual([
      { id: 'a', modified: 10, deleted: false },
      { id: 'c', modified: 10, deleted: false },
      { id: 'b', modified: 40, deleted: true },
    ]);
  });
});
