// Timestamps on the wire are ISO 8601 strings with an offset; dates are calendar days.
import { z } from 'zod';

export const IsoTimestamp = z.iso.datetime({ offset: true });
export type IsoTimestamp = string;

/** A calendar day, YYYY-MM-DD (business date, birthday). */
export const IsoDate = z.iso.date();
export type IsoDate = string;
