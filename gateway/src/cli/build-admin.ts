// `npm run build:admin`: builds the HQ console now (even when the build looks current).
import { ensureAdminBuilt } from '../admin/ensure-admin-built.js';

const result = await ensureAdminBuilt({ force: true, log: (line) => console.log(line) });
console.log(`dist: ${result.dist}`);
