/**
 * The data layer against PGlite behind its socket server (the engine of `npm run local`).
 * PGlite shares one session between connections and checks no roles: the least-privilege and
 * TLS cases run against a real PostgreSQL server (data-layer.postgres.test.ts).
 */
import { startPglite, type LocalPglite } from "../support/pglite-server";
import { dataLayerCases, type DataLayerTarget } from "./data-layer.cases";

let pglite: LocalPglite;
let target: DataLayerTarget;

beforeAll(async () => {
  pglite = await startPglite();
  const connection = { host: pglite.host, port: pglite.port, database: "postgres", ssl: false } as const;
  target = { master: { ...connection, user: "postgres", password: "postgres" }, app: (user, password) => ({ ...connection, user, password }) };
}, 60_000);

afterAll(async () => {
  await pglite?.close();
});

describe("data layer on PGlite", () => {
  dataLayerCases(() => target);
});
