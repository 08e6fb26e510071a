// The catalogue cache: items by SKU and by any of their barcodes.
import type { Database, Statement } from 'better-sqlite3';
import type { CatalogueItem } from '@pos/protocol';

export class CatalogueCache {
  private readonly upsertItem: Statement;
  private readonly deleteBarcodesOf: Statement;
  private readonly upsertBarcode: Statement;
  private readonly bySku: Statement;
  private readonly byBarcode: Statement;
  private readonly deleteItem: Statement;
  private readonly count: Statement;

  constructor(db: Database) {
    this.upsertItem = db.prepare(
      `INSERT INTO catalogue (sku, gen, body) VALUES (?, ?, ?) ON CONFLICT(sku) DO UPDATE SET gen = excluded.gen, body = excluded.body`,
    );
    this.deleteBarcodesOf = db.prepare(`DELETE FROM barcodes WHERE sku = ?`);
    this.upsertBarcode = db.prepare(`INSERT INTO barcodes (barcode, sku) VALUES (?, ?) ON CONFLICT(barcode) DO UPDATE SET sku = excluded.sku`);
    this.bySku = db.prepare(`SELECT body FROM catalogue WHERE sku = ?`).pluck();
    this.byBarcode = db.prepare(`SELECT c.body FROM barcodes b JOIN catalogue c ON c.sku = b.sku WHERE b.barcode = ?`).pluck();
    this.deleteItem = db.prepare(`DELETE FROM catalogue WHERE sku = ?`);
    this.count = db.prepare(`SELECT count(*) FROM catalogue`).pluck();
  }

  putItem(item: CatalogueItem, gen: number): void {
    this.upsertItem.run(item.sku, gen, JSON.stringify(item));
    this.deleteBarcodesOf.run(item.sku);
    for (const barcode of item.barcodes) this.upsertBarcode.run(barcode, item.sku);
  }

  removeItem(sku: string): void {
    this.deleteBarcodesOf.run(sku);
    this.deleteItem.run(sku);
  }

  item(sku: string): CatalogueItem | null {
    const body = this.bySku.get(sku);
    return typeof body === 'string' ? (JSON.parse(body) as CatalogueItem) : null;
  }

  itemByBarcode(barcode: string): CatalogueItem | null {
    const body = this.byBarcode.get(barcode);
    return typeof body === 'string' ? (JSON.parse(body) as CatalogueItem) : null;
  }

  size(): number {
    return this.count.get() as number;
  }
}
