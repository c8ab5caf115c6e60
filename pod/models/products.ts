import { signal } from '@preact/signals';
import type { ProductRow } from '../../server/routes/products.ts';
import type { ExportProductInput, MappingStatus } from '../../shared/schemas/mapping.ts';
import { type Answer, ApiError, api, read } from '../api.ts';
import { type FormError, formError } from './forms.ts';
import { fail } from './session.ts';

export type { ProductRow };
export const products = signal<{ rows: ProductRow[]; counts: Record<'all' | MappingStatus, number> } | null>(null);
export const productsError = signal<string | null>(null);
export const productFilter = signal<'all' | MappingStatus>('all');
export const productSearch = signal('');

/** One catalog search hit, as the server declares it. */
export type CatalogHit = Answer<typeof api.catalog.$get>[number];

export async function loadProducts() {
  try {
    products.value = await read(api.products.$get());
    productsError.value = null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) return fail(error);
    productsError.value = (error as Error).message;
  }
}

export const searchCatalog = (q: string) => read(api.catalog.$get({ query: { q } }));
export const subProductsOf = (id: string) => read(api.products[':id']['sub-products'].$get({ param: { id } }));
export const pricingOf = (id: string) => read(api.products[':id'].pricing.$get({ param: { id } }));
export const catalogSetup = () => read(api.catalog.setup.$get());

async function save(run: () => Promise<unknown>): Promise<FormError | null> {
  try {
    await run();
    await loadProducts();
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.needsReload) fail(error);
    return formError(error);
  }
}

export const bindProduct = (distributorProductId: string, subProduct: string, cwCatalogItemId: number) =>
  save(() => read(api['product-mappings'].$post({ json: { distributorProductId, subProduct, cwCatalogItemId } })));
export const unbindProduct = (mappingId: string) =>
  save(() => read(api['product-mappings'][':id'].$delete({ param: { id: mappingId } })));
export const exportProduct = (input: ExportProductInput) =>
  save(() => read(api['catalog-items'].$post({ json: input })));

/** Turns a bound product's usage sync on or off. */
export const setUsageSync = (mappingId: string, on: boolean) =>
  save(() => read(api['product-mappings'][':id']['usage-sync'].$put({ param: { id: mappingId }, json: { on } })));
/** The product's markup over cost for its usage, in hundredths of a percent; null for the distributor's prices. */
export const setProductMarkup = (mappingId: string, markupBp: number | null) =>
  save(() => read(api['product-mappings'][':id'].markup.$put({ param: { id: mappingId }, json: { markupBp } })));

/** A bound catalog item's details as ConnectWise holds them now. */
export const catalogItem = (id: number) => read(api['catalog-items'][':id'].$get({ param: { id: String(id) } }));
export type CatalogItemDetails = Awaited<ReturnType<typeof catalogItem>>;
/** Writes the changed details to ConnectWise as the member. */
export const editCatalogItem = (id: number, json: Omit<CatalogItemDetails, 'id' | 'identifier'>) =>
  save(() => read(api['catalog-items'][':id'].$patch({ param: { id: String(id) }, json })));

/** The panel open on the Products page: binding, exporting, editing or unbinding one product. */
export type ProductPanel = { kind: 'bind' | 'export' | 'edit' | 'unbind'; row: ProductRow } | null;
export const productPanel = signal<ProductPanel>(null);
/** Sub-products a usage product bills by, as the distributor names them, once asked for. */
export const subProductNames = signal<Record<string, string[]>>({});
export const subProductsError = signal<string | null>(null);

export async function showSubProducts(row: ProductRow) {
  try {
    subProductNames.value = {
      ...subProductNames.value,
      [row.distributorProductId]: await subProductsOf(row.distributorProductId),
    };
  } catch (failure) {
    subProductsError.value = `Sub-products of ${row.name} could not be read: ${(failure as Error).message}`;
  }
}

/** Opening the page starts with no panel open and nothing said about sub-products. */
export function openProducts() {
  productPanel.value = null;
  subProductNames.value = {};
  subProductsError.value = null;
  return loadProducts();
}
