// The signed-in user, shared with every page.
import { createContext, useContext } from './vendor/preact-htm.js';

/** Context value: { user, setUser, logout, refreshSetup }. */
export const Session = createContext({ user: null });

/** The session of the current page. */
export function useSession() { return useContext(Session); }
