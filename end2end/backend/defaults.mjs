// The local backend's defaults, in a module of their own so tests and scripts can read them without loading
// express-pouchdb. Development and tests only: never use these credentials anywhere else.
export const DEFAULT_ADMIN = { name: 'admin', password: 'tandem-dev-admin' };
/** The app's origins: `scripts/serve.sh` (47180) and the Playwright journeys (47181). */
export const DEFAULT_CORS_ORIGINS = ['http://127.0.0.1:47180', 'http://127.0.0.1:47181'];
export const DEMO_USERS = [
  { name: 'alex', password: 'alex-demo-pass' },
  { name: 'sam', password: 'sam-demo-pass' },
];
/** The demo facilitator: a server admin of the local backend, as a program's facilitator is on its CouchDB. */
export const DEMO_FACILITATOR = { name: 'casey', password: 'casey-demo-pass' };
