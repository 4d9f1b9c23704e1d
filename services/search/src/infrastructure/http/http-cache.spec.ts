import { matchesIfNoneMatch, weakEtag } from './http-cache';

describe('HTTP cache validators', () => {
  const tag = weakEtag('{"total":1}');

  it('gives the same weak tag to the same body and another to another body', () => {
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]{32}"$/);
    expect(weakEtag('{"total":1}')).toBe(tag);
    expect(weakEtag('{"total":2}')).not.toBe(tag);
  });

  it.each([
    [undefined, false],
    ['*', true],
    [tag, true],
    [tag.replace(/^W\//, ''), true],
    [`W/"other", ${tag}`, true],
    ['W/"other"', false],
  ])('If-None-Match %j matches: %s (weak comparison)', (header, expected) => {
    expect(matchesIfNoneMatch(header, tag)).toBe(expected);
  });
});
