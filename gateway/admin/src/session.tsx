// Who is signed in: the token, the staff user, the actions the API says the role may take, and the
// stores and regions in its scope (for names and pickers).
import { createContext, useContext } from 'react';

export interface Staff {
  id: string;
  username: string;
  displayName: string;
  role: 'hq_admin' | 'region_manager' | 'store_manager' | 'cashier';
  merchantId: string;
  regionId: string | null;
  storeId: string | null;
}
export interface Store {
  id: string;
  regionId: string;
  code: string;
  name: string;
  address: string;
}
export interface Session {
  staff: Staff;
  actions: Set<string>;
  stores: Store[];
  storeName: (id: string | null | undefined) => string;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

/** Whether the signed-in role may take an action (the API's own list, from /v1/auth/permissions). */
export function useCan(): (action: string) => boolean {
  const s = useSession();
  return (action) => s.actions.has(action);
}

export const ROLE_NAMES: Record<string, [string, string]> = {
  hq_admin: ['总部管理员', 'HQ admin'],
  region_manager: ['区域经理', 'Region manager'],
  store_manager: ['店长', 'Store manager'],
  cashier: ['收银员', 'Cashier'],
};
