import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldForSearch } from '../../src/application/queries/search-text.js';
import { prefixQuery } from '../../src/application/queries/catalogue-queries.js';

describe('catalogue search folding', () => {
  it('drops diacritics and case, Turkish dotted and dotless i included', () => {
    assert.equal(foldForSearch('Çay Bardağı'), 'cay bardagi');
    assert.equal(foldForSearch('İZMİR ışık ŞEKER Ölçü Üzüm'), 'izmir isik seker olcu uzum');
    assert.equal(foldForSearch('IĞDIR'), 'igdir');
    assert.equal(foldForSearch('Crème brûlée'), 'creme brulee');
  });

  it('folds the searched words as the indexed names are', () => {
    assert.equal(prefixQuery('ÇAY  bardağı!'), 'cay:* & bardagi:*');
    assert.equal(prefixQuery('%%'), undefined);
  });
});
