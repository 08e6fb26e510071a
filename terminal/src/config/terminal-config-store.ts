// Reads and writes the terminal's config and enrolment documents (lowdb), and checks manager PINs.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Low } from 'lowdb';
import { ConfigError } from './config-error.js';
import { Enrolment, type ManagerPin, TerminalConfig } from './config-schema.js';
import { SecureJsonFile } from './secure-json-file.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;
const PIN_HASH_BYTES = 32;

export const CONFIG_FILE_NAME = 'terminal.json';
export const ENROLMENT_FILE_NAME = 'enrolment.json';

export class TerminalConfigStore {
  readonly configFile: string;
  readonly enrolmentFile: string;
  private readonly config: Low<TerminalConfig | null>;
  private readonly enrolment: Low<Enrolment | null>;

  constructor(readonly configDir: string) {
    this.configFile = path.join(configDir, CONFIG_FILE_NAME);
    this.enrolmentFile = path.join(configDir, ENROLMENT_FILE_NAME);
    this.config = new Low<TerminalConfig | null>(new SecureJsonFile(this.configFile, TerminalConfig), null);
    this.enrolment = new Low<Enrolment | null>(new SecureJsonFile(this.enrolmentFile, Enrolment), null);
  }

  /** The config, or null when none was written yet. Throws CONFIG_INVALID on a bad file. */
  async readConfig(): Promise<TerminalConfig | null> {
    await this.config.read();
    return this.config.data;
  }

  async writeConfig(config: TerminalConfig): Promise<void> {
    this.config.data = TerminalConfig.parse(config);
    await this.config.write();
  }

  async readEnrolment(): Promise<Enrolment | null> {
    await this.enrolment.read();
    return this.enrolment.data;
  }

  /** The enrolment, or NOT_ENROLLED. */
  async requireEnrolment(): Promise<Enrolment> {
    const enrolment = await this.readEnrolment();
    if (!enrolment) throw new ConfigError('NOT_ENROLLED', this.enrolmentFile);
    return enrolment;
  }

  async writeEnrolment(enrolment: Enrolment): Promise<void> {
    this.enrolment.data = Enrolment.parse(enrolment);
    await this.enrolment.write();
  }
}

/** A manager entry for the config: the PIN itself is never stored. */
export async function hashManagerPin(managerId: string, pin: string): Promise<ManagerPin> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(pin, salt, PIN_HASH_BYTES);
  return { managerId, saltB64: salt.toString('base64'), hashB64: hash.toString('base64') };
}

/** The id of the manager whose PIN this is, or null. Compares every entry in constant time. */
export async function verifyManagerPin(managers: readonly ManagerPin[], pin: string): Promise<string | null> {
  let found: string | null = null;
  for (const manager of managers) {
    const expected = Buffer.from(manager.hashB64, 'base64');
    const actual = await scryptAsync(pin, Buffer.from(manager.saltB64, 'base64'), expected.length);
    if (actual.length === expected.length && timingSafeEqual(actual, expected) && found === null) found = manager.managerId;
  }
  return found;
}
