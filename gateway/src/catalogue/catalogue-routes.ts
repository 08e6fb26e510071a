// HTTP routes of the price list: HQ upserts items in batches; anyone in the merchant reads pages.
import { z } from '@hono/zod-openapi';
import { CatalogueItem } from '@pos/protocol';
import { require as requireAction } from '../auth/permissions.js';
import { addRoute, type GatewayApp } from '../http/route.js';
import type { CatalogueService } from './catalogue-service.js';

const PageQuery = z.object({ after: z.string().max(64).default('') });

export function catalogueRoutes(catalogue: CatalogueService) {
  return (app: GatewayApp): void => {
    addRoute(
      app,
      { method: 'put', path: '/v1/catalogue/items', tag: 'catalogue', summary: 'Create or replace up to 1,000 items by sku (prices in fen)', body: z.array(z.unknown()), response: z.object({ upserted: z.number().int() }) },
      ({ actor, body }) => catalogue.upsert(actor, body),
    );
    addRoute(
      app,
      { method: 'get', path: '/v1/catalogue/items', tag: 'catalogue', summary: 'Items ordered by sku; pass the last sku as `after` for the next page', query: PageQuery, response: z.object({ items: z.array(CatalogueItem) }) },
      async ({ actor, query }) => {
        requireAction(actor, 'ruleSet.read');
        return { items: await catalogue.page(actor.merchantId, query.after) };
      },
    );
  };
}
