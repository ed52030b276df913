/**
 * A text as catalogue search compares it: lower case, without diacritics, with the
 * Turkish dotless `ı` as `i`. So a shopper typing on a keyboard without Turkish letters
 * finds what the shop spelt with them, and either case of them: `cay`, `ÇAY` and `çay` all
 * match `Çay`; `izmir` and `IZMIR` match `İzmir`; `kasik` matches `Kaşık`.
 *
 * How: Unicode compatibility decomposition (NFKD) splits a letter from its marks (`ç` →
 * `c` + U+0327, `İ` → `I` + U+0307), the marks (`\p{M}`) are dropped, `ı` (U+0131, which
 * has no decomposition) becomes `i`, and the locale-independent `toLowerCase` of what is
 * left never meets a Turkish `İ`/`I` pair again. Both the projection (the indexed words)
 * and the query (the searched words) fold with it, so they always agree.
 */
export function foldForSearch(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/ı/g, 'i').toLowerCase();
}
