/**
 * Product categories: Olist names them with Portuguese slugs (`beleza_saude`); we report the
 * English slug from `product_category_name_translation.csv` (`health_beauty`).
 */

/** Category of a product whose `product_category_name` is empty (610 products in the full data). */
export const UNCATEGORIZED = 'uncategorized';

/**
 * Our own English names for Portuguese categories that occur in `olist_products_dataset.csv` but
 * are missing from Olist's translation file. Chosen in the style of the translation file
 * (lower-case, underscores). Extend it when a new untranslated slug shows up in a warning.
 *
 * | Portuguese slug | products | English (ours) | why |
 * | --- | ---: | --- | --- |
 * | `pc_gamer` | 3 | `gaming_pc` | Brazilian usage of "PC gamer" means a gaming PC |
 * | `portateis_cozinha_e_preparadores_de_alimentos` | 10 | `portable_kitchen_and_food_preparers` | literal translation, "portable kitchen (appliances) and food preparers" |
 */
export const SUPPLEMENTARY_CATEGORY_TRANSLATIONS: ReadonlyMap<string, string> = new Map([
  ['pc_gamer', 'gaming_pc'],
  ['portateis_cozinha_e_preparadores_de_alimentos', 'portable_kitchen_and_food_preparers'],
]);

/**
 * The English category of a product, and how it was found.
 * - `source: 'empty'`: no Portuguese category → {@link UNCATEGORIZED}.
 * - `'translation-file'`: from Olist's translation file.
 * - `'supplementary'`: from {@link SUPPLEMENTARY_CATEGORY_TRANSLATIONS}.
 * - `'untranslated'`: unknown everywhere; the Portuguese slug is kept (callers should warn).
 */
export interface ResolvedCategory {
  readonly category: string;
  readonly source: 'empty' | 'translation-file' | 'supplementary' | 'untranslated';
}

/**
 * English category for a Portuguese `product_category_name`.
 *
 * Order of look-up: empty → `'uncategorized'`; the translation file; our supplementary table;
 * otherwise the Portuguese slug itself (flagged `untranslated`). Pure, never throws.
 *
 * @param portuguese the product's `product_category_name` as in the CSV (may be empty)
 * @param translations Portuguese → English from `product_category_name_translation.csv`
 */
export function resolveCategory(portuguese: string, translations: ReadonlyMap<string, string>): ResolvedCategory {
  if (portuguese === '') return { category: UNCATEGORIZED, source: 'empty' };
  const fromFile = translations.get(portuguese);
  if (fromFile !== undefined) return { category: fromFile, source: 'translation-file' };
  const ours = SUPPLEMENTARY_CATEGORY_TRANSLATIONS.get(portuguese);
  if (ours !== undefined) return { category: ours, source: 'supplementary' };
  return { category: portuguese, source: 'untranslated' };
}
