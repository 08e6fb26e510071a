// A lowdb adapter that validates with zod on read and writes atomically with file mode 0600,
// so a secret is never readable by another user, not even for the instant before a chmod.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

export const CONFIG_FILE_MODE = 0o600;
/** Config documents are small; anything larger is not ours. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export class SecureJsonFile<S extends z.ZodType> implements Adapter<z.output<S> | null> {
  constructor(
    readonly filename: string,
    private readonly schema: S,
  ) {}

  async read(): Promise<z.output<S> | null> {
    let text: string;
    try {
      const stat = await fs.stat(this.filename);
      if (stat.size > MAX_CONFIG_BYTES) throw new ConfigError('CONFIG_UNREADABLE', this.filename, `larger than ${MAX_CONFIG_BYTES} bytes`);
      text = await fs.readFile(this.filename, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      if (error instanceof ConfigError) throw error;
      throw new ConfigError('CONFIG_UNREADABLE', this.filename, (error as Error).message);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigError('CONFIG_INVALID', this.filename, `not JSON: ${(error as Error).message}`);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new ConfigError('CONFIG_INVALID', this.filename, `${field}: ${issue?.message ?? 'invalid'}`, field);
    }
    return parsed.data;
  }

  async write(data: z.output<S> | null): Promise<void> {
    if (data === null) throw new ConfigError('CONFIG_INVALID', this.filename, 'refusing to write an empty document');
    // Validate before touching the disk: a bad document must not replace a good one.
    const checked = this.schema.parse(data);
    const dir = path.dirname(this.filename);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(this.filename)}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.open(temp, 'wx', CONFIG_FILE_MODE);
    try {
      await handle.writeFile(`${JSON.stringify(checked, null, 2)}\n`, 'utf8');
      // The mode given to open() is masked by the umask; chmod makes 0600 exact.
      await handle.chmod(CONFIG_FILE_MODE);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, this.filename);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    // Make the rename itself durable.
    const dirHandle = await fs.open(dir, 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
  }
}
