// Merchants (HQ only), regions, stores, terminals, staff.
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import {
  MerchantPatch, MerchantSchema, Paging, RegionBody, RegionSchema, StaffBody, StaffSchema, StoreBody, StoreSchema, TerminalBody, TerminalSchema, pageOf, params,
} from '../schemas.js';

export function hierarchyRoutes(app: GatewayApp, s: Services): void {
  const h = s.hierarchy;
  addRoute(app, { method: 'get', path: '/v1/merchants/{merchantId}', tag: 'hierarchy', summary: 'The merchant (HQ only)', params: params.merchantId, response: MerchantSchema }, ({ actor, params: p }) => h.getMerchant(actor, p.merchantId));
  addRoute(app, { method: 'patch', path: '/v1/merchants/{merchantId}', tag: 'hierarchy', summary: 'Rename the merchant (HQ only)', params: params.merchantId, body: MerchantPatch, response: MerchantSchema }, ({ actor, params: p, body }) => h.updateMerchant(actor, p.merchantId, body));

  addRoute(app, { method: 'get', path: '/v1/regions', tag: 'hierarchy', summary: 'Regions in scope', query: Paging, response: pageOf(RegionSchema) }, ({ actor, query }) => h.listRegions(actor, query));
  addRoute(app, { method: 'post', path: '/v1/regions', tag: 'hierarchy', summary: 'Create a region (HQ)', body: RegionBody, response: RegionSchema, status: 201 }, ({ actor, body }) => h.createRegion(actor, body));
  addRoute(app, { method: 'get', path: '/v1/regions/{regionId}', tag: 'hierarchy', summary: 'One region', params: params.regionId, response: RegionSchema }, ({ actor, params: p }) => h.getRegion(actor, p.regionId));

  addRoute(app, { method: 'get', path: '/v1/stores', tag: 'hierarchy', summary: 'Stores in scope', query: Paging, response: pageOf(StoreSchema) }, ({ actor, query }) => h.listStores(actor, query));
  addRoute(app, { method: 'post', path: '/v1/stores', tag: 'hierarchy', summary: 'Create a store (HQ, region manager)', body: StoreBody, response: StoreSchema, status: 201 }, ({ actor, body }) => h.createStore(actor, body));
  addRoute(app, { method: 'get', path: '/v1/stores/{storeId}', tag: 'hierarchy', summary: 'One store', params: params.storeId, response: StoreSchema }, ({ actor, params: p }) => h.getStore(actor, p.storeId));

  addRoute(app, { method: 'get', path: '/v1/terminals', tag: 'hierarchy', summary: 'Terminals in scope', query: Paging, response: pageOf(TerminalSchema) }, ({ actor, query }) => h.listTerminals(actor, query));
  addRoute(app, { method: 'post', path: '/v1/terminals', tag: 'hierarchy', summary: 'Register a terminal for a store', body: TerminalBody, response: TerminalSchema, status: 201 }, ({ actor, body }) => h.createTerminal(actor, body));
  addRoute(app, { method: 'get', path: '/v1/terminals/{terminalId}', tag: 'hierarchy', summary: 'One terminal', params: params.terminalId, response: TerminalSchema }, ({ actor, params: p }) => h.getTerminal(actor, p.terminalId));

  addRoute(app, { method: 'get', path: '/v1/staff', tag: 'hierarchy', summary: 'Staff in scope', query: Paging, response: pageOf(StaffSchema) }, ({ actor, query }) => h.listStaff(actor, query));
  addRoute(app, { method: 'post', path: '/v1/staff', tag: 'hierarchy', summary: 'Create a staff user (roles below your own, in your scope)', body: StaffBody, response: StaffSchema, status: 201 }, ({ actor, body }) => h.createStaff(actor, body));
  addRoute(app, { method: 'get', path: '/v1/staff/{staffId}', tag: 'hierarchy', summary: 'One staff user', params: params.staffId, response: StaffSchema }, ({ actor, params: p }) => h.getStaff(actor, p.staffId));
}
