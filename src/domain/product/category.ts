/**
 * The category path of a category name: segments separated by `/` or `>`, trimmed, empty
 * ones dropped, joined by `/` (`Home > Kitchen`, `Home/Kitchen` and ` Home / Kitchen ` →
 * `Home/Kitchen`). A name without separators is a root; a name of nothing but separators
 * and spaces (` > `) has no segment and gives `''`: the product decider refuses it.
 */
export function categoryPath(category: string): string {
  return category
    .split(/[/>]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join('/');
}

/**
 * The path every read model files a category under (the catalogue's `category_path` and
 * tree, the sales and analytics rows per category), and so the path a category filter
 * means: its `categoryPath`, or the name as it is for a name with no segment (only a
 * product registered before such names were refused has one). One rule for projections
 * and queries: `Home > Kitchen` and `Home/Kitchen` are one category, whichever spelling a
 * product was registered or a query asks with.
 */
export function catalogueCategoryPath(category: string): string {
  return categoryPath(category) || category;
}
