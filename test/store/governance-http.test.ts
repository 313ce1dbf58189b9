/**
 * The governance suite against the remote client: HttpStore through a real server over SQLite (see
 * http-harness.ts). What a suite test cannot show over HTTP is skipped by name, with the reason.
 */
import { describeGovernanceStore } from './governance.suite.js';
import { openHttpHarness } from './http-harness.js';

const SCHEMA =
  "the API's request schema refuses it first: 400 PO_ERR_REQUEST_INVALID, not the store's PO_ERR_USAGE";
const SERVER_PROJECT =
  'the served project exists before the suite starts (a server creates its project on start), so ensureProject finds it and listProjects lists it';
const HARNESS_TOKENS = "the adapter's tokens (one per acting subject) are in the token listing too";
const SERVER_CLOCK =
  "the server refuses an expiresAt before its own clock's now, and the suite's clock is in the past";
const STAR_ADMIN =
  'the adapter makes each acting subject ("someone-else" too) an admin of every project ("*"), and rolesOf counts the roles granted on "*"';

describeGovernanceStore('http', openHttpHarness, {
  'an unknown check name is refused with PO_ERR_USAGE': SCHEMA,
  'a canary needs a whole weight from 1 to 99 and a stable version beside it': SCHEMA,
  'a malformed expiry or subject is refused with PO_ERR_USAGE': SCHEMA,
  'appends every governance action to the one intact chain': SERVER_PROJECT,
  'ensureProject creates a project once and lists projects by name': SERVER_PROJECT,
  'createToken returns a po_ token once; listings and the audit log never contain its secret or hash':
    HARNESS_TOKENS,
  'a revoked token authenticates nobody; revoking is recorded once and unknown ids are PO_ERR_TOKEN_NOT_FOUND':
    HARNESS_TOKENS,
  'an expired token authenticates nobody': SERVER_CLOCK,
  'an expiry written with a UTC offset is honoured at the instant it names': SERVER_CLOCK,
  'createProject makes its creator the admin, and refuses a name that exists': STAR_ADMIN,
});
